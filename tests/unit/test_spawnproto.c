/* Unit tests for src/posta-send/spawnproto.c: requests carry a descriptor
 * and respect the limits; responses from another uid are checked and
 * cleaned. Uses a real SOCK_SEQPACKET socketpair. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "posta-send/spawnproto.h"
#include "unit.h"

static char buf[SPAWN_PACKET_MAX];

static void request_layout_and_fd(void **state)
{
  spawnreq q = { buf, 0, 0, 0 };
  int sv[2], fd, got = -1;
  char in[512], cbuf[CMSG_SPACE(sizeof(int))];
  assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
  assert_int_equal(spawnproto_req_start(&q, 7, 123456, "alice@example.com"), 0);
  assert_int_equal(spawnproto_req_add(&q, "bob@example.net"), 0);
  assert_int_equal(spawnproto_req_add(&q, "carol@example.net"), 0);
  char const want[] = "7\0" "123456\0" "alice@example.com\0" "bob@example.net\0" "carol@example.net";
  assert_int_equal(q.len, sizeof want);
  assert_memory_equal(q.s, want, sizeof want);
  fd = open("/dev/null", O_RDONLY);
  assert_true(fd >= 0);
  assert_int_equal(spawnproto_req_send(sv[0], &q, fd), 0);
  close(fd);
  struct iovec v = { in, sizeof in };
  struct msghdr m = { 0 };
  m.msg_iov = &v;
  m.msg_iovlen = 1;
  m.msg_control = cbuf;
  m.msg_controllen = sizeof cbuf;
  ssize_t r = recvmsg(sv[1], &m, 0);
  assert_int_equal(r, sizeof want);
  assert_memory_equal(in, want, sizeof want);
  struct cmsghdr *h = CMSG_FIRSTHDR(&m);
  assert_non_null(h);
  assert_int_equal(h->cmsg_type, SCM_RIGHTS);
  memcpy(&got, CMSG_DATA(h), sizeof got);
  assert_true(got >= 0);
  assert_int_equal(fcntl(got, F_GETFD) >= 0, 1);
  close(got);
  close(sv[0]);
  close(sv[1]);
}

static void null_sender(void **state)
{
  spawnreq q = { buf, 0, 0, 0 };
  assert_int_equal(spawnproto_req_start(&q, 0, 1, ""), 0);
  assert_int_equal(spawnproto_req_add(&q, "x@y"), 0);
  assert_int_equal(q.len, 9);
  assert_memory_equal(q.s, "0\0" "1\0" "\0" "x@y", 9);
}

static void limits(void **state)
{
  spawnreq q = { buf, 0, 0, 0 };
  char addr[1100];
  assert_int_equal(spawnproto_req_start(&q, 1, 1, "s@x"), 0);
  for (int i = 0; i < SPAWN_RCPT_MAX; i++) {
    snprintf(addr, sizeof addr, "r%d@x", i);
    assert_int_equal(spawnproto_req_add(&q, addr), 0);
  }
  size_t len = q.len;
  errno = 0;
  assert_int_equal(spawnproto_req_add(&q, "one@toomany"), -1);
  assert_int_equal(errno, EMSGSIZE);
  assert_int_equal(q.len, len);
  /* 128 KiB of recipients: long addresses hit the byte limit first */
  memset(addr, 'a', 1000);
  strcpy(addr + 1000, "@x");
  assert_int_equal(spawnproto_req_start(&q, 1, 1, "s@x"), 0);
  int n = 0;
  while (spawnproto_req_add(&q, addr) == 0) n++;
  assert_int_equal(n, SPAWN_RCPT_MAX < SPAWN_RCPT_BYTES / 1003 ? SPAWN_RCPT_MAX : SPAWN_RCPT_BYTES / 1003);
  assert_true(q.len - q.hdr <= SPAWN_RCPT_BYTES);
}

static void response_parse(void **state)
{
  spawnresp p;
  char ok[] = "12\0K2.0.0 - delivered\0Z4.4.1 - refused\0D5.1.1 mx[1.2.3.4] 550 no\0";
  assert_int_equal(spawnproto_resp_parse(&p, ok, sizeof ok - 1), 0);
  assert_int_equal(p.slot, 12);
  assert_int_equal(p.n, 3);
  assert_string_equal(p.result[0], "K2.0.0 - delivered");
  assert_string_equal(p.result[2], "D5.1.1 mx[1.2.3.4] 550 no");
}

static void response_cleaned(void **state)
{
  spawnresp p;
  char dirty[] = "0\0K2.0.0 - line\r\nInjected: yes\x1b[31m\0garbage\0";
  assert_int_equal(spawnproto_resp_parse(&p, dirty, sizeof dirty - 1), 0);
  assert_int_equal(p.n, 2);
  assert_string_equal(p.result[0], "K2.0.0 - line  Injected: yes [31m");
  /* not a result: made a temporary failure, never a success */
  assert_int_equal(p.result[1][0], 'Z');
  char fake_ok[] = "0\0Kx\0";
  assert_int_equal(spawnproto_resp_parse(&p, fake_ok, sizeof fake_ok - 1), 0);
  assert_int_equal(p.result[0][0], 'Z');
}

static void response_refused(void **state)
{
  spawnresp p;
  char noslot[] = "\0K2.0.0 - x\0";
  char noresult[] = "3\0";
  char unterminated[] = "3\0K2.0.0 - x";
  char badslot[] = "3a\0K2.0.0 - x\0";
  char empty_result[] = "3\0\0";
  char hugeslot[] = "12345678\0K2.0.0 - x\0";
  assert_int_equal(spawnproto_resp_parse(&p, noslot, sizeof noslot - 1), -1);
  assert_int_equal(spawnproto_resp_parse(&p, noresult, sizeof noresult - 1), -1);
  assert_int_equal(spawnproto_resp_parse(&p, unterminated, sizeof unterminated - 1), -1);
  assert_int_equal(spawnproto_resp_parse(&p, badslot, sizeof badslot - 1), -1);
  assert_int_equal(spawnproto_resp_parse(&p, empty_result, sizeof empty_result - 1), -1);
  assert_int_equal(spawnproto_resp_parse(&p, hugeslot, sizeof hugeslot - 1), -1);
  assert_int_equal(spawnproto_resp_parse(&p, noslot, 0), -1);
}

static void recv_too_big(void **state)
{
  int sv[2];
  char small[8];
  assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
  assert_int_equal(send(sv[1], "0\0K2.0.0 - longer than eight\0", 29, 0), 29);
  errno = 0;
  assert_int_equal(spawnproto_resp_recv(sv[0], small, sizeof small), -1);
  assert_int_equal(errno, EPROTO);
  /* the next packet is whole */
  assert_int_equal(send(sv[1], "0\0K2\0", 5, 0), 5);
  assert_int_equal(spawnproto_resp_recv(sv[0], small, sizeof small), 5);
  errno = 0;
  assert_int_equal(spawnproto_resp_recv(sv[0], small, sizeof small), -1);
  assert_int_equal(errno, EAGAIN);
  close(sv[1]);
  assert_int_equal(spawnproto_resp_recv(sv[0], small, sizeof small), 0);
  close(sv[0]);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(request_layout_and_fd),
    cmocka_unit_test(null_sender),
    cmocka_unit_test(limits),
    cmocka_unit_test(response_parse),
    cmocka_unit_test(response_cleaned),
    cmocka_unit_test(response_refused),
    cmocka_unit_test(recv_too_big),
)
