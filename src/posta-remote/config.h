/* config: posta-remote's settings, from control/ in the instance's home
 * (the working directory).
 *
 *   me             this host's name (default "localhost")
 *   helohost       the name said in EHLO/HELO (default: me)
 *   timeoutconnect seconds to wait for a connection (default 60)
 *   timeoutremote  seconds to wait for each read or write (default 1200)
 *   timeoutdns     seconds to wait for each DNS question (default 60)
 *   smtproutes     see smtproutes.h
 *   tlsdestinations  see tlsdest.h
 *   moreipme       see ipme.h
 *
 * A timeout of 0 counts as 1. 0, or -1 with errno and *what naming the file
 * that could not be read. Never exits. */
#ifndef POSTA_CONFIG_H
#define POSTA_CONFIG_H

#include "posta-remote/job.h"

#define CONFIG_TIMEOUTCONNECT 60
#define CONFIG_TIMEOUTREMOTE 1200
#define CONFIG_TIMEOUTDNS 60
#define CONFIG_ROUTES_MAX (1 << 20)

int config_load(job *, char const **what);

#endif
