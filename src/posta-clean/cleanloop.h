/* cleanloop: posta-clean's loop: request lines on fd 0, answers on fd 1,
 * until end of file. Answers are written when no more input is waiting, so
 * a burst of requests costs few writes. Returns 0 at end of file, 111 when
 * fd 0 or fd 1 fails. Never blocks on anything but its own input. */
#ifndef POSTA_CLEAN_CLEANLOOP_H
#define POSTA_CLEAN_CLEANLOOP_H

int cleanloop_run(void);

#endif
