/* sendfix: a posta-send context over a throwaway queue, for the unit tests
 * of posta-send's modules (included by tests/unit/test_*.c; not a module).
 *
 * The spawners are the far ends of real SOCK_SEQPACKET socketpairs that the
 * test reads and answers; posta-clean is a pipe the test reads; the record
 * writes go through counting wrappers around the real durable_replace and
 * durable_unlink, so a test can check how many writes a change cost and in
 * which order they came. */
#ifndef POSTA_TEST_SENDFIX_H
#define POSTA_TEST_SENDFIX_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/durable.h"
#include "common/qpath.h"
#include "common/rec.h"
#include "common/slurp.h"
#include "conf.h"
#include "posta-send/cleancl.h"
#include "posta-send/dispatch.h"
#include "posta-send/init.h"
#include "posta-send/preproc.h"
#include "posta-send/message.h"
#include "posta-send/results.h"
#include "posta-send/sched.h"
#include "posta-send/schedq.h"
#include "posta-send/send.h"
#include "posta-send/settings.h"
#include "posta-send/wbatch.h"

#include "fsfix.h"

#define FIX_NOW 1700000000ULL

typedef struct fix_s fix;
struct fix_s {
  send_ctx ctx;
  int peer[CHAN_N];       /* the spawners' ends */
  int clean_peer;         /* posta-clean's end: what posta-send asked */
  int clean_answer;       /* posta-clean's answers go in here */
  char home[64];
  char writes[64][QPATH_MAX + 8];   /* paths given to replace/unlink, in order */
  unsigned nwrites;
  unsigned replaces, unlinks, syncs;
};

static fix F;

static __attribute__((unused)) void fix_note(char const *op, char const *path)
{
  if (F.nwrites < 64) snprintf(F.writes[F.nwrites++], sizeof F.writes[0], "%s %s", op, path);
}

/* The first writes since F.nwrites was 0 are want, in order ("w PATH" a
 * replace, "u PATH" an unlink, "s DIR" a folder's fsync). */
#define fix_writes_start(...) fix_writes_startv((char const *const[]){ __VA_ARGS__, 0 })
static __attribute__((unused)) void fix_writes_startv(char const *const *want)
{
  for (unsigned i = 0; want[i]; i++) {
    assert_true(i < F.nwrites);
    assert_string_equal(F.writes[i], want[i]);
  }
}

static __attribute__((unused)) int fix_put(char const *path, char const *tmp, char const *data, size_t len, mode_t mode)
{
  F.replaces++;
  fix_note("w", path);
  return durable_put(path, tmp, data, len, mode);
}

static __attribute__((unused)) int fix_rm(char const *path)
{
  F.unlinks++;
  fix_note("u", path);
  return durable_remove(path);
}

static __attribute__((unused)) int fix_syncdir(char const *dir)
{
  F.syncs++;
  fix_note("s", dir);
  return durable_fsync_dir(dir);
}

static __attribute__((unused)) void fix_file(char const *fn, char const *s)
{
  FILE *f = fopen(fn, "w");
  if (!f) abort();
  fputs(s, f);
  fclose(f);
}

static __attribute__((unused)) void fix_dirs(void)
{
  static char const *const kinds[] = { "mess", "todo", "intd", "info", "local", "remote", "bounce", "delay" };
  char path[QPATH_MAX];
  mkdir("queue", 0755);
  mkdir("queue/lock", 0755);
  mkdir("control", 0755);
  mkdir("bin", 0755);
  for (unsigned k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    snprintf(path, sizeof path, "queue/%s", kinds[k]);
    mkdir(path, 0755);
    for (unsigned i = 0; i < CONF_SPLIT; i++) {
      qpath_dir(path, kinds[k], i);
      mkdir(path, 0755);
    }
  }
}

