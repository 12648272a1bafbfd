/* show_value: one setting of the registry as it is in force: read with
 * the same rules as the programs (src/common/control.c), or its default.
 * See showctl.h. Never exits; never writes to the instance. */
#include "posta-showctl/showctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
  /* a list's default: its items, one space apart */
  while (*d) {
    size_t n = strcspn(d, " ");
    if (showctl_escape(&w->v, d, n, 0) < 0) return -1;
    d += n;
    if (*d && (d++, !stralloc_catb(&w->v, " ", 1))) return -1;
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

static int list(view *w, ctlreg_entry const *e, char const *me)
{
  char *buf;
  size_t len, pos = 0;
  char const *item;
  int r = control_lines(w->fn, LIST_MAX, &buf, &len);
  if (r < 0) { w->status = SHOWCTL_UNREADABLE; w->from_file = 1; return stralloc_cats(&w->v, strerror(errno)) ? 0 : -1; }
  if (!r) return put_default(w, e, me);
  w->from_file = 1;
  for (int first = 1; (item = control_next(buf, len, &pos)); first = 0)
    if ((!first && !stralloc_catb(&w->v, " ", 1)) || showctl_escape(&w->v, item, strlen(item), 0) < 0) { free(buf); return -1; }
  free(buf);
  return 0;
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

int showctl_entry(stralloc *out, ctlreg_entry const *e, char const *me, int explained)
{
  view w = { .status = SHOWCTL_OK, .v = STRALLOC_ZERO };
  int r;
  snprintf(w.fn, sizeof w.fn, "control/%s", e->name);
  switch (e->kind) {   /* five kinds, each a function: the table is the registry */
    case CTLREG_NUMBER: r = number(&w, e, me); break;
    case CTLREG_LINE: r = line(&w, e, me); break;
    case CTLREG_CDB: r = cdb(&w, e); break;
    default: r = list(&w, e, me); break;
  }
  if (!r) r = showctl_line(out, e->name, w.from_file ? w.fn : "default", w.v.s, w.v.len);
  if (!r && explained) r = explain(out, e);
  stralloc_free(&w.v);
  return r < 0 ? -1 : w.status;
}
