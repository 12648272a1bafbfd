/* Unit tests for src/posta-smtpd/smtpd_cmd.c and the session around it:
 * whole sessions run in this process, the client's input from a file, the
 * replies into another, the injector a shell script that keeps what it
 * gets. Command parsing, sequence, MAIL and RCPT checks, limits, DATA. */
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

#include "posta-smtpd/smtpd.h"

static char dir[] = "/tmp/posta-test-smtpd-cmd-XXXXXX";
static char out[1 << 20];
static char const *cursor;

static void write_file(char const *fn, char const *s)
{
  FILE *f = fopen(fn, "w");
  assert_non_null(f);
  fputs(s, f);
  fclose(f);
}

static int exists(char const *local, char const *domain)
{
  /* lookup_exists compares local parts without case */
  if (!strcasecmp(local, "tempfail")) return -1;
  return !strcasecmp(local, "alice") || !strcasecmp(local, "bob") || !strcasecmp(local, "vprefix-carol")
      || !strcasecmp(local, "user%remote.test") || !strcasecmp(local, "x!y");
}

static int setup(void **state)
{
  char q[300];
  if (!mkdtemp(dir) || chdir(dir) < 0) return -1;
  if (mkdir("control", 0755) < 0 || mkdir("queue", 0755) < 0 || mkdir("fq", 0755) < 0) return -1;
  write_file("control/me", "mx.example.org\n");
  write_file("control/locals", "example.org\nmx.example.org\n");
  write_file("control/virtualdomains", "virt.test:vprefix\n");
  write_file("control/rcpthosts", "example.org\nmx.example.org\n.relay.test\nvirt.test\nbackup.test\n");
  write_file("control/badmailfrom", "spammer@bad.test\n@evil.test\n");
  write_file("control/databytes", "10000\n");
  write_file("control/maxrcpt", "5\n");
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

static int teardown(void **state)
{
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  return system(cmd);
}

/* Runs one session on input; the replies land in out. */
static void session_n(char const *input, size_t n)
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
  assert_int_equal(smtpd_init(&s, exists, in, o), 0);
  smtpd_run(&s);
  smtpd_free(&s);
  close(in);
  ssize_t r = pread(o, out, sizeof out - 1, 0);
  assert_true(r >= 0);
  out[r] = 0;
  close(o);
  cursor = out;
}

static void session(char const *input)
{
  session_n(input, strlen(input));
}

static void send_n(int fd, char const *s, size_t n)
{
  while (n) {
    ssize_t w = write(fd, s, n);
    assert_true(w > 0);
    s += w;
    n -= (size_t)w;
  }
}

static void send_all(int fd, char const *s)
{
  send_n(fd, s, strlen(s));
}

/* A client that sends before, waits for the 354 (or the end), sends after
 * and closes its side; the server runs in a child. */
static void dialog_n(char const *before, char const *after, size_t alen)
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
    if (smtpd_init(&s, exists, sv[1], sv[1]) < 0) _exit(1);
    smtpd_run(&s);
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

static void dialog(char const *before, char const *after)
{
  dialog_n(before, after, strlen(after));
}

/* The next reply line starts with prefix. */
static void expect(char const *prefix)
{
  char const *nl = strstr(cursor, "\r\n");
  if (!nl || strncmp(cursor, prefix, strlen(prefix))) {
    print_error("expected \"%s\", got \"%.*s\"\n", prefix, nl ? (int)(nl - cursor) : 40, cursor);
    fail();
  }
  cursor = nl + 2;
}

static void expect_end(void)
{
  if (*cursor) { print_error("unexpected: %s\n", cursor); fail(); }
}

static int queued(void)
{
  return access("fq/env", F_OK) == 0;
}

static char *slurp(char const *fn, size_t *len)
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

static void basics(void **state)
{
  session("EHLO client.test\r\nnoop\r\nhElO x\r\nVRFY alice\r\nHELP\r\nEXPN list\r\nXYZZY\r\n\r\nRSET\r\nRSET x\r\nQUIT\r\nNOOP\r\n");
  expect("220 mx.example.org ESMTP");
  expect("250-mx.example.org");
  expect("250-PIPELINING");
  expect("250-8BITMIME");
  expect("250-SIZE 10000");
  expect("250-ENHANCEDSTATUSCODES");
  expect("250 SMTPUTF8");
  expect("250 2.0.0");
  expect("250 mx.example.org");
  expect("252 2.5.0");
  expect("214-2.0.0");
  expect("214 2.0.0");
  expect("502 5.5.1");
  expect("500 5.5.1");
  expect("500 5.5.1");
  expect("250 2.0.0");
  expect("501 5.5.4");
  expect("221 2.0.0");
  expect_end();
  session("EHLO\r\nHELO\r\n");
  expect("220 ");
  expect("501 5.5.4");
  expect("501 5.5.4");
  expect_end();
}

