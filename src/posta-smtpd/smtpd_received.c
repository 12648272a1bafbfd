/* smtpd_received: format the Received line. See smtpd_received.h. */
#include "posta-smtpd/smtpd_received.h"

#include <string.h>

#include "common/addr.h"
#include "posta-smtpd/smtpd.h"

/* indexed by utf8 * 4 + tls * 2 + auth */
static char const *const protos[8] = {
  "ESMTP", "ESMTPA", "ESMTPS", "ESMTPSA",
  "UTF8SMTP", "UTF8SMTPA", "UTF8SMTPS", "UTF8SMTPSA",
};

char const *smtpd_received_proto(int helo, int utf8, int tls, int auth)
{
  if (helo < 2) return "SMTP";
  return protos[(utf8 ? 4 : 0) + (tls ? 2 : 0) + (auth ? 1 : 0)];
}

typedef struct out_s out_t;
struct out_s {
  char *s;
  size_t n;
};

static void put(out_t *o, char const *s)
{
  size_t k = strlen(s);
  if (k > SMTPD_RECEIVED_MAX - 1 - o->n) k = SMTPD_RECEIVED_MAX - 1 - o->n;
  memcpy(o->s + o->n, s, k);
  o->n += k;
  o->s[o->n] = 0;
}

/* network text, cleaned, at most 255 octets */
static void put_clean(out_t *o, char const *s)
{
  char buf[256];
  esc_str(buf, sizeof buf, s, ESC_WORD);
  put(o, buf);
}

/* [IP], or [IPv6:IP] (RFC 5321 4.1.3) */
static void put_ip(out_t *o, char const *ip)
{
  put(o, "[");
  if (strchr(ip, ':')) put(o, "IPv6:");
  put_clean(o, ip);
  put(o, "]");
}

static void put_date(out_t *o, time_t when)
{
  static char const days[] = "SunMonTueWedThuFriSat";
  static char const months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  struct tm tm;
  char buf[64];
  if (!gmtime_r(&when, &tm)) { put(o, "Thu, 1 Jan 1970 00:00:00 +0000"); return; }
  /* the names by hand: RFC 5322 wants English whatever the locale */
  size_t n = strftime(buf, sizeof buf, "XXX, %d YYY %Y %H:%M:%S +0000", &tm);
  if (!n) return;
  memcpy(buf, days + 3 * tm.tm_wday, 3);
  memcpy(buf + 8, months + 3 * tm.tm_mon, 3);
  put(o, buf);
}

size_t smtpd_received_fmt(char *out, smtpd_received const *r)
{
  out_t o = { out, 0 };
  out[0] = 0;
  char helo[256];
  smtpd_reply_clean_helo(helo, sizeof helo, r->helo && *r->helo ? r->helo : "unknown");
  put(&o, "Received: from ");
  put(&o, helo);
  if (r->remotehost || r->remoteip) {
    put(&o, " (");
    if (r->remotehost) put_clean(&o, r->remotehost);
    if (r->remotehost && r->remoteip) put(&o, " ");
    if (r->remoteip) put_ip(&o, r->remoteip);
    put(&o, ")");
  }
  put(&o, "\n\tby ");
  put_clean(&o, r->me);
  if (r->localip) { put(&o, " ("); put_ip(&o, r->localip); put(&o, ")"); }
  put(&o, " with ");
  put(&o, r->proto);
  if (r->tlsversion) {
    put(&o, " (");
    put_clean(&o, r->tlsversion);
    put(&o, " cipher ");
    put_clean(&o, r->tlscipher ? r->tlscipher : "unknown");
    put(&o, ")");
  }
  if (r->rcpt) {
    /* addr_format_path refuses controls; UTF-8 stays, as SMTPUTF8 allows */
    char path[ADDR_MAX + 8];
    if (addr_format_path(path, sizeof path, r->rcpt, strlen(r->rcpt))) {
      put(&o, "\n\tfor ");
      put(&o, path);
    }
  }
  put(&o, "; ");
  put_date(&o, r->when);
  put(&o, "\n");
  return o.n;
}
