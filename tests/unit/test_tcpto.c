/* Unit tests for src/posta-remote/tcpto.c: failures are remembered with a
 * growing wait, forgotten on success, and a damaged file costs nothing. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "posta-remote/ipaddr.h"
#include "posta-remote/tcpto.h"
#include "unit.h"

static char path[64];

static int setup(void **state)
{
  strcpy(path, "/tmp/test_tcpto.XXXXXX");
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  close(fd);
  return 0;
}

static int teardown(void **state)
{
  unlink(path);
  return 0;
}

static void ip4(char ip[16], unsigned char last)
{
  char v4[4] = { (char)192, 0, 2, (char)last };
  ipaddr_from4(ip, v4);
}

static void remembered_then_expires(void **state)
{
  tcpto t;
  char a[16], b[16];
  uint64_t until;
  ip4(a, 1);
  ip4(b, 2);
  tcpto_open(&t, path);
  assert_true(t.fd >= 0);
  assert_int_equal(tcpto_dead(&t, a, 25, 1000, 0), 0);
  tcpto_fail(&t, a, 25, 1000);
  assert_int_equal(tcpto_dead(&t, a, 25, 1000, &until), 1);
  assert_int_equal(until, 1000 + TCPTO_BASE);
  assert_int_equal(tcpto_dead(&t, b, 25, 1000, 0), 0);
  assert_int_equal(tcpto_dead(&t, a, 25, 1000 + TCPTO_BASE, 0), 0);
  /* consecutive failures wait longer, up to the maximum */
  tcpto_fail(&t, a, 25, 2000);
  assert_int_equal(tcpto_dead(&t, a, 25, 2000, &until), 1);
  assert_int_equal(until, 2000 + 2 * TCPTO_BASE);
  for (int i = 0; i < 20; i++) tcpto_fail(&t, a, 25, 3000);
  assert_int_equal(tcpto_dead(&t, a, 25, 3000, &until), 1);
  assert_int_equal(until, 3000 + TCPTO_MAX);
  tcpto_ok(&t, a, 25);
  assert_int_equal(tcpto_dead(&t, a, 25, 3000, 0), 0);
  tcpto_close(&t);
}

static void shared_between_processes(void **state)
{
  tcpto t, u;
  char a[16];
  ip4(a, 3);
  tcpto_open(&t, path);
  tcpto_open(&u, path);
  tcpto_fail(&t, a, 25, 500);
  assert_int_equal(tcpto_dead(&u, a, 25, 501, 0), 1);
  tcpto_close(&t);
  tcpto_close(&u);
}

static void full_table_evicts_oldest(void **state)
{
  tcpto t;
  char a[16], first[16];
  tcpto_open(&t, path);
  ip4(first, 0);
  tcpto_fail(&t, first, 25, 10);
  for (unsigned int i = 1; i <= TCPTO_SLOTS; i++) {
    char v6[16] = { 0x20, 0x01, 0x0d, (char)0xb8 };
    v6[14] = (char)(i >> 8);
    v6[15] = (char)i;
    memcpy(a, v6, 16);
    tcpto_fail(&t, a, 25, 100 + i);
  }
  assert_int_equal(tcpto_dead(&t, first, 25, 11, 0), 0);   /* evicted */
  assert_int_equal(tcpto_dead(&t, a, 25, 200, 0), 1);
  assert_int_equal(lseek(t.fd, 0, SEEK_END), TCPTO_SLOTS * TCPTO_ENTRY);
  tcpto_close(&t);
}

static void ports_apart(void **state)
{
  tcpto t;
  char a[16];
  ip4(a, 6);
  tcpto_open(&t, path);
  tcpto_fail(&t, a, 2525, 100);
  assert_int_equal(tcpto_dead(&t, a, 2525, 100, 0), 1);
  assert_int_equal(tcpto_dead(&t, a, 25, 100, 0), 0);
  tcpto_ok(&t, a, 25);
  assert_int_equal(tcpto_dead(&t, a, 2525, 100, 0), 1);
  tcpto_close(&t);
}

static void damaged_file_is_harmless(void **state)
{
  tcpto t;
  char a[16];
  ip4(a, 4);
  int fd = open(path, O_WRONLY | O_TRUNC);
  char junk[TCPTO_SLOTS * TCPTO_ENTRY];
  for (size_t i = 0; i < sizeof junk; i++) junk[i] = (char)(i * 7 + 3);
  assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
  close(fd);
  tcpto_open(&t, path);
  assert_int_equal(tcpto_dead(&t, a, 25, 1, 0), 0);
  tcpto_fail(&t, a, 25, 1);
  assert_int_equal(tcpto_dead(&t, a, 25, 2, 0), 1);
  tcpto_close(&t);
}

static void missing_folder_disables(void **state)
{
  tcpto t;
  char a[16];
  ip4(a, 5);
  tcpto_open(&t, "/nonexistent-folder/tcpto");
  assert_int_equal(t.fd, -1);
  tcpto_fail(&t, a, 25, 1);
  assert_int_equal(tcpto_dead(&t, a, 25, 1, 0), 0);
  tcpto_ok(&t, a, 25);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test_setup_teardown(remembered_then_expires, setup, teardown),
    cmocka_unit_test_setup_teardown(shared_between_processes, setup, teardown),
    cmocka_unit_test_setup_teardown(full_table_evicts_oldest, setup, teardown),
    cmocka_unit_test_setup_teardown(ports_apart, setup, teardown),
    cmocka_unit_test_setup_teardown(damaged_file_is_harmless, setup, teardown),
    cmocka_unit_test_setup_teardown(missing_folder_disables, setup, teardown),
)