static void sequence(void **state)
{
  session("MAIL FROM:<a@b.test>\r\nHELO c\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n"
          "MAIL FROM:<a@b.test>\r\nMAIL FROM:<a@b.test>\r\nDATA\r\nRCPT TO:<nobody@example.org>\r\nDATA\r\n"
          "RSET\r\nRCPT TO:<alice@example.org>\r\nDATA x\r\nQUIT\r\n");
  expect("220 ");
  expect("503 5.5.1");
  expect("250 ");
  expect("503 5.5.1");
  expect("503 5.5.1");
  expect("250 2.1.0");
  expect("503 5.5.1");
  expect("554 5.5.1");
  expect("550 5.1.1");
  expect("554 5.5.1");
  expect("250 2.0.0");
  expect("503 5.5.1");
  expect("501 5.5.4");
  expect("221 ");
  expect_end();
}

static void mail(void **state)
{
  session("EHLO c\r\n"
          "MAIL FROM: <a@b.test>\r\nRSET\r\n"
          "MAIL FROM:a@b.test\r\n"
          "MAIL TO:<a@b.test>\r\n"
          "MAIL FROM:<a@b.test> SIZE=10000\r\nRSET\r\n"
          "MAIL FROM:<a@b.test> SIZE=10001\r\n"
          "MAIL FROM:<a@b.test> SIZE=18446744073709551616\r\n"
          "MAIL FROM:<a@b.test> FOO=BAR\r\n"
          "MAIL FROM:<a@b.test> BODY=9BIT\r\n"
          "MAIL FROM:<Spammer@BAD.test>\r\n"
          "MAIL FROM:<anyone@Evil.Test>\r\n"
          "MAIL FROM:<\xc3\xa9@b.test>\r\n"
          "MAIL FROM:<\xc3\xa9@b.test> SMTPUTF8\r\nRSET\r\n"
          "MAIL FROM:<nodomain>\r\n"
          "MAIL FROM:<a@b@c.test>\r\n"
          "MAIL FROM:<>\r\nQUIT\r\n");
  expect("220 ");
  expect("250-");
  for (int i = 0; i < 5; i++) expect("250");
  expect("250 2.1.0");
  expect("250 2.0.0");
  expect("501 5.1.7");
  expect("501 5.5.4");
  expect("250 2.1.0");
  expect("250 2.0.0");
  expect("552 5.3.4");
  expect("552 5.3.4");
  expect("555 5.5.4");
  expect("501 5.5.4");
  expect("553 5.7.1");
  expect("553 5.7.1");
  expect("553 5.6.7");
  expect("250 2.1.0");
  expect("250 2.0.0");
  expect("553 5.1.7");
  expect("501 5.1.7");
  expect("250 2.1.0");
  expect("221 ");
  expect_end();
}

static void rcpt(void **state)
{
  session("HELO c\r\nMAIL FROM:<a@b.test>\r\n"
          "RCPT TO:<alice@example.org>\r\n"
          "RCPT TO:<ALICE@MX.EXAMPLE.ORG>\r\n"
          "RCPT TO:<nobody@example.org>\r\n"
          "RCPT TO:<tempfail@example.org>\r\n"
          "RCPT TO:<carol@virt.test>\r\n"
          "RCPT TO:<dave@virt.test>\r\n"
          "RCPT TO:<someone@far.away>\r\n"
          "RCPT TO:<someone@sub.relay.test>\r\n"
          "RCPT TO:<someone@relay.test>\r\n"
          "RCPT TO:<postmaster>\r\n"
          "RCPT TO:<PostMaster@example.org>\r\n"
          "RCPT TO:<alice>\r\n"
          "RCPT TO:<>\r\n"
          "RCPT TO:<\xc3\xa9@example.org>\r\n"
          "RCPT TO:<alice@example.org> NOTIFY=NEVER\r\n"
          "RCPT TO:<alice@example.org> SIZE=1\r\n"
          "QUIT\r\n");
  expect("220 ");
  expect("250 ");
  expect("250 2.1.0");
  expect("250 2.1.5");
  expect("250 2.1.5");
  expect("550 5.1.1");
  expect("451 4.3.0");
  expect("250 2.1.5");
  expect("550 5.1.1");
  expect("553 5.7.1");
  expect("250 2.1.5");
  expect("553 5.7.1");
  expect("250 2.1.5");
  expect("250 2.1.5");
  expect("553 5.1.3");
  expect("501 5.1.3");
  expect("553 5.6.7");
  expect("250 2.1.5");
  expect("555 5.5.4");
  expect("221 ");
  expect_end();
}

