/* posta-local: delivers one message to one local address.
 *
 * posta-local USER HOME LOCAL DASH EXT DOMAIN SENDER DEFAULTDELIVERY, as
 * the mailbox owner in the owner's home, the message on stdin (seekable).
 * Writes one short line on stdout (the result text) and exits 0 or 99
 * delivered, 100 permanent failure, 111 temporary failure. posta-lspawn
 * runs the same code (local_main) in its child without executing this
 * program; this one is for operators and tests. Never runs as root:
 * posta-lspawn refuses uid 0 before it gets here. */
#include "posta-local/local.h"

int main(int argc, char const *const *argv)
{
  local_main(argc, argv);
}
