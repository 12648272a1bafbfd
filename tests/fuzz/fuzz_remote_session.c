/* fuzz_remote_session: a whole SMTP client session of posta-remote
 * (src/posta-remote/smtpc.c, txn.c) against a server whose every byte is
 * the input: greeting, EHLO keywords, replies to MAIL, RCPT, DATA and the
 * data, pipelined or not. Checks: smtpc_hello returns one of its values;
 * after txn_run every recipient has a result of doc/protocols.md's form
 * (K, Z or D, a status of the same class, no control byte, bounded); a K
 * only for a recipient the server accepted. */
#include "fuzz.h"

#include <signal.h>
#include <sys/socket.h>

#include "posta-remote/job.h"
#include "posta-remote/smtpc.h"
#include "posta-remote/txn.h"

static char const message[] = "From: a@example.org\nSubject: fuzz\n\n.hello\n\xc3\xa9t\xc3\xa9\n";

static void check_result(rcpt const *r)
{
  size_t n = strlen(r->line);
  FUZZ_CHECK(r->kind == 'K' || r->kind == 'Z' || r->kind == 'D');
  FUZZ_CHECK(n >= 7 && n < RESULT_LINE_MAX && r->line[0] == r->kind);
  FUZZ_CHECK(fuzz_no_ctl(r->line, n));
  char cls = r->kind == 'K' ? '2' : r->kind == 'Z' ? '4' : '5';
  FUZZ_CHECK(r->line[1] == cls && r->line[2] == '.');
  if (r->kind == 'K') FUZZ_CHECK(r->accepted);
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  static job j;
  static rcpt r[3];
  static char const *const addrs[3] = { "a@example.net", "b@example.net", "c@example.net" };
  smtpc c;
  int sv[2], big = 1 << 20;
  signal(SIGPIPE, SIG_IGN);
  FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  for (size_t off = 0; off < size; ) {
    ssize_t w = write(sv[0], data + off, size - off);
    FUZZ_CHECK(w > 0);
    off += (size_t)w;
  }
  shutdown(sv[0], SHUT_WR);
  memset(&j, 0, sizeof j);
  memset(r, 0, sizeof r);
  for (unsigned i = 0; i < 3; i++) r[i].addr = addrs[i];
  j.domain = "example.net";
  j.sender = "s@example.org";
  j.r = r;
  j.n = 3;
  j.msg.s = (char *)message;
  j.msg.len = sizeof message - 1;
  msgbody_scan(&j.msg);
  snprintf(j.me, sizeof j.me, "me.example.org");
  snprintf(j.helo, sizeof j.helo, "me.example.org");
  smtpc_init(&c, sv[1], 2, "mx.example.net[192.0.2.1]");
  int h = smtpc_hello(&c, j.helo);
  FUZZ_CHECK(h == 0 || h == 1 || h == -1);
  if (h == 0) {
    txn_run(&j, &c);
    FUZZ_CHECK(job_pending(&j) == 0);
    for (unsigned i = 0; i < 3; i++) check_result(&r[i]);
  } else {
    smtpc_drop(&c);
  }
  close(sv[0]);
  return 0;
}
