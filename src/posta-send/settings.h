/* settings: the control files posta-send reads, at start and on SIGHUP.
 *
 * control/concurrencylocal (default 10), control/concurrencyremote (20),
 * control/concurrencydomain (DEST_CONCURRENCY_DEFAULT: deliveries in
 * flight to one remote domain), control/concurrencymailbox
 * (CONC_MAILBOX_DEFAULT: local deliveries in flight to one mailbox, so that
 * one slow mailbox cannot hold every local slot), control/retryschedule (retrysched.h),
 * control/queuelifetime (432000, five days), control/delaywarning (14400,
 * four hours; 0: no delay notices), and locals and virtualdomains
 * (domains.h). Concurrencies are kept between 1 and CONC_MAX. A file that
 * cannot be read or makes no sense is logged and its previous value kept,
 * so a HUP with a broken file loses nothing. Never exits. */
#ifndef POSTA_SEND_SETTINGS_H
#define POSTA_SEND_SETTINGS_H

#include "posta-send/send.h"

#define CONC_LOCAL_DEFAULT 10
#define CONC_REMOTE_DEFAULT 20
#define CONC_MAILBOX_DEFAULT 5
#define LIFETIME_DEFAULT 432000
#define DELAYWARNING_DEFAULT 14400
#define TIME_SETTING_MAX (100UL * 365 * 86400)

void settings_default(settings *);
/* Reads every file; returns how many could not be used (each logged). */
unsigned settings_load(settings *, int logfd);
void settings_free(settings *);
/* posta-user adds domains to control/locals on a running instance, and new
 * mail must see them at once: reloads the domains when control/me, locals or
 * virtualdomains changed (size, mtime or inode) since they were read.
 * 1 reloaded, 0 unchanged, -1 unreadable (logged, the old ones kept). */
int settings_domains_fresh(settings *, int logfd);

#endif
