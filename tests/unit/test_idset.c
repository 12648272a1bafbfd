/* Unit tests for src/posta-send/idset.c: the set of known message ids,
 * checked against a plain array through adds and deletes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "posta-send/idset.h"
#include "unit.h"

static void basics(void **state)
{
  idset s = IDSET_ZERO;
  assert_false(idset_has(&s, 0));
  assert_int_equal(idset_del(&s, 5), 0);
  assert_int_equal(idset_add(&s, 0), 1);
  assert_int_equal(idset_add(&s, 0), 0);
  assert_true(idset_has(&s, 0));
  assert_int_equal(idset_add(&s, UINT64_MAX - 1), 1);
  assert_int_equal(idset_add(&s, UINT64_MAX), -1);
  assert_int_equal(s.n, 2);
  assert_int_equal(idset_del(&s, 0), 1);
  assert_false(idset_has(&s, 0));
  assert_true(idset_has(&s, UINT64_MAX - 1));
  idset_free(&s);
}

/* Random adds and deletes, mirrored in a bitmap: deletion must never make
 * another id unreachable. */
static void against_a_model(void **state)
{
  enum { RANGE = 4096 };
  static unsigned char model[RANGE];
  idset s = IDSET_ZERO;
  size_t n = 0;
  srand(7);
  for (int round = 0; round < 200000; round++) {
    /* ids that collide a lot: multiples of 23 like one queue subfolder */
    uint64_t id = (uint64_t)(rand() % RANGE);
    if (rand() % 3) {
      int r = idset_add(&s, id * 23);
      assert_int_equal(r, !model[id]);
      if (!model[id]) n++;
      model[id] = 1;
    } else {
      int r = idset_del(&s, id * 23);
      assert_int_equal(r, model[id]);
      if (model[id]) n--;
      model[id] = 0;
    }
    assert_int_equal(s.n, n);
  }
  for (uint64_t id = 0; id < RANGE; id++) assert_int_equal(idset_has(&s, id * 23), model[id]);
  /* half full at most: 16 to 32 bytes an id */
  assert_true(s.a >= 2 * s.n);
  idset_free(&s);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(basics),
    cmocka_unit_test(against_a_model),
)
