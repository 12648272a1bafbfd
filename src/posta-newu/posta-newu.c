/* posta-newu: compiles users/assign into users/cdb.
 *
 * Exits 0 when users/cdb is the new one, 100 when users/assign is
 * malformed (the line is named; users/cdb is left as it was), 111 on a
 * system error. Never leaves a partial users/cdb. */
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/home.h"
#include "sk/newu.h"

int main(int argc, char const *const *argv)
{
  PROG = "posta-newu";
  if (argc > 1) strerr_dieusage(100, "posta-newu");
  char const *home = home_get();
  if (chdir(home) < 0) strerr_diefu2sys(111, "chdir to ", home);
  int e = newu_lock();
  return e ? e : newu_compile();
}
