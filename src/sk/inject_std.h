/* inject_std: what the mains of sendmail and posta-inject share around
 * inject_run.
 *
 * inject_std_fds makes sure fd 0, 1 and 2 are open (on /dev/null when the
 * caller closed them), so that no pipe or file a program opens later can
 * take their place. It exits 111 if it cannot: it runs before anything
 * else.
 *
 * inject_std_run runs inject_run on the arguments left after the options
 * and prints its reason, "PROG: fatal: unable to VERB OBJECT[: error]",
 * when it fails; it returns the exit code for main and never exits. */
#ifndef POSTA_INJECT_STD_H
#define POSTA_INJECT_STD_H

#include "sk/inject_run.h"

void inject_std_fds(void);
int inject_std_run(inject_opts *, char const *const *args, int nargs);

#endif
