/* remoterun: posta-remote's work once its arguments are known: settings, the
 * message on fd 0, the delivery, the results on fd 1.
 *
 * Returns 0 when every recipient's result was printed, -1 when even that
 * failed (errno; the caller exits 111). */
#ifndef POSTA_REMOTERUN_H
#define POSTA_REMOTERUN_H

int remoterun_run(char const *host, char const *sender, char const *const *rcpts, unsigned int n);

#endif
