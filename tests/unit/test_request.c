/* Unit tests for src/posta-lspawn/request.c: spawn requests checked field
 * by field, and packets over a real socketpair: without a descriptor (good)
 * and with one (refused, the descriptor closed). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "posta-lspawn/request.h"
#include "unit.h"

#define REQ(s) s, sizeof s - 1

static void good(void **state)
{
  request r;
  char const *why;
  assert_int_equal(request_parse(REQ("3\0" "12345\0" "bob@x.org\0" "alice@example.com\0"), &r, &why), 0);
  assert_int_equal(r.slot, 3);
  assert_string_equal(r.id, "12345");
  assert_string_equal(r.sender, "bob@x.org");
  assert_string_equal(r.rcpt, "alice@example.com");
  /* the null sender */
  assert_int_equal(request_parse(REQ("0\0" "1\0" "\0" "a@b\0"), &r, &why), 0);
  assert_string_equal(r.sender, "");
}

static void bad(void **state)
{
  static struct { char const *s; size_t n; int has_slot; char const *why; } const t[] = {
    { REQ("3\0" "1\0" "s@x\0" "a@b"), 1, "truncated request" },
    { REQ("3\0" "1\0"), 1, "truncated request" },
    { REQ("3"), 0, "truncated request" },
    { REQ(""), 0, "truncated request" },
    { REQ("x\0" "1\0" "s@x\0" "a@b\0"), 0, "bad slot" },
    { REQ("\0" "1\0" "s@x\0" "a@b\0"), 0, "bad slot" },
    { REQ("1234567890\0" "1\0" "s@x\0" "a@b\0"), 0, "bad slot" },
    { REQ("3\0" "1x\0" "s@x\0" "a@b\0"), 1, "bad message id" },
    { REQ("3\0" "1\0" "s@x\0" "a@b\0" "c@d\0"), 1, "more than one recipient" },
    { REQ("3\0" "1\0" "s\n@x\0" "a@b\0"), 1, "bad sender" },
    { REQ("3\0" "1\0" "s@x\0" "ab\0"), 1, "bad recipient" },
    { REQ("3\0" "1\0" "s@x\0" "\0"), 1, "bad recipient" },
    { REQ("3\0" "1\0" "s@x\0" "a\r@b\0"), 1, "bad recipient" },
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    request r;
    char const *why = 0;
    if (request_parse(t[i].s, t[i].n, &r, &why) != -1) fail_msg("case %zu accepted", i);
    assert_string_equal(why, t[i].why);
    if (r.has_slot != t[i].has_slot) fail_msg("case %zu: has_slot %d", i, r.has_slot);
    if (r.has_slot) assert_int_equal(r.slot, 3);
  }
  /* an address over the bound */
  char big[1100 + 16];
  memcpy(big, "3\0" "1\0" "s@x\0", 8);
  memset(big + 8, 'a', 1001);
  memcpy(big + 8 + 1001, "@b", 3);
  request r;
  char const *why;
  assert_int_equal(request_parse(big, 8 + 1001 + 3, &r, &why), -1);
  assert_string_equal(why, "bad recipient");
}

static void over_a_socket(void **state)
{
  int sv[2], bad;
  char buf[REQUEST_MAX];
  request r;
  char const *why = "";
  assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
  int fd = open("/dev/null", O_RDONLY);
  char data[] = "7\0" "99\0" "s@x\0" "a@b";
  char ctl[CMSG_SPACE(sizeof(int))];
  struct iovec iov = { data, sizeof data };
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  /* without a descriptor: a good request; posta-lspawn opens the message */
  assert_true(send(sv[0], data, sizeof data, 0) > 0);
  assert_int_equal(request_recv(sv[1], buf, &r, &bad, &why), 1);
  assert_int_equal(bad, 0);
  assert_int_equal(r.slot, 7);
  assert_string_equal(r.id, "99");
  assert_int_equal(r.fd, -1);
  /* with one: refused with its slot, and the descriptor closed at once */
  int before = dup(0);
  close(before);
  assert_true(sendmsg(sv[0], &m, 0) > 0);
  assert_int_equal(request_recv(sv[1], buf, &r, &bad, &why), 1);
  assert_int_equal(bad, 1);
  assert_string_equal(why, "a descriptor came with the request");
  assert_int_equal(r.has_slot, 1);
  assert_int_equal(r.fd, -1);
  int after = dup(0);   /* the lowest free number: nothing was left open */
  assert_int_equal(after, before);
  close(after);
  /* a packet over REQUEST_MAX */
  char *huge = calloc(1, REQUEST_MAX + 100);
  memcpy(huge, "5\0" "1\0", 4);
  assert_true(send(sv[0], huge, REQUEST_MAX + 100, 0) > 0);
  free(huge);
  assert_int_equal(request_recv(sv[1], buf, &r, &bad, &why), 1);
  assert_int_equal(bad, 1);
  assert_int_equal(r.has_slot, 1);
  assert_int_equal(r.slot, 5);
  close(sv[0]);
  assert_int_equal(request_recv(sv[1], buf, &r, &bad, &why), 0);
  close(sv[1]);
  close(fd);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(good),
    cmocka_unit_test(bad),
    cmocka_unit_test(over_a_socket),
)
