/* Unit tests for src/posta-send/mheap.c: the index of deferred messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "posta-send/mheap.h"
#include "unit.h"

static void order(void **state)
{
  mheap h = MHEAP_ZERO;
  mheap_entry e;
  srand(3);
  assert_null(mheap_top(&h));
  assert_int_equal(mheap_pop(&h, &e), 0);
  for (uint64_t i = 0; i < 10000; i++) assert_int_equal(mheap_push(&h, i, (uint64_t)(rand() % 5000), 0), 0);
  uint32_t last = 0;
  for (int i = 0; i < 10000; i++) {
    assert_int_equal(mheap_pop(&h, &e), 1);
    assert_true(e.due >= last);
    last = e.due;
  }
  assert_int_equal(h.n, 0);
  /* one entry is 16 bytes: the cost of a deferred message in the index */
  assert_int_equal(sizeof(mheap_entry), 16);
  mheap_free(&h);
}

static void far_future_is_clamped(void **state)
{
  mheap h = MHEAP_ZERO;
  assert_int_equal(mheap_push(&h, 1, UINT64_MAX, 0), 0);
  assert_int_equal(mheap_top(&h)->due, UINT32_MAX);
  mheap_free(&h);
}

static void alarm_makes_all_due(void **state)
{
  mheap h = MHEAP_ZERO;
  mheap_entry e;
  for (uint64_t i = 0; i < 1000; i++) assert_int_equal(mheap_push(&h, i, 2000 + i * 7 % 1000, 0), 0);
  assert_int_equal(mheap_push(&h, 5000, 100, 0), 0);
  mheap_all_due(&h, 1500, MHEAP_FORCED);
  assert_int_equal(mheap_pop(&h, &e), 1);
  assert_int_equal(e.id, 5000);
  assert_int_equal(e.due, 100);
  assert_int_equal(e.flags, MHEAP_FORCED);
  for (int i = 0; i < 1000; i++) {
    assert_int_equal(mheap_pop(&h, &e), 1);
    assert_int_equal(e.due, 1500);
    assert_int_equal(e.flags, MHEAP_FORCED);
  }
  mheap_free(&h);
}

/* posta-qflush ID, posta-qhold -r ID: one entry made due, the order kept */
static void raise_one(void **state)
{
  mheap h = MHEAP_ZERO;
  mheap_entry e;
  uint32_t last = 0;
  for (uint64_t i = 1; i <= 1000; i++) assert_int_equal(mheap_push(&h, i, 2000 + i * 7 % 1000, 0), 0);
  assert_int_equal(mheap_raise(&h, 777, 10, MHEAP_FORCED), 1);
  assert_int_equal(mheap_raise(&h, 5000, 10, 0), 0);
  /* never later than it was */
  assert_int_equal(mheap_raise(&h, 3, 9999, 0), 1);
  assert_int_equal(mheap_pop(&h, &e), 1);
  assert_int_equal(e.id, 777);
  assert_int_equal(e.due, 10);
  assert_int_equal(e.flags, MHEAP_FORCED);
  for (int i = 0; i < 999; i++) {
    assert_int_equal(mheap_pop(&h, &e), 1);
    assert_true(e.due >= last);
    assert_int_equal(e.flags, 0);
    last = e.due;
  }
  assert_int_equal(mheap_pop(&h, &e), 0);
  mheap_free(&h);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(order),
    cmocka_unit_test(far_future_is_clamped),
    cmocka_unit_test(alarm_makes_all_due),
    cmocka_unit_test(raise_one),
)
