/* posta-clean: removes the files of finished messages, as posta-q, on
 * posta-send's request. main() alone. See doc/posta-clean.8. */
#include <skalibs/strerr.h>

#include "posta-clean/cleanloop.h"

#define USAGE "posta-clean"

int main(int argc, char const *const *argv)
{
  PROG = "posta-clean";
  if (argc > 1) strerr_dieusage(100, USAGE);
  return cleanloop_run();
}
