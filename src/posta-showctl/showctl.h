/* showctl: posta-showctl's parts. Every setting of the registry
 * (src/common/ctlreg.h) as it is in force, one line each:
 *
 *   NAME SOURCE VALUE
 *
 * SOURCE is "control/NAME" when the file gives the value, or "default".
 * VALUE is the text of the setting with every byte below 0x21 but the
 * spaces inside a single value, DEL and backslash written \xHH. A list
 * gets one line per item, each "NAME SOURCE ITEM" (an empty list one line
 * without a value). A certificate shows its subject and expiry, a key its
 * mode. Columns are padded with spaces: a script splits a line on its
 * first two runs of white space. Nothing here writes to the instance. */
#ifndef POSTA_SHOWCTL_H
#define POSTA_SHOWCTL_H

#include <skalibs/stralloc.h>

#include "common/ctlreg.h"

/* What a setting's file says. */
enum showctl_status {
  SHOWCTL_OK,            /* shown */
  SHOWCTL_INVALID,       /* the file holds what its programs refuse */
  SHOWCTL_UNREADABLE     /* the file exists but cannot be read */
};

/* show_value.c: appends one entry's line (and, with explain, a line of
 * what it means) to out; me is control/me's value in force. Returns its
 * status; -1 with errno when out cannot grow. */
int showctl_entry(stralloc *out, ctlreg_entry const *e, char const *me, int explain);
/* show_check.c: the check of a list's items that its reading program
 * applies (posta-send's retryschedule, posta-remote's smtproutes...), or 0
 * when any item is valid. A check returns 0, or -1 with errno EINVAL and
 * *bad the first item refused (0: the list as a whole, an empty one). */
typedef int showctl_check(char const *items, size_t len, char const **bad);
showctl_check *showctl_check_of(char const *name);
/* show_cert.c: the value of control/servercert.pem (its subject and
 * expiry, or why posta-tlsd cannot use it with its key) or of
 * control/serverkey.pem (a key, and whether others may read it), appended
 * to v; fn is the file. Returns its status, or -1 when v cannot grow. */
int showctl_cert(stralloc *v, char const *fn);
int showctl_key(stralloc *v, char const *fn);
/* show_env.c: appends a line for each variable set in svc/SERVICE/env/ of
 * the instance's services: NAME is SERVICE:VARIABLE, SOURCE its file.
 * 0, or -1 with errno. */
int showctl_env(stralloc *out);
/* show_text.c: the columns and the escaping. */
int showctl_line(stralloc *out, char const *name, char const *source, char const *value, size_t len);
int showctl_escape(stralloc *out, char const *s, size_t len, int keep_spaces);

#endif
