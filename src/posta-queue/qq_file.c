/* qq_file: creating a queue file that posta-send can read.
 *
 * posta-send reads the queue as a member of the queue's group (posta). A
 * file gets the creating process's effective group: posta-queue's own when
 * it is setgid posta, or run by root (it then becomes the queue's owner and
 * group: posta-setup installs it 6711), but its caller's when it is only
 * setuid posta-q (mode 4711), and a
 * setuid program cannot change that. So files are 0640 when they get the
 * queue's group and 0644 otherwise, as qmail's are: the queue's folders
 * (queue/ is 0750 posta-q:posta) keep everyone but posta-q, group posta and
 * root out either way. Never exits. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posta-queue/qq.h"

mode_t qq_file_mode(qq const *q)
{
  return getegid() == q->qgid ? 0640 : 0644;
}

int qq_create(qq const *q, char const *fn, int flags)
{
  return open(fn, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, q->fmode);
}
