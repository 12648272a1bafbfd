/* qs_print: posta-qstat -d's lines. Dates are RFC 5322's in UTC, as
 * posta-qread prints them; domains and results have their control
 * characters printed as '?', so that a record never forges a line. See
 * qs.h. */
#include "posta-qstat/qs.h"

#include <stdio.h>
#include <string.h>

#include "sk/date822.h"

static int put(stralloc *out, char const *s)
{
  return stralloc_cats(out, s) ? 0 : -1;
}

static int putu(stralloc *out, char const *fmt, unsigned long long v)
{
  char buf[64];
  snprintf(buf, sizeof buf, fmt, v);
  return put(out, buf);
}

static int clean(stralloc *out, char const *s)
{
  for (; *s; s++)
    if (!stralloc_catb(out, (unsigned char)*s < 0x20 || *s == 0x7f ? "?" : s, 1)) return -1;
  return 0;
}

static int when(stralloc *out, uint64_t t)
{
  char d[DATE822_MAX];
  if (t == UINT64_MAX) return put(out, "none");
  if (!t) return put(out, "at once");
  if (!date822_utc(d, sizeof d, (time_t)t)) return putu(out, "%llu", t);
  return put(out, d);
}

static int channel(stralloc *out, char const *name, uint64_t const *c)
{
  if (put(out, name) || putu(out, " recipients: %llu pending", c[0])) return -1;
  return putu(out, ", %llu delivered", c[1]) || putu(out, ", %llu bounced\n", c[2]);
}

static int domains(stralloc *out, qs_tally const *t)
{
  if (!t->ndoms) return 0;
  if (putu(out, "pending remote recipients by domain (the %llu with most):\n",
           t->ndoms < QS_DOMAINS_SHOWN ? t->ndoms : QS_DOMAINS_SHOWN)) return -1;
  for (size_t i = 0; i < t->ndoms && i < QS_DOMAINS_SHOWN; i++) {
    qs_dom const *d = &t->doms[i];
    if (put(out, "  ") || clean(out, d->name[0] ? d->name : "(no domain)") || putu(out, ": %llu, next attempt ", d->n)
        || when(out, d->next)) return -1;
    if (d->e[0] && (put(out, ", last result: ") || clean(out, d->e))) return -1;
    if (put(out, "\n")) return -1;
  }
  return t->others ? putu(out, "  (%llu more in other domains)\n", t->others) : 0;
}

int qs_print(stralloc *out, qs_tally const *t, uint64_t bounces, uint64_t delays, uint64_t requests)
{
  if (putu(out, "messages held: %llu\n", t->held) || putu(out, "messages to be removed: %llu\n", t->removing)) return -1;
  if (putu(out, "failure notices waiting: %llu\n", bounces) || putu(out, "delay notices waiting: %llu\n", delays)) return -1;
  if (putu(out, "requests waiting for posta-send: %llu\n", requests)) return -1;
  if (t->unreadable && putu(out, "unreadable records: %llu\n", t->unreadable)) return -1;
  if (channel(out, "local", t->rc[0]) || channel(out, "remote", t->rc[1])) return -1;
  if (put(out, "next attempt: ") || when(out, t->next) || put(out, "\n")) return -1;
  return domains(out, t);
}
