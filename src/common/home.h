/* home: which instance a program works on: $POSTA_HOME, else conf-home.
 * A setuid program must not call home_get for an untrusted caller; see
 * posta-queue. libc only. */
#ifndef POSTA_HOME_H
#define POSTA_HOME_H

char const *home_get(void);

#endif
