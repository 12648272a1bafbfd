/* test_nodump: nodump leaves the process not dumpable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <cmocka.h>

#include "common/nodump.h"
#include "unit.h"

static void makes_the_process_undumpable(void **state)
{
  (void)state;
  assert_int_equal(nodump(), 0);
  assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(makes_the_process_undumpable),
)
