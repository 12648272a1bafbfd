/* sm_modes: what sendmail does besides queueing a message, each by
 * running the posta program that does it in the instance DIR ($POSTA_HOME,
 * else conf-home), so that no second copy of its code exists here:
 *
 *   -bp, mailq        DIR/bin/posta-qread: one block per message (id,
 *                     arrival, size, sender, recipients and their state),
 *                     or "Mail queue is empty"
 *   -bi, newaliases   nothing to rebuild: says so, exits 0
 *   -bs               DIR/bin/posta-smtpd on stdin and stdout, as the
 *                     caller, who may send to any address, as with sendmail
 *   -q                DIR/bin/posta-qflush: every message tried now
 *
 * Each returns the exit code (or does not return: the exec'd program's is
 * sendmail's); none reads stdin but -bs. See doc/sendmail.8. */
#ifndef POSTA_SM_MODES_H
#define POSTA_SM_MODES_H

int sm_list(char const *home);
int sm_aliases(char const *home);
int sm_smtp(char const *home);
int sm_flush(char const *home);

#endif
