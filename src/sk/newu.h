/* newu: compile users/assign into users/cdb atomically (posta-newu, and
 * posta-user after it changes users/assign). */
#ifndef POSTA_NEWU_H
#define POSTA_NEWU_H

/* Takes an exclusive lock on users/ (held until exit). */
void newu_lock(void);
/* Compiles users/assign into users/cdb in the working directory (the
 * instance's home); exits on failure (100 malformed, 111). The caller holds
 * the lock. */
void newu_compile(void);

#endif