/* A fresh home and context; conc: local and remote limits, concdest. */
static __attribute__((unused)) int fix_setup(unsigned local, unsigned remote, unsigned concdest)
{
  int sv[2], p[2];
  send_ctx *ctx = &F.ctx;
  memset(&F, 0, sizeof F);
  strcpy(F.home, "/tmp/posta-test-send-XXXXXX");
  if (fsfix_enter(F.home) < 0) return -1;
  fix_dirs();
  fix_file("control/me", "here.example\n");
  fix_file("control/locals", "here.example\n");
  fix_file("control/retryschedule", "10\n100\n1000\n");
  settings_default(&ctx->set);
  if (settings_load(&ctx->set, 2)) return -1;
  ctx->set.conc[CHAN_LOCAL] = local;
  ctx->set.conc[CHAN_REMOTE] = remote;
  ctx->set.concdest = concdest;
  ctx->logfd = open("log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  ctx->put = fix_put;
  ctx->rm = fix_rm;
  ctx->syncdir = fix_syncdir;
  ctx->now = FIX_NOW;
  for (int c = 0; c < CHAN_N; c++) {
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0) return -1;
    ctx->ch[c].fd = sv[0];
    ctx->ch[c].name = c ? "remote" : "local";
    ctx->ch[c].g.limit = ctx->set.conc[c];
    F.peer[c] = sv[1];
    if (dispatch_slots(&ctx->ch[c], ctx->ch[c].g.limit) < 0) return -1;
  }
  ctx->bounce.limit = BOUNCE_CONCURRENCY;
  ctx->req.s = malloc(SPAWN_PACKET_MAX);
  ctx->rbuf = malloc(SPAWN_PACKET_MAX);
  int a[2];
  if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0 || pipe2(a, O_NONBLOCK | O_CLOEXEC) < 0) return -1;
  cleancl_init(&ctx->cl, p[1], a[0]);
  F.clean_peer = p[0];
  F.clean_answer = a[1];
  return 0;
}

/* 1 when posta-send's log so far (the file "log") holds text. */
static __attribute__((unused)) int fix_logged(char const *text)
{
  char buf[8192];
  int fd = open("log", O_RDONLY);
  ssize_t r = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[r > 0 ? r : 0] = 0;
  return strstr(buf, text) != 0;
}

static __attribute__((unused)) int fix_teardown(void)
{
  for (int c = 0; c < CHAN_N; c++) { close(F.ctx.ch[c].fd); close(F.peer[c]); }
  close(F.clean_peer);
  close(F.clean_answer);
  close(F.ctx.cl.rfd);
  close(F.ctx.cl.wfd);
  close(F.ctx.logfd);
  init_free(&F.ctx);
  return fsfix_remove(F.home);
}

/* Writes mess/N/ID and the todo record, as posta-queue does. rcpts ends
 * with 0. */
static __attribute__((unused)) void fix_todo(uint64_t id, char const *sender, char const *const *rcpts)
{
  char path[QPATH_MAX];
  rec_buf b = REC_BUF_ZERO;
  qpath(path, "mess", id);
  fix_file(path, "Received: test\n\nbody\n");
  rec_start(&b, "todo", 1);
  rec_addu(&b, 'u', 1000);
  rec_addu(&b, 'p', 4242);
  rec_addu(&b, 't', FIX_NOW - 5);
  rec_add(&b, 'F', sender);
  for (; *rcpts; rcpts++) rec_add(&b, 'T', *rcpts);
  if (rec_finish(&b) < 0) abort();
  qpath(path, "todo", id);
  FILE *f = fopen(path, "w");
  fwrite(b.s, 1, b.len, f);
  fclose(f);
  rec_free(&b);
}

/* One request from posta-send to the spawner of channel c: its fields
 * (NUL-separated in buf), or 0 when there is none. A remote request must
 * carry a readable message (its first bytes are checked), a local one no
 * descriptor at all (posta-lspawn opens the message itself). */
static __attribute__((unused)) ssize_t fix_request(int c, char *buf, size_t max)
{
  char cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec v = { buf, max };
  struct msghdr m;
  int fd = -1;
  memset(&m, 0, sizeof m);
  m.msg_iov = &v;
  m.msg_iovlen = 1;
  m.msg_control = cbuf;
  m.msg_controllen = sizeof cbuf;
  ssize_t r = recvmsg(F.peer[c], &m, MSG_DONTWAIT);
  if (r <= 0) return 0;
  struct cmsghdr *h = CMSG_FIRSTHDR(&m);
  if (c == CHAN_LOCAL) {
    if (h) abort();
    return r;
  }
  if (!h || h->cmsg_type != SCM_RIGHTS) abort();
  memcpy(&fd, CMSG_DATA(h), sizeof fd);
  char head[9] = { 0 };
  if (read(fd, head, 8) != 8 || strcmp(head, "Received")) abort();
  close(fd);
  return r;
}

