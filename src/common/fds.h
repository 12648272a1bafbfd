/* fds: closing every descriptor from a number on, for a process that must
 * hand nothing of its own to what it runs (a setuid injector, a delivery).
 * libc only; never fails (close_range, else a loop up to the descriptor
 * limit, at most 2^20). */
#ifndef POSTA_COMMON_FDS_H
#define POSTA_COMMON_FDS_H

void fds_close_from(int lowest);

#endif
