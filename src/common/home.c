/* home: the instance's folder. See home.h. */
#include "common/home.h"

#include <stdlib.h>

#include "conf.h"

char const *home_get(void)
{
  char const *h = getenv("POSTA_HOME");
  return h && h[0] == '/' ? h : CONF_HOME;
}