/* The n-th field of a request (0 slot, 1 id, 2 sender, 3... recipients). */
static __attribute__((unused)) char const *fix_field(char const *buf, size_t len, unsigned n)
{
  size_t i = 0;
  while (n--) {
    i += strlen(buf + i) + 1;
    if (i >= len) return 0;
  }
  return buf + i;
}

static __attribute__((unused)) unsigned fix_nfields(char const *buf, size_t len)
{
  unsigned n = 0;
  for (size_t i = 0; i < len; i++) n += !buf[i];
  return n;
}

/* Sends a response and lets posta-send read it. results ends with 0. */
static __attribute__((unused)) void fix_respond(int c, unsigned slot, char const *const *results)
{
  char buf[8192];
  size_t len = (size_t)sprintf(buf, "%u", slot) + 1;
  for (; *results; results++) {
    size_t l = strlen(*results) + 1;
    memcpy(buf + len, *results, l);
    len += l;
  }
  if (send(F.peer[c], buf, len, 0) != (ssize_t)len) abort();
}

/* The delivery in slot on channel c answered with results: posta-send
 * reads the answer and writes the records it changed. */
static __attribute__((unused)) void fix_settle(int c, unsigned slot, char const *const *results)
{
  fix_respond(c, slot, results);
  assert_int_equal(results_read(&F.ctx, c), 0);
  message_flush_all(&F.ctx);
}

/* The next request on channel c answered with results (slot 0). */
static __attribute__((unused)) void fix_answer(int c, char const *const *results)
{
  char buf[SPAWN_PACKET_MAX];
  assert_true(fix_request(c, buf, sizeof buf) > 0);
  fix_settle(c, 0, results);
}

/* What posta-send asked posta-clean so far. */
static __attribute__((unused)) char const *fix_clean_asked(void)
{
  static char out[4096];
  cleancl_write(&F.ctx);
  ssize_t r = read(F.clean_peer, out, sizeof out - 1);
  out[r > 0 ? r : 0] = 0;
  return out;
}

/* posta-clean answers (lines, LF included); posta-send reads them. */
static __attribute__((unused)) void fix_clean_answer(char const *lines)
{
  if (write(F.clean_answer, lines, strlen(lines)) != (ssize_t)strlen(lines)) abort();
  cleancl_read(&F.ctx);
}

static __attribute__((unused)) int fix_exists(char const *kind, uint64_t id)
{
  char path[QPATH_MAX];
  struct stat st;
  qpath(path, kind, id);
  return stat(path, &st) == 0;
}

/* Message id's info record as it is on disk: its numbers and flags (the
 * sender is not kept). */
static __attribute__((unused)) info fix_read_info(uint64_t id)
{
  char path[QPATH_MAX], *buf;
  size_t len;
  info i = INFO_ZERO;
  qpath(path, "info", id);
  assert_int_equal(slurp_path(path, 0, 1 << 20, &buf, &len), 0);
  assert_int_equal(inforec_parse(&i, buf, len), 0);
  free(buf);
  inforec_free(&i);
  return i;
}

static __attribute__((unused)) void fix_read_rcpts(char const *kind, uint64_t id, rcptlist *l)
{
  char path[QPATH_MAX];
  char *buf;
  size_t len;
  qpath(path, kind, id);
  if (slurp_path(path, 0, 1 << 20, &buf, &len) < 0 || rcptrec_parse(l, buf, len) < 0) abort();
  free(buf);
}

/* A new message, as the loop takes it: preprocessed, then tried at once. */
static __attribute__((unused)) void fix_new(uint64_t id, char const *sender, char const *const *rcpts)
{
  fix_todo(id, sender, rcpts);
  preproc_new(&F.ctx, id);
  if (!idset_has(&F.ctx.known, id)) abort();
}

/* Every request waiting at channel c, counted; the last one in buf. */
static __attribute__((unused)) unsigned fix_drain(int c, char *buf, size_t max, ssize_t *len)
{
  unsigned n = 0;
  ssize_t r;
  while ((r = fix_request(c, buf, max)) > 0) { n++; if (len) *len = r; }
  return n;
}

#endif
