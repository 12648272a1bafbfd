/* Unit tests for src/posta-send/idq.c: waiting lists keep their order
 * through growth and wrap-around. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "posta-send/idq.h"

static void fifo(void **state)
{
  idq q = IDQ_ZERO;
  uint64_t id, next_in = 0, next_out = 0;
  assert_int_equal(idq_pop(&q, &id), 0);
  /* interleave pushes and pops so the ring wraps while it grows */
  for (int round = 0; round < 50; round++) {
    for (int i = 0; i < 37 + round; i++) assert_int_equal(idq_push(&q, next_in++), 0);
    for (int i = 0; i < 30; i++) {
      assert_int_equal(idq_pop(&q, &id), 1);
      assert_int_equal(id, next_out++);
    }
  }
  while (idq_pop(&q, &id)) assert_int_equal(id, next_out++);
  assert_int_equal(next_out, next_in);
  assert_int_equal(q.n, 0);
  idq_free(&q);
}

int main(void)
{
  const struct CMUnitTest tests[] = { cmocka_unit_test(fifo) };
  return cmocka_run_group_tests(tests, 0, 0);
}
