/* txn: one mail transaction on a connection that said hello: MAIL, every
 * recipient of the job, DATA and the message, with PIPELINING when the
 * server offers it, SIZE and BODY=8BITMIME when it offers them.
 *
 * Results: 2xx at RCPT then 2xx after the data: K; 4xx at RCPT: Z; 5xx at
 * RCPT: D with the server's text; a refused MAIL or DATA settles every
 * recipient concerned (4xx Z, 5xx D); after the data 4xx Z and 5xx D for
 * every accepted recipient. A message larger than the server's SIZE is not
 * sent: D 5.3.4. 8-bit content goes to a server without 8BITMIME anyway
 * (as qmail does), and the result says so. A connection lost before the
 * final dot: Z for whoever has no result yet; lost after it and before the
 * reply: Z too, although the server may have delivered (a duplicate may
 * follow: the result says so). Every recipient has a result when txn_run
 * returns; the connection is closed. */
#ifndef POSTA_TXN_H
#define POSTA_TXN_H

#include "posta-remote/job.h"
#include "posta-remote/smtpc.h"

/* Before any connection: a sender that SMTP cannot carry (smtpcmd.h)
 * settles every recipient (D 5.1.7), such a recipient settles itself (D
 * 5.1.3), each with the reason. 1 when recipients are left to send. */
int txn_check(job *);
void txn_run(job *, smtpc *);

#endif
