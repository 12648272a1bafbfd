/* cpw: what posta-checkpw's modules share.
 *
 * posta-checkpw is a checkpassword program (the qmail world's interface,
 * doc/tls.md) for posta's virtual mailboxes: login NUL password NUL on
 * descriptor 3, the password checked against the hash that posta-user
 * keeps in DIR/mailboxes/.passwd ("address:hash" lines, crypt(3)), and on
 * success the rest of its arguments executed. It is setuid posta-v, which
 * alone may read that file: it makes sure descriptors 0 to 3 are open,
 * opens the file, then gives up posta-v for good, and only then reads its
 * input. Only posta-d (and root, and posta-v) may run it: it is mode 4710
 * to posta-d's own group, for to anyone else it would be a password
 * oracle. */
#ifndef POSTA_CPW_H
#define POSTA_CPW_H

#include <stddef.h>

#define CPW_FILE "mailboxes/.passwd"
#define CPW_INPUT_MAX 512          /* checkpassword's limit on fd 3 */
#define CPW_FILE_MAX (64 << 20)
#define CPW_HASH_MAX 512

#define CPW_WRONG 1
#define CPW_USAGE 2
#define CPW_TEMP 111

/* cpw_home.c: before anything is opened: fd 0, 1 and 2 open (on
 * /dev/null when closed), and fd 3 open, else the password file would be
 * opened as one of them, and read back as the input or written to. Dies
 * (CPW_USAGE) when fd 3 is closed. */
void cpw_fds(void);
/* cpw_home.c: goes to the instance's home: $POSTA_HOME (else conf-home)
 * when the caller is root or posta-checkpw's owner, else the instance the
 * program is installed in (DIR/bin/posta-checkpw). Dies on failure. */
void cpw_home(void);
/* cpw_home.c: drops the setuid identity for good. Dies on failure. */
void cpw_drop(void);

/* cpw_file.c: the hash of login (compared without case) in the open
 * password file fd, into hash: 1 found, 0 not, -1 error (errno). */
int cpw_lookup(int fd, char const *login, char *hash, size_t size);

/* cpw_check.c: reads descriptor 3, checks, and on success executes argv;
 * otherwise exits CPW_WRONG, CPW_USAGE or CPW_TEMP. fd: the password file,
 * or -1 when there is none. */
void cpw_run(int fd, char const *const *argv);

#endif
