/* fdpass: a packet and its descriptor across a socketpair; none, one and
 * too many descriptors; a packet too long; end of file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"

#include "common/fdpass.h"

static int sp[2];

static int pair(void **state)
{
  (void)state;
  return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp);
}

static int unpair(void **state)
{
  (void)state;
  close(sp[0]);
  close(sp[1]);
  return 0;
}

static int open_fds(void)
{
  int n = 0;
  for (int fd = 0; fd < 256; fd++) n += fcntl(fd, F_GETFD) >= 0;
  return n;
}

static void packet_and_descriptor(void **state)
{
  (void)state;
  int p[2];
  assert_int_equal(pipe(p), 0);
  assert_int_equal(fdpass_send(sp[0], "hello", 5, p[1]), 0);
  close(p[1]);
  char buf[16];
  fdpass_got got;
  assert_int_equal(fdpass_recv(sp[1], buf, sizeof buf, 0, &got), 5);
  assert_memory_equal(buf, "hello", 5);
  assert_int_equal(got.nfd, 1);
  assert_false(got.truncated);
  assert_true(got.fd >= 0);
  assert_int_equal(fcntl(got.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  /* the descriptor is the pipe's write end: what goes in comes out */
  assert_int_equal(write(got.fd, "x", 1), 1);
  assert_int_equal(read(p[0], buf, 1), 1);
  assert_int_equal(buf[0], 'x');
  close(got.fd);
  close(p[0]);
}

static void no_descriptor(void **state)
{
  (void)state;
  char buf[16];
  fdpass_got got;
  assert_int_equal(fdpass_send(sp[0], "abc", 3, -1), 0);
  assert_int_equal(fdpass_recv(sp[1], buf, sizeof buf, 0, &got), 3);
  assert_int_equal(got.fd, -1);
  assert_int_equal(got.nfd, 0);
}

/* a sender that is not fdpass may pass several: the first is kept, the
 * others closed, all counted */
static void extra_descriptors_closed(void **state)
{
  (void)state;
  int fds[3] = { dup(0), dup(0), dup(0) };
  union { struct cmsghdr h; char b[CMSG_SPACE(sizeof fds)]; } ctl;
  struct iovec v = { .iov_base = "m", .iov_len = 1 };
  struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof ctl.b };
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof fds);
  memcpy(CMSG_DATA(c), fds, sizeof fds);
  assert_int_equal(sendmsg(sp[0], &m, 0), 1);
  for (int i = 0; i < 3; i++) close(fds[i]);
  int before = open_fds();
  char buf[4];
  fdpass_got got;
  assert_int_equal(fdpass_recv(sp[1], buf, sizeof buf, 0, &got), 1);
  assert_int_equal(got.nfd, 3);
  assert_true(got.fd >= 0);
  assert_int_equal(open_fds(), before + 1);
  close(got.fd);
}

/* three at once (the pool's TLS connections): keep two, the third
 * closed; or keep them all */
static void several_descriptors(void **state)
{
  (void)state;
  int fds[3] = { dup(0), dup(0), dup(0) };
  char buf[8];
  fdpass_got got;
  int before = open_fds();
  assert_int_equal(fdpass_sendn(sp[0], "T", 1, fds, 3), 0);
  assert_int_equal(fdpass_recvn(sp[1], buf, sizeof buf, 0, &got, 2), 1);
  assert_int_equal(got.nfd, 3);
  assert_true(got.fds[0] >= 0 && got.fds[1] >= 0);
  assert_int_equal(got.fds[2], -1);
  assert_int_equal(got.fd, got.fds[0]);
  assert_int_equal(open_fds(), before + 2);
  close(got.fds[0]);
  close(got.fds[1]);
  assert_int_equal(fdpass_sendn(sp[0], "S", 1, fds, 3), 0);
  assert_int_equal(fdpass_recvn(sp[1], buf, sizeof buf, 0, &got, 3), 1);
  assert_int_equal(got.nfd, 3);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(fcntl(got.fds[i], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    close(got.fds[i]);
  }
  for (int i = 0; i < 3; i++) close(fds[i]);
  /* more than FDPASS_MAX: refused before anything is sent */
  int four[4] = { 0, 0, 0, 0 };
  assert_int_equal(fdpass_sendn(sp[0], "x", 1, four, 4), -1);
  assert_int_equal(errno, EINVAL);
}

static void packet_too_long(void **state)
{
  (void)state;
  char buf[4];
  fdpass_got got;
  assert_int_equal(fdpass_send(sp[0], "0123456789", 10, -1), 0);
  assert_int_equal(fdpass_recv(sp[1], buf, sizeof buf, 0, &got), 4);
  assert_true(got.truncated);
}

static void end_of_file_and_would_block(void **state)
{
  (void)state;
  char buf[4];
  fdpass_got got;
  assert_int_equal(fdpass_recv(sp[1], buf, sizeof buf, MSG_DONTWAIT, &got), -1);
  assert_int_equal(errno, EAGAIN);
  assert_int_equal(got.fd, -1);
  close(sp[0]);
  sp[0] = -1;
  assert_int_equal(fdpass_recv(sp[1], buf, sizeof buf, 0, &got), 0);
  assert_int_equal(got.nfd, 0);
  /* a peer gone: EPIPE, no SIGPIPE */
  assert_int_equal(fdpass_send(sp[1], "x", 1, -1), -1);
  assert_int_equal(errno, EPIPE);
}

UNIT_MAIN(NULL, NULL,
    cmocka_unit_test_setup_teardown(packet_and_descriptor, pair, unpair),
    cmocka_unit_test_setup_teardown(no_descriptor, pair, unpair),
    cmocka_unit_test_setup_teardown(extra_descriptors_closed, pair, unpair),
    cmocka_unit_test_setup_teardown(several_descriptors, pair, unpair),
    cmocka_unit_test_setup_teardown(packet_too_long, pair, unpair),
    cmocka_unit_test_setup_teardown(end_of_file_and_would_block, pair, unpair),
)
