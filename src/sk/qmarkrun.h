/* qmarkrun: the common body of posta-qhold, posta-qrm and posta-qflush:
 * the requests of qmark.h written, posta-send woken, its answer awaited and
 * reported on stdout. Returns an exit code; never exits. */
#ifndef POSTA_QMARKRUN_H
#define POSTA_QMARKRUN_H

/* The whole of a tool: for each id of argv (decimal; "all" names every
 * message when op is a flush) writes the request, wakes posta-send, waits
 * at most wait seconds for it, and prints one line per id on stdout.
 * Returns the exit code: 0 every request in effect, 100 an id that is not
 * a message of the queue or a request posta-send refused, 111 a request
 * not taken yet (it stays: posta-send takes it when it runs) or an error. */
int qmarkrun_run(char op, char const *const *argv, unsigned wait);

#endif
