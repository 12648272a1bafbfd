/* posta-remote: deliver one message to the recipients of one domain by
 * SMTP. posta-remote HOST SENDER RCPT...; the message on fd 0; one RESULT
 * line per recipient on fd 1 (doc/protocols.md, posta-remote(8)). Exits 0
 * when it printed them, 111 when it could not even do that, 100 on wrong
 * usage. */
#include "common/nodump.h"
#include "owf/owferr.h"
#include "posta-remote/remoterun.h"

#include <errno.h>

#define PROG "posta-remote"
#define USAGE "posta-remote HOST SENDER RCPT..."

int main(int argc, char const *const *argv)
{
  /* another delivery of posta-r must not read this one's message */
  if (nodump() < 0) owferr_die(111, PROG, "make the process undumpable", errno);
  if (argc < 4 || !argv[1][0]) owferr_usage(PROG, USAGE);
  if (remoterun_run(argv[1], argv[2], argv + 3, (unsigned int)(argc - 3)) < 0)
    owferr_die(111, PROG, "report the results", errno);
  return 0;
}
