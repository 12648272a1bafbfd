/* cleanloop: posta-clean's loop: request lines on fd 0, answers on fd 1,
 * until end of file. Answers are written when no more input is waiting, so
 * a burst of requests costs few writes, and always in the order of their
 * requests. mess requests are committed in batches (cleanops.h): a batch
 * is committed once the input was quiet for CLEAN_QUIET ms, or CLEAN_HOLD
 * ms after its first request, or when it is full, or at end of file; the
 * answers that came after its first wait with it. So a steady flow of
 * finished messages costs one fsync of each folder todo/N per CLEAN_HOLD
 * ms rather than one per message, and a message's files outlive its end by
 * CLEAN_HOLD ms at most. Returns 0 at end of file, 111 when fd 0 or fd 1
 * fails. Never blocks on anything but its own input. */
#ifndef POSTA_CLEAN_CLEANLOOP_H
#define POSTA_CLEAN_CLEANLOOP_H

#define CLEAN_QUIET 100
#define CLEAN_HOLD 1000

int cleanloop_run(void);

#endif
