/* posta-remote: deliver one message to the recipients of one domain by
 * SMTP. posta-remote HOST SENDER RCPT...; the message on fd 0; one RESULT
 * line per recipient on fd 1 (doc/protocols.md, posta-remote(8)). Exits 0
 * when it printed them, 111 when it could not even do that, 100 on wrong
 * usage.
 *
 * A reader's map: the files of this folder in the order a message meets them.
 *
 *   remoterun.c   the whole run once the arguments are read: the job
 *                 (job.c: domain, sender, recipients, their results), the
 *                 settings (config.c), the message from fd 0 (msgbody.c),
 *                 this host's addresses (ipme.c), then deliver.c, then the
 *                 results printed.
 *   deliver.c     one delivery from start to end: the route (smtproutes.c),
 *                 the plan of addresses (plan.c: MX, AAAA, A through
 *                 resolve.c and src/owf/dnsq.c; addresses as ipaddr.c keeps
 *                 them), then each address in turn until a server takes the
 *                 transaction.
 *   tcpto.c       skips an address that recently refused or timed out.
 *   netio.c       the TCP connection, a timeout on every wait; TLS once set.
 *   smtpc.c       the greeting and EHLO, each reply parsed by smtpreply.c.
 *   tlsc.c        STARTTLS when offered, verified for the domains of
 *                 control/tlsdestinations (tlsdest.c).
 *   txn.c         MAIL and RCPT (smtpcmd.c quotes the addresses), DATA and
 *                 the message as it goes on the wire (msgbody_encode), and a
 *                 result for every recipient.
 *   job.c         keeps each recipient's first result; job_report prints
 *                 them on fd 1, in resultline.c's form. */
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
