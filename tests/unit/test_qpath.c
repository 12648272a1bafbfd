/* Unit tests for src/common/qpath.c: queue path hashing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "common/qpath.h"
#include "conf.h"
#include "unit.h"

static void paths(void **state)
{
  char buf[QPATH_MAX];
  assert_int_equal(qpath(buf, "mess", 46), 15);
  assert_string_equal(buf, CONF_SPLIT == 23 ? "queue/mess/0/46" : buf);
  qpath(buf, "todo", 12345);
  char want[QPATH_MAX];
  snprintf(want, sizeof want, "queue/todo/%u/12345", (unsigned)(12345 % CONF_SPLIT));
  assert_string_equal(buf, want);
  assert_int_equal(qpath(buf, "averyveryverylongkind", 1), 0);
  assert_true(qpath(buf, "remote", UINT64_MAX) < QPATH_MAX);
}

static void split_spreads(void **state)
{
  unsigned seen[CONF_SPLIT] = { 0 };
  for (uint64_t id = 1000; id < 1000 + 100 * CONF_SPLIT; id++) seen[qpath_split(id)]++;
  for (unsigned i = 0; i < CONF_SPLIT; i++) assert_int_equal(seen[i], 100);
}

static void ids(void **state)
{
  uint64_t id;
  assert_true(qpath_id("123", &id));
  assert_int_equal(id, 123);
  assert_true(qpath_id("18446744073709551615", &id));
  assert_true(id == UINT64_MAX);
  assert_false(qpath_id("18446744073709551616", &id));
  assert_false(qpath_id("", &id));
  assert_false(qpath_id("012", &id));
  assert_false(qpath_id("12.tmp", &id));
  assert_false(qpath_id("-1", &id));
  assert_true(qpath_id("0", &id));
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(paths),
    cmocka_unit_test(split_spreads),
    cmocka_unit_test(ids),
)
