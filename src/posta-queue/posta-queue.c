/* posta-queue: the injector. Message on fd 0, envelope on fd 1 (qmail-queue's
 * interface); writes both into the queue durably and exits 0 only once the
 * message is committed, else with qmail-queue's exit code. See
 * doc/posta-queue.8 and doc/queue.md. */
#include <skalibs/strerr.h>

#include "common/nodump.h"
#include "posta-queue/qq.h"

#ifdef __SANITIZE_ADDRESS__
/* The sanitizer build (make check) only. A setuid process is not dumpable,
 * so LeakSanitizer cannot look at it and dies; and the sanitizers ignore
 * ASAN_OPTIONS in a setuid process, so the setting has to be built in. */
char const *__asan_default_options(void);
char const *__asan_default_options(void)
{
  return "detect_leaks=0";
}
#endif

int main(int argc, char const *const *argv)
{
  qq q = QQ_ZERO;
  PROG = "posta-queue";
  /* not dumpable already as a setuid program: said, for the day it is not */
  if (nodump() < 0) strerr_diefusys(QQ_BUG, "make the process undumpable");
  (void)argc;
  (void)argv;
  qq_hygiene();
  qq_home(&q);
  qq_exit_if(&q, qq_limits(&q));
  qq_exit_if(&q, qq_message(&q));
  qq_exit_if(&q, qq_envelope(&q));
  qq_exit_if(&q, qq_commit(&q));
  qq_trigger();
  return QQ_OK;
}
