/* Unit tests for src/posta-queue/qq_received.c: the Received line and its
 * date, for each kind of injector; and the small pure helpers of
 * posta-queue (the home of an installed program, the free-space rule). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-queue/qq.h"
#include "unit.h"

static void received(void **state)
{
  char buf[256];
  size_t n = qq_received(buf, sizeof buf, 4242, QQ_INVOKED_LOCAL, 1000, 1700000000);
  assert_string_equal(buf, "Received: (posta 4242 invoked by uid 1000); Tue, 14 Nov 2023 22:13:20 +0000\n");
  assert_int_equal(n, strlen(buf));
  qq_received(buf, sizeof buf, 7, QQ_INVOKED_NETWORK, 106, 0);
  assert_string_equal(buf, "Received: (posta 7 invoked from network); Thu, 1 Jan 1970 00:00:00 +0000\n");
  qq_received(buf, sizeof buf, 8, QQ_INVOKED_BOUNCE, 107, 0);
  assert_string_equal(buf, "Received: (posta 8 invoked for bounce); Thu, 1 Jan 1970 00:00:00 +0000\n");
  assert_int_equal(qq_received(buf, 20, 8, QQ_INVOKED_BOUNCE, 107, 0), 0);
}

static void home_from_exe(void **state)
{
  char h[64];
  assert_int_equal(qq_home_from_exe("/var/posta/bin/posta-queue", h, sizeof h), 0);
  assert_string_equal(h, "/var/posta");
  assert_int_equal(qq_home_from_exe("/tmp/x/bin/posta-queue", h, sizeof h), 0);
  assert_string_equal(h, "/tmp/x");
  assert_int_equal(qq_home_from_exe("/bin/posta-queue", h, sizeof h), -1);     /* home would be "" */
  assert_int_equal(qq_home_from_exe("/usr/sbin/posta-queue", h, sizeof h), -1);
  assert_int_equal(qq_home_from_exe("/tmp/xbin/posta-queue", h, sizeof h), -1);
  assert_int_equal(qq_home_from_exe("posta-queue", h, sizeof h), -1);
  assert_int_equal(qq_home_from_exe("x/bin/posta-queue", h, sizeof h), -1);   /* not absolute */
  assert_int_equal(qq_home_from_exe("/a/very/long/folder/name/that/does/not/fit/in/the/buffer/bin/q", h, 16), -1);
}

static void room(void **state)
{
  assert_int_equal(qq_room(100, 10, 0), 90);
  assert_int_equal(qq_room(10, 10, 0), 0);
  assert_int_equal(qq_room(5, 10, 0), 0);
  assert_int_equal(qq_room(100, 10, 20), 60);      /* 2 x databytes wins */
  assert_int_equal(qq_room(100, 50, 20), 50);      /* queueminfree wins */
  assert_int_equal(qq_room(UINT64_MAX, 0, UINT64_MAX / 2 + 1), 0);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(received),
    cmocka_unit_test(home_from_exe),
    cmocka_unit_test(room),
)