/* Every relay-trick form from a client without RELAYCLIENT. */
static void relay_tricks(void **state)
{
  session("HELO c\r\nMAIL FROM:<a@b.test>\r\n"
          "RCPT TO:<user%far.away@backup.test>\r\n"      /* percent hack via a relayed domain */
          "RCPT TO:<far.away!user@backup.test>\r\n"      /* bang path */
          "RCPT TO:<\"user@far.away\"@backup.test>\r\n"  /* quoted @ */
          "RCPT TO:<\"user%far.away\"@backup.test>\r\n"  /* quoted % */
          "RCPT TO:<user@far.away@example.org>\r\n"      /* two @ */
          "RCPT TO:<@example.org:user@far.away>\r\n"     /* source route to a remote mailbox */
          "RCPT TO:<user%far.away@example.org>\r\n"      /* local domain, no such mailbox */
          "RCPT TO:<user%remote.test@example.org>\r\n"   /* local domain, the mailbox exists */
          "RCPT TO:<x!y@example.org>\r\n"                /* the same for a bang */
          "RCPT TO:<@far.away:alice@example.org>\r\n"    /* route dropped, local mailbox */
          "RCPT TO:<user@far.away>\r\n"
          "QUIT\r\n");
  expect("220 ");
  expect("250 ");
  expect("250 2.1.0");
  expect("553 5.7.1");
  expect("553 5.7.1");
  expect("553 5.7.1");
  expect("553 5.7.1");
  expect("501 5.1.3");
  expect("553 5.7.1");
  expect("550 5.1.1");
  expect("250 2.1.5");
  expect("250 2.1.5");
  expect("250 2.1.5");
  expect("553 5.7.1");
  expect("221 ");
  expect_end();
}

static void relayclient(void **state)
{
  setenv("RELAYCLIENT", "", 1);
  session("HELO c\r\nMAIL FROM:<a@b.test>\r\n"
          "RCPT TO:<someone@far.away>\r\n"
          "RCPT TO:<user%far.away@backup.test>\r\n"
          "RCPT TO:<nobody@example.org>\r\n"
          "QUIT\r\n");
  expect("220 ");
  expect("250 ");
  expect("250 2.1.0");
  expect("250 2.1.5");
  expect("553 5.7.1");
  expect("550 5.1.1");
  expect("221 ");
  expect_end();
  /* the value is appended (qmail's meaning) */
  setenv("RELAYCLIENT", ".far.away", 1);
  dialog("HELO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<someone@host>\r\nDATA\r\n", "x\r\n.\r\nQUIT\r\n");
  expect("220 ");
  expect("250 ");
  expect("250 2.1.0");
  expect("250 2.1.5");
  expect("354 ");
  expect("250 2.0.0 ok ");
  size_t len;
  char *env = slurp("fq/env", &len);
  assert_int_equal(len, 34);
  assert_memory_equal(env, "Fa@b.test\0Tsomeone@host.far.away\0\0", 34);
  unsetenv("RELAYCLIENT");
  expect("221 ");
  expect_end();
}

static void maxrcpt(void **state)
{
  static char in[20000];
  size_t n = (size_t)sprintf(in, "HELO c\r\nMAIL FROM:<a@b.test>\r\n");
  for (int i = 0; i < 101; i++) n += (size_t)sprintf(in + n, "RCPT TO:<alice@example.org>\r\n");
  sprintf(in + n, "QUIT\r\n");
  session(in);
  expect("220 ");
  expect("250 ");
  expect("250 2.1.0");
  for (int i = 0; i < 100; i++) expect("250 2.1.5");
  expect("452 4.5.3");
  expect("221 ");
  expect_end();
}

