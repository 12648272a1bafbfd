/* envuid: become the user that $UID, $GID and $GIDLIST name, as
 * s6-envuidgid sets them, before touching anything from the network.
 *
 * Root without them is refused: a program that calls this one never goes
 * on as root. Used by posta-tlsd and posta-smtpdpool. libc only; returns,
 * never exits. */
#ifndef POSTA_COMMON_ENVUID_H
#define POSTA_COMMON_ENVUID_H

/* 0 once the process runs as $UID/$GID (or as the non-root user it was,
 * when they are not set); -1 with errno: EPERM for root without them,
 * EINVAL for a malformed one, else setgroups/setgid/setuid's. */
int envuid_drop(void);

#endif
