/* bounce_target: the settings, and who gets the notice.
 *
 * The original sender gets it, from the null sender. When the original
 * sender is itself the null sender, the message was a notice: its failure
 * goes to the postmaster (control/doublebounceto at doublebouncehost), a
 * double bounce, still from the null sender. A failed recipient that is
 * that double-bounce address (as written, or as control/virtualdomains
 * turns it into a local name) was a double bounce itself: it is dropped
 * and logged, so that notices never loop. Also dropped: any notice about a
 * message from qmail's double-bounce sender "#@[]", delay notices about a
 * message from the null sender, and every double bounce when
 * control/doublebounceto is empty. Ends the process with 111 when a
 * setting cannot be read. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <skalibs/strerr.h>

#include "common/control.h"
#include "common/domains.h"
#include "common/esc.h"
#include "posta-bounce/bounce.h"

/* NAME@HOST into buf; NAME alone when it holds an '@' already */
static void address(char *buf, size_t size, char const *name, char const *host, char const *what)
{
  int n = strchr(name, '@') ? snprintf(buf, size, "%s", name) : snprintf(buf, size, "%s@%s", name, host);
  if (n < 0 || (size_t)n >= size) strerr_dief3x(111, "control/", what, ": address too long");
}

static void line(char const *fn, char *buf, size_t size, char const *dflt)
{
  if (control_line(fn, buf, size, dflt) < 0) strerr_diefu2sys(111, "read ", fn);
}

static unsigned long number(char const *fn, unsigned long dflt)
{
  unsigned long v;
  if (control_ulong(fn, &v, dflt) < 0) strerr_diefu2sys(111, "read ", fn);
  return v;
}

void bounce_settings(bounce *b)
{
  char name[BOUNCE_ADDR_MAX / 2], host[BOUNCE_ADDR_MAX / 2];
  int r = control_line("control/me", b->me, sizeof b->me, 0);
  if (r < 0) strerr_diefu1sys(111, "read control/me");
  if (!r || !b->me[0]) strerr_dief1x(111, "control/me is missing or empty");
  line("control/bouncefrom", name, sizeof name, "MAILER-DAEMON");
  line("control/bouncehost", host, sizeof host, b->me);
  if (!name[0]) strcpy(name, "MAILER-DAEMON");
  if (!host[0]) strcpy(host, b->me);
  address(b->from, sizeof b->from, name, host, "bouncefrom");
  line("control/doublebounceto", name, sizeof name, "postmaster");
  line("control/doublebouncehost", host, sizeof host, b->me);
  if (!host[0]) strcpy(host, b->me);
  b->dblto[0] = 0;
  if (name[0]) address(b->dblto, sizeof b->dblto, name, host, "doublebounceto");
  b->lifetime = number("control/queuelifetime", BOUNCE_LIFETIME);
  b->limit = number("control/bouncemaxbytes", DSN_LIMIT_DEFAULT);
}

static void logdrop(bounce const *b, char const *why)
{
  char id[24];
  snprintf(id, sizeof id, "%llu", (unsigned long long)b->id);
  strerr_warni4x(id, ": ", b->kind == DSN_DELAYED ? "delay notice dropped: " : "failure notice dropped: ", why);
}

/* 1 when addr is the double-bounce address */
static int is_dblto(domains const *dom, char const *dblto, char const *addr)
{
  char routed[BOUNCE_ADDR_MAX + 256];
  if (!addr) return 0;
  if (!strcasecmp(addr, dblto)) return 1;
  if (domains_route(dom, dblto, routed, sizeof routed) < 0) return 0;
  return !strcasecmp(addr, routed);
}

static void drop_dblto(bounce *b)
{
  domains dom = DOMAINS_ZERO;
  size_t kept = 0;
  char safe[BOUNCE_LOGADDR_MAX];
  if (domains_load(&dom) < 0) strerr_diefu1sys(111, "read control/locals or control/virtualdomains");
  for (size_t i = 0; i < b->nrcpt; i++) {
    dsn_rcpt const *r = b->rcpt + i;
    if (is_dblto(&dom, b->dblto, r->addr) || is_dblto(&dom, b->dblto, r->orig)) {
      char id[24];
      snprintf(id, sizeof id, "%llu", (unsigned long long)b->id);
      strerr_warni5x(id, ": double bounce to <", esc_dots(safe, sizeof safe, r->addr, ESC_ADDR),
                     "> failed: dropped, ", "no notice is sent about it");
      b->ndropped++;
      continue;
    }
    b->rcpt[kept++] = *r;
  }
  b->nrcpt = kept;
  domains_free(&dom);
}

int bounce_target(bounce *b)
{
  if (b->sender[0] && strcmp(b->sender, "#@[]")) {
    b->to = b->sender;
    return 1;
  }
  if (b->sender[0]) {
    logdrop(b, "the message came from qmail's double-bounce sender #@[]");
    return 0;
  }
  if (b->kind == DSN_DELAYED) {
    logdrop(b, "the message has the null sender");
    return 0;
  }
  if (!b->dblto[0]) {
    logdrop(b, "a double bounce, and control/doublebounceto is empty");
    return 0;
  }
  drop_dblto(b);
  if (!b->nrcpt) return 0;
  b->dbl = 1;
  b->to = b->dblto;
  return 1;
}