static void limits(void **state)
{
  static char in[200000];
  size_t n = 0;
  /* 19 errors are answered, the 20th closes */
  for (int i = 0; i < 25; i++) n += (size_t)sprintf(in + n, "BOGUS\r\n");
  session(in);
  expect("220 ");
  for (int i = 0; i < 19; i++) expect("500 5.5.1");
  expect("421 4.7.0");
  expect_end();
  /* a NUL, then a line too long: answered, the session goes on */
  session_n("NO\0OP\r\nQUIT\r\n", 13);
  expect("220 ");
  expect("501 5.5.2");
  expect("221 ");
  expect_end();
  memset(in, 'x', 100000);
  memcpy(in + 100000, "\r\nNOOP\r\n", 9);
  session(in);
  expect("220 ");
  expect("500 5.5.2");
  expect("250 2.0.0");
  expect_end();
  /* refused recipients: at most maxrcpt of them */
  n = (size_t)sprintf(in, "HELO c\r\nMAIL FROM:<a@b.test>\r\n");
  for (int i = 0; i < 150; i++) n += (size_t)sprintf(in + n, "RCPT TO:<x@far.away>\r\n");
  session(in);
  expect("220 ");
  expect("250 ");
  expect("250 ");
  for (int i = 0; i < 99; i++) expect("553 5.7.1");
  expect("421 4.7.0");
  expect_end();
}

static void bare_lf(void **state)
{
  session("HELO c\r\nNOOP\nQUIT\r\n");
  expect("220 ");
  expect("250 ");
  expect("421 4.5.2");
  expect_end();
  session("HELO c\r\nMAIL FROM:<a@b.test>\rRCPT TO:<alice@example.org>\r\n");
  expect("220 ");
  expect("250 ");
  expect("421 4.5.2");
  expect_end();
}

#define ENVELOPE_HEAD "HELO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n"

static void expect_head(void)
{
  expect("220 ");
  expect("250 ");
  expect("250 2.1.0");
  expect("250 2.1.5");
  expect("354 ");
}

static void data(void **state)
{
  size_t len;
  dialog("EHLO client.test\r\nMAIL FROM:<a@b.test> BODY=8BITMIME\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n",
         "Subject: t\r\n\r\n..stuffed\r\n..\r\n\xc3\xa9t\xc3\xa9\r\nend\r\n.\r\nQUIT\r\n");
  expect("220 ");
  for (int i = 0; i < 6; i++) expect("250");
  expect("250 2.1.0");
  expect("250 2.1.5");
  expect("250 2.1.5");
  expect("354 ");
  expect("250 2.0.0 ok ");
  expect("221 ");
  expect_end();
  char *env = slurp("fq/env", &len);
  assert_int_equal(len, 47);
  assert_memory_equal(env, "Fa@b.test\0Talice@example.org\0Tbob@example.org\0\0", 47);
  char *msg = slurp("fq/msg", &len);
  char const *head = "Received: from client.test ([192.0.2.7])\n\tby mx.example.org with ESMTP; ";
  assert_memory_equal(msg, head, strlen(head));
  char const *body = "\nSubject: t\n\n.stuffed\n.\n\xc3\xa9t\xc3\xa9\nend\n";
  assert_non_null(strstr(msg, " +0000\n"));
  assert_string_equal(strstr(msg, " +0000\n") + 6, body);
  /* one recipient: "for", and the protocol follows SMTPUTF8 */
  dialog("EHLO c\r\nMAIL FROM:<\xc3\xa9@b.test> SMTPUTF8\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n", ".\r\n");
  msg = slurp("fq/msg", &len);
  assert_non_null(strstr(msg, " with UTF8SMTP\n\tfor <alice@example.org>; "));
  env = slurp("fq/env", &len);
  assert_memory_equal(env, "F\xc3\xa9@b.test\0", 11);
}

static void data_early(void **state)
{
  /* everything at once: the message is thrown away with the early input,
   * and the client leaves while the server waits for it */
  dialog(ENVELOPE_HEAD "Subject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n", "");
  expect_head();
  expect_end();
  assert_false(queued());
  /* part of it early: refused once the rest has come */
  dialog(ENVELOPE_HEAD "Subject: x\r\n", "\r\nhi\r\n.\r\nQUIT\r\n");
  expect_head();
  expect("554 5.5.0");
  expect("221 ");
  expect_end();
  assert_false(queued());
}

