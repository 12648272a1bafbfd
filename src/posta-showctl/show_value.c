/* show_value: one setting of the registry as it is in force: read with
 * the same rules as the programs (src/common/control.c, and the check of
 * show_check.c where the reading program has one), or its default. A
 * list's items are kept apart by '\n' in the view (escaping never leaves
 * one in an item) and shown one a line. See showctl.h. Never exits; never
 * writes to the instance. */
#include "posta-showctl/showctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/control.h"

#define LIST_MAX (64u << 20)

typedef struct view_s view;
struct view_s {
  char fn[128];          /* control/NAME */
  int from_file;
  int status;
  stralloc v;            /* the value, escaped */
};

static int put_default(view *w, ctlreg_entry const *e, char const *me)
{
  char const *d = e->dflt == 0 ? "" : !strcmp(e->dflt, CTLREG_ME) ? me : e->dflt;
  if (e->kind != CTLREG_LIST) return showctl_escape(&w->v, d, strlen(d), 1);
  /* a list's default: its items, one space apart in the registry */
  while (*d) {
    size_t n = strcspn(d, " ");
    if (showctl_escape(&w->v, d, n, 0) < 0) return -1;
    d += n;
    if (*d && (d++, !stralloc_catb(&w->v, "\n", 1))) return -1;
  }
  return 0;
}

static int number(view *w, ctlreg_entry const *e, char const *me)
{
  unsigned long v;
  char buf[64];
  int r = control_ulong(w->fn, &v, 0);
  if (r > 0) {
    int n = snprintf(buf, sizeof buf, "%lu", v);
    w->from_file = 1;
    return stralloc_catb(&w->v, buf, (size_t)n) ? 0 : -1;
  }
  if (!r) return put_default(w, e, me);
  if (errno != EINVAL) { w->status = SHOWCTL_UNREADABLE; w->from_file = 1; return stralloc_cats(&w->v, strerror(errno)) ? 0 : -1; }
  /* the text the programs refuse, for the operator to see */
  w->status = SHOWCTL_INVALID;
  w->from_file = 1;
  control_line(w->fn, buf, sizeof buf, 0);
  if (!stralloc_cats(&w->v, "invalid, not a number: ")) return -1;
  return showctl_escape(&w->v, buf, strlen(buf), 1);
}

static int line(view *w, ctlreg_entry const *e, char const *me)
{
  char buf[1024];
  int r = control_line(w->fn, buf, sizeof buf, 0);
  if (r < 0) { w->status = SHOWCTL_UNREADABLE; w->from_file = 1; return stralloc_cats(&w->v, strerror(errno)) ? 0 : -1; }
  /* an empty first line counts as missing, as the programs read it */
  if (!r || !buf[0]) return put_default(w, e, me);
  w->from_file = 1;
  return showctl_escape(&w->v, buf, strlen(buf), 1);
}

/* Every item, one a line; the one the reader's check refuses (or the
 * list as a whole) marked invalid. */
static int list(view *w, ctlreg_entry const *e, char const *me)
{
  char *buf;
  size_t len, pos = 0;
  char const *item, *bad = 0;
  showctl_check *check = showctl_check_of(e->name);
  int r = control_lines(w->fn, LIST_MAX, &buf, &len);
  if (r < 0) { w->status = SHOWCTL_UNREADABLE; w->from_file = 1; return stralloc_cats(&w->v, strerror(errno)) ? 0 : -1; }
  if (!r) return put_default(w, e, me);
  w->from_file = 1;
  if (check && check(buf, len, &bad) < 0) {
    w->status = SHOWCTL_INVALID;
    if (!bad && !stralloc_cats(&w->v, len ? "invalid\n" : "invalid, no item")) goto nomem;
  } else bad = 0;   /* a check may point at the last item it read */
  for (int first = 1; (item = control_next(buf, len, &pos)); first = 0)
    if ((!first && !stralloc_catb(&w->v, "\n", 1)) || (item == bad && !stralloc_cats(&w->v, "invalid: "))
        || showctl_escape(&w->v, item, strlen(item), 1) < 0) goto nomem;
  free(buf);
  return 0;
nomem:
  free(buf);
  return -1;
}

/* A cdb: its size, and whether it is older than the rules it is made of. */
static int cdb(view *w, ctlreg_entry const *e)
{
  struct stat st, src;
  char buf[256], source[128];
  size_t n = strlen(w->fn);
  (void)e;
  if (stat(w->fn, &st) < 0) {
    if (errno == ENOENT) return 0;
    w->status = SHOWCTL_UNREADABLE;
    w->from_file = 1;
    return stralloc_cats(&w->v, strerror(errno)) ? 0 : -1;
  }
  w->from_file = 1;
  snprintf(buf, sizeof buf, "%llu bytes", (unsigned long long)st.st_size);
  snprintf(source, sizeof source, "%.*s", (int)(n - 4), w->fn);
  if (n > 4 && !strcmp(w->fn + n - 4, ".cdb") && stat(source, &src) == 0 && src.st_mtime > st.st_mtime)
    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ", older than %s: rebuilt when its service starts", source);
  return stralloc_cats(&w->v, buf) ? 0 : -1;
}

static int explain(stralloc *out, ctlreg_entry const *e)
{
  if (!stralloc_cats(out, "    # ") || !stralloc_cats(out, e->meaning)) return -1;
  if (!stralloc_cats(out, "; default: ")) return -1;
  if (!stralloc_cats(out, !e->dflt ? "none" : !strcmp(e->dflt, CTLREG_ME) ? "control/me" : e->dflt)) return -1;
  if (!stralloc_cats(out, "; used by: ") || !stralloc_cats(out, e->users[0] ? e->users : "no program yet")) return -1;
  return stralloc_catb(out, "\n", 1) ? 0 : -1;
}

/* One line per item of the view ('\n' apart): NAME SOURCE ITEM. */
static int lines(stralloc *out, ctlreg_entry const *e, view const *w)
{
  char const *src = w->from_file ? w->fn : "default";
  size_t at = 0;
  do {
    char const *nl = w->v.len ? memchr(w->v.s + at, '\n', w->v.len - at) : 0;
    size_t end = nl ? (size_t)(nl - w->v.s) : w->v.len;
    if (showctl_line(out, e->name, src, w->v.s + at, end - at) < 0) return -1;
    at = end + 1;
  } while (at < w->v.len);
  return 0;
}

int showctl_entry(stralloc *out, ctlreg_entry const *e, char const *me, int explained)
{
  view w = { .status = SHOWCTL_OK, .v = STRALLOC_ZERO };
  int r = 0;
  snprintf(w.fn, sizeof w.fn, "control/%s", e->name);
  /* the TLS files: what posta-tlsd makes of them, not their first line */
  int pem = !strcmp(e->name, "servercert.pem") ? 1 : !strcmp(e->name, "serverkey.pem") ? 2 : 0;
  if (pem && access(w.fn, F_OK) == 0) {
    w.from_file = 1;
    w.status = pem == 1 ? showctl_cert(&w.v, w.fn) : showctl_key(&w.v, w.fn);
    if (w.status < 0) r = -1;
  } else switch (e->kind) {   /* five kinds, each a function: the table is the registry */
    case CTLREG_NUMBER: r = number(&w, e, me); break;
    case CTLREG_LINE: r = line(&w, e, me); break;
    case CTLREG_CDB: r = cdb(&w, e); break;
    default: r = list(&w, e, me); break;
  }
  if (!r) r = lines(out, e, &w);
  if (!r && explained) r = explain(out, e);
  stralloc_free(&w.v);
  return r < 0 ? -1 : w.status;
}
