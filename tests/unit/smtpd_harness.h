/* smtpd_harness.h: whole posta-smtpd sessions inside a unit test, shared
 * by test_smtpd_cmd.c and test_smtpd_datacmd.c. A temporary instance home
 * with control files; session() runs a session on input from a file,
 * dialog() one against a client that waits for the 354; the injector is a
 * shell script that keeps the message and envelope in fq/ when the
 * envelope is whole. Static functions: each test file gets its own copy. */
#ifndef POSTA_TEST_SMTPD_HARNESS_H
#define POSTA_TEST_SMTPD_HARNESS_H

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include "posta-smtpd/smtpd.h"

static char dir[] = "/tmp/posta-test-smtpd-cmd-XXXXXX";
static char out[1 << 20];
static char const *cursor;

static inline int exists(char const *local, char const *domain)
{
  /* lookup_exists compares local parts without case */
  if (!strcasecmp(local, "tempfail")) return -1;
  return !strcasecmp(local, "alice") || !strcasecmp(local, "bob") || !strcasecmp(local, "vprefix-carol")
      || !strcasecmp(local, "user%remote.test") || !strcasecmp(local, "x!y");
}

static inline int setup(void **state)
{
  char q[300];
  if (fsfix_enter(dir) < 0) return -1;
  if (mkdir("control", 0755) < 0 || mkdir("queue", 0755) < 0 || mkdir("fq", 0755) < 0) return -1;
  if (mkdir("smtpd", 0700) < 0) return -1;
  write_file("control/me", "mx.example.org\n");
  write_file("control/locals", "example.org\nmx.example.org\n");
  write_file("control/virtualdomains", "virt.test:vprefix\n");
  write_file("control/rcpthosts", "example.org\nmx.example.org\n.relay.test\nvirt.test\nbackup.test\n");
  write_file("control/badmailfrom", "spammer@bad.test\n@evil.test\n");
  write_file("control/databytes", "10000\n");
  write_file("control/maxrcpt", "5\n");
  write_file("control/badrcptdelay", "0\n");
  write_file("fakeq",
             "#!/bin/sh\n"
             "t=fq/tmp.$$\n"
             "cat > $t.msg || exit 54\n"
             "cat <&1 > $t.env || exit 54\n"
             "[ \"$(tail -c 2 $t.env | od -An -tx1 | tr -d ' \\n')\" = 0000 ] || { rm -f $t.*; exit 54; }\n"
             "mv $t.msg fq/msg; mv $t.env fq/env\n"
             "exit ${FAKEQ_EXIT:-0}\n");
  chmod("fakeq", 0755);
  snprintf(q, sizeof q, "%s/fakeq", dir);
  setenv("QMAILQUEUE", q, 1);
  setenv("TCPREMOTEIP", "192.0.2.7", 1);
  unsetenv("RELAYCLIENT");
  return 0;
}

static inline int teardown(void **state)
{
  return fsfix_remove(dir);
}

/* Runs one session on input (as the submission service when submission
 * is 1); the replies land in out. */
static inline void session_as(char const *input, size_t n, int submission)
{
  smtpd s;
  int fd = open("in", O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, input, n), (ssize_t)n);
  close(fd);
  int in = open("in", O_RDONLY);
  int o = open("out", O_RDWR | O_CREAT | O_TRUNC, 0600);
  unlink("fq/msg");
  unlink("fq/env");
  assert_int_equal(smtpd_session_init(&s, exists, in, o), 0);
  if (submission) s.auth.submission = 1;
  smtpd_session_run(&s);
  smtpd_session_free(&s);
  close(in);
  ssize_t r = pread(o, out, sizeof out - 1, 0);
  assert_true(r >= 0);
  out[r] = 0;
  close(o);
  cursor = out;
}

static inline void session_n(char const *input, size_t n)
{
  session_as(input, n, 0);
}

static inline void session(char const *input)
{
  session_n(input, strlen(input));
}

static inline void send_n(int fd, char const *s, size_t n)
{
  while (n) {
    ssize_t w = write(fd, s, n);
    assert_true(w > 0);
    s += w;
    n -= (size_t)w;
  }
}

static inline void send_all(int fd, char const *s)
{
  send_n(fd, s, strlen(s));
}

/* A client that sends before, waits for the 354 (or the end), sends after
 * and closes its side; the server runs in a child. */
static inline void dialog_n(char const *before, char const *after, size_t alen)
{
  int sv[2];
  size_t n = 0;
  unlink("fq/msg");
  unlink("fq/env");
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (!pid) {
    smtpd s;
    /* as posta-smtpd's main does: a dead injector is an error, not a signal */
    signal(SIGPIPE, SIG_IGN);
    close(sv[0]);
    if (smtpd_session_init(&s, exists, sv[1], sv[1]) < 0) _exit(1);
    smtpd_session_run(&s);
    _exit(0);
  }
  close(sv[1]);
  send_all(sv[0], before);
  for (int sent = 0;;) {
    out[n] = 0;
    if (!sent && (!strncmp(out, "354 ", 4) || strstr(out, "\r\n354 "))) {
      send_n(sv[0], after, alen);
      shutdown(sv[0], SHUT_WR);
      sent = 1;
    }
    ssize_t r = read(sv[0], out + n, sizeof out - 1 - n);
    if (r <= 0) break;
    n += (size_t)r;
  }
  out[n] = 0;
  close(sv[0]);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_true(WIFEXITED(st) && !WEXITSTATUS(st));
  cursor = out;
}

static inline void dialog(char const *before, char const *after)
{
  dialog_n(before, after, strlen(after));
}

/* The next reply line starts with prefix. */
static inline void expect(char const *prefix)
{
  char const *nl = strstr(cursor, "\r\n");
  if (!nl || strncmp(cursor, prefix, strlen(prefix))) {
    print_error("expected \"%s\", got \"%.*s\"\n", prefix, nl ? (int)(nl - cursor) : 40, cursor);
    fail();
  }
  cursor = nl + 2;
}

static inline void expect_end(void)
{
  if (*cursor) { print_error("unexpected: %s\n", cursor); fail(); }
}

static inline int queued(void)
{
  return access("fq/env", F_OK) == 0;
}

static inline char *slurp(char const *fn, size_t *len)
{
  static char buf[1 << 16];
  int fd = open(fn, O_RDONLY);
  assert_true(fd >= 0);
  ssize_t r = read(fd, buf, sizeof buf - 1);
  assert_true(r >= 0);
  close(fd);
  buf[r] = 0;
  *len = (size_t)r;
  return buf;
}

#endif