static void data_refused(void **state)
{
  static char big[20000];
  static char const nulbody[] = "a\r\nb\0c\r\n.\r\nQUIT\r\n";
  struct { char const *body; char const *reply; } cases[] = {
    { 0, "552 5.3.4" },
    { 0, "554 5.6.0" },
    { nulbody, "554 5.6.0" },
    { 0, "554 5.4.6" },
  };
  memset(big, 'x', 10001);
  strcpy(big + 10001, "\r\n.\r\nQUIT\r\n");
  cases[0].body = big;
  for (size_t i = 0; i < 4; i++) {
    if (i == 1) { memset(big, 'y', 1500); strcpy(big + 1500, "\r\n.\r\nQUIT\r\n"); cases[1].body = big; }
    if (i == 3) {
      size_t n = 0;
      for (int k = 0; k < 101; k++) n += (size_t)sprintf(big + n, "Received: from h%d\r\n", k);
      strcpy(big + n, "\r\nbody\r\n.\r\nQUIT\r\n");
      cases[3].body = big;
    }
    /* case 2 holds a NUL: its length is given */
    dialog_n(ENVELOPE_HEAD, cases[i].body, i == 2 ? sizeof nulbody - 1 : strlen(cases[i].body));
    expect_head();
    expect(cases[i].reply);
    expect("221 ");
    expect_end();
    assert_false(queued());
  }
  /* 100 Received lines are fine */
  size_t n = 0;
  for (int k = 0; k < 100; k++) n += (size_t)sprintf(big + n, "Received: from h%d\r\n", k);
  strcpy(big + n, "\r\nbody\r\n.\r\nQUIT\r\n");
  dialog(ENVELOPE_HEAD, big);
  expect_head();
  expect("250 2.0.0");
  assert_true(queued());
}

static void data_bare(void **state)
{
  char const *forms[] = {
    "a\n.\nMAIL FROM:<x@y.test>\r\n", "a\r\n.\n", "a\n.\r\n", "a\r.\r\n", "a\r\n.\rRSET\r\n",
  };
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
    char in[200];
    snprintf(in, sizeof in, "%s\r\n.\r\nQUIT\r\n", forms[i]);
    dialog(ENVELOPE_HEAD, in);
    expect_head();
    expect("421 4.5.2");
    expect_end();
    assert_false(queued());
  }
}

static void injector(void **state)
{
  char const *q = getenv("QMAILQUEUE");
  char saved[300];
  snprintf(saved, sizeof saved, "%s", q);
  struct { char const *code; char const *reply; } cases[] = {
    { "11", "554 5.1.3" }, { "31", "554 5.3.0" }, { "20", "554 5.3.0" }, { "53", "451 4.3.0" },
    { "81", "451 4.3.0" }, { "91", "554 5.6.0" }, { "100", "451 4.3.0" }, { "0", "250 2.0.0" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    setenv("FAKEQ_EXIT", cases[i].code, 1);
    dialog(ENVELOPE_HEAD, "hi\r\n.\r\nQUIT\r\n");
    expect_head();
    expect(cases[i].reply);
    if (strcmp(cases[i].code, "0")) {
      char tail[32];
      snprintf(tail, sizeof tail, "(exit %s)\r\n", cases[i].code);
      assert_non_null(strstr(out, tail));
    }
    expect("221 ");
  }
  unsetenv("FAKEQ_EXIT");
  setenv("QMAILQUEUE", "/nonexistent/queue", 1);
  dialog(ENVELOPE_HEAD, "hi\r\n.\r\nQUIT\r\n");
  expect_head();
  expect("451 4.3.0 unable to run the queue (exit 120)");
  setenv("QMAILQUEUE", saved, 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(basics),
    cmocka_unit_test(sequence),
    cmocka_unit_test(mail),
    cmocka_unit_test(rcpt),
    cmocka_unit_test(relay_tricks),
    cmocka_unit_test(relayclient),
    cmocka_unit_test(maxrcpt),
    cmocka_unit_test(limits),
    cmocka_unit_test(bare_lf),
    cmocka_unit_test(data),
    cmocka_unit_test(data_early),
    cmocka_unit_test(data_refused),
    cmocka_unit_test(data_bare),
    cmocka_unit_test(injector),
  };
  return cmocka_run_group_tests_name("smtpd_cmd", tests, setup, teardown);
}
