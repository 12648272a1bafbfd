/* rspawn_conf: posta-rspawn's settings. See rspawn.h. */
#include "posta-rspawn/rspawn.h"

#include "common/control.h"

int rspawn_conf_concurrency(unsigned int *n)
{
  unsigned long v;
  if (control_ulong("control/concurrencyremote", &v, RSPAWN_CONCURRENCY) < 0) return -1;
  if (!v) v = 1;
  if (v > RSPAWN_CONCURRENCY_MAX) v = RSPAWN_CONCURRENCY_MAX;
  *n = (unsigned int)v;
  return 0;
}
