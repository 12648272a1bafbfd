/* messfile: the message of a delivery, opened by posta-lspawn itself.
 *
 * posta-send names the message by its id (doc/protocols.md); posta-lspawn,
 * as root, opens queue/mess/N/ID from a descriptor of queue/mess it took at
 * start, with O_NOFOLLOW at every step, and keeps it only when it is a
 * regular file of the queue: owned by posta-q, on the queue's file system,
 * one link, its inode number the id. So posta-s (or posta-q, which owns the
 * folders) cannot make root read anything but a queued message: no
 * descriptor of theirs is ever reopened, no symlink followed, no FIFO or
 * device opened for reading (O_NONBLOCK, then fstat). Each delivery gets an
 * open file of its own, and so its own read offset. libc only; never
 * exits. */
#ifndef POSTA_MESSFILE_H
#define POSTA_MESSFILE_H

#include <sys/stat.h>
#include <sys/types.h>

typedef struct messdir_s messdir;
struct messdir_s {
  int fd;          /* queue/mess, O_DIRECTORY, -1 none */
  uid_t uid;       /* the queue's owner (posta-q) */
  dev_t dev;       /* queue/mess's file system */
};

/* Opens queue/mess of the instance in the current folder and checks it is
 * a folder owned by uid: 0, or -1 with errno (EPERM: another owner). */
int messdir_open(messdir *, uid_t uid);
/* Whether st (of the file named ID in mess/N) is a message of the queue:
 * 0 (the reason), or NULL when it is. */
char const *messfile_check(messdir const *, struct stat const *st, unsigned long long id);
/* Opens message id (decimal, as in the request) read-only, close-on-exec:
 * the descriptor, or -1 with *why set. */
int messfile_open(messdir const *, char const *id, char const **why);

#endif
