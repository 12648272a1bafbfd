/* test_nodump: nodump leaves the process not dumpable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <cmocka.h>

#include "common/nodump.h"

static void makes_the_process_undumpable(void **state)
{
  (void)state;
  assert_int_equal(nodump(), 0);
  assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(makes_the_process_undumpable),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
