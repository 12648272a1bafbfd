/* newu: compile users/assign into users/cdb atomically (posta-newu, and
 * posta-user after it changes users/assign). Never exits: each step logs
 * its fatal line and returns the exit code for main to end with. */
#ifndef POSTA_NEWU_H
#define POSTA_NEWU_H

/* Takes an exclusive lock on users/ (held until exit): 0, or 111. */
int newu_lock(void);
/* Compiles users/assign into users/cdb in the working directory (the
 * instance's home): 0, 100 when users/assign is malformed (users/cdb left
 * as it was), or 111. The caller holds the lock. */
int newu_compile(void);

#endif
