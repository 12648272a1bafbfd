/* newu: posta-newu's work, users/assign to users/cdb atomically. */
#ifndef POSTA_NEWU_H
#define POSTA_NEWU_H

/* Works in the instance's home; exits on failure (100 malformed, 111). */
void newu_run(void);

#endif
