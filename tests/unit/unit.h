/* unit: the main() of a unit test, written once.
 *
 *   UNIT_MAIN(setup, teardown,
 *     cmocka_unit_test(one_case),
 *     cmocka_unit_test_setup_teardown(another, fresh, drop),
 *   )
 *
 * is a main() that runs the tests listed, in order, as one cmocka group:
 * setup before the first and teardown after the last (0: none); the exit
 * status is the number of tests that failed. A test whose main() does more
 * (sets PROG, the environment) writes its own. */
#ifndef POSTA_TEST_UNIT_H
#define POSTA_TEST_UNIT_H

#define UNIT_MAIN(setup, teardown, ...)                          \
  int main(void)                                                 \
  {                                                              \
    const struct CMUnitTest tests[] = { __VA_ARGS__ };           \
    return cmocka_run_group_tests(tests, setup, teardown);       \
  }

#endif
