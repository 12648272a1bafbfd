/* import: posta-user import FILE|- and export. See user.h, posta-user(8).
 *
 * import reads the whole file first and checks every line (impline.c),
 * repeats and the domains the caller may add before it changes anything:
 * a bad file is refused whole (100) with the number of the first bad
 * line. Then each file is rewritten once for the whole batch: the
 * Maildirs (as posta-v, one syncfs), mailboxes/.passwd, control/locals
 * and control/rcpthosts, and last users/assign with one users/cdb rebuild
 * (root) or posta-v's list and its cdb: a mailbox is known to delivery
 * only once its Maildir exists. A system error halfway (111) leaves the
 * steps before it done, each whole; importing the file again completes
 * it. export prints the mailboxes in the same format, sorted, with their
 * hashes. Dies through strerr. */
#include "posta-user/user.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "common/slurp.h"

#define IMPORT_MAX (512u << 20)

static void read_input(char const *fn, char **buf, size_t *len)
{
  struct stat st;
  int fd = strcmp(fn, "-") ? open(fn, O_RDONLY | O_CLOEXEC) : 0;
  if (fd < 0) strerr_diefu2sys(111, "open ", fn);
  if (fstat(fd, &st) < 0) strerr_diefu2sys(111, "stat ", fn);
  int r = S_ISREG(st.st_mode) ? slurp_fd(fd, IMPORT_MAX, buf, len) : slurp_stream(fd, IMPORT_MAX, buf, len);
  if (r < 0 && errno == EFBIG) strerr_dief2x(100, fn, " is too large");
  if (r < 0) strerr_diefu2sys(111, "read ", fn);
  if (!S_ISREG(st.st_mode) && *len == IMPORT_MAX) strerr_dief2x(100, fn, " is too large");
  if (fd) close(fd);
}

static void refuse(char const *fn, unsigned line, char const *what, char const *why)
{
  char fmt[UINT_FMT];
  fmt[uint_fmt(fmt, line)] = 0;
  strerr_dief7x(100, fn, " line ", fmt, ": ", what, why, ": nothing imported");
}

static void parse(char const *fn, char const *buf, size_t len, imptab *t)
{
  size_t pos = 0;
  unsigned line = 0;
  while (pos < len) {
    char const *nl = memchr(buf + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - buf - pos) : len - pos;
    impline l;
    char const *why;
    int r = impline_parse(buf + pos, n, &l, &why);
    line++;
    if (r < 0) refuse(fn, line, "", why);
    if (r && imptab_add(t, l.addr, l.at, l.hash, line) < 0) strerr_diefu1sys(111, "allocate");
    pos += n + 1;
  }
  imptab_sort(t);
  unsigned first, again = imptab_repeat(t, &first);
  if (again) {
    char fmt[UINT_FMT];
    fmt[uint_fmt(fmt, first)] = 0;
    refuse(fn, again, "repeats the address of line ", fmt);
  }
}

static int cmpstr(void const *a, void const *b)
{
  return strcmp(*(char const *const *)a, *(char const *const *)b);
}

/* The table's domains, sorted, each once; *n their count. */
static char const **domains(imptab const *t, size_t *n)
{
  char const **d = malloc((t->n + 1) * sizeof *d);
  size_t k = 0;
  if (!d) strerr_diefu1sys(111, "allocate");
  for (size_t i = 0; i < t->n; i++) d[i] = imptab_addr(t, t->e + i) + t->e[i].at + 1;
  qsort(d, t->n, sizeof *d, &cmpstr);
  for (size_t i = 0; i < t->n; i++)
    if (!k || strcmp(d[k - 1], d[i])) d[k++] = d[i];
  *n = k;
  return d;
}

static int any_hash(imptab const *t)
{
  for (size_t i = 0; i < t->n; i++)
    if (t->e[i].hash) return 1;
  return 0;
}

static void apply(user_ctx *c, char const **doms, size_t nd)
{
  asv_run(c, &asv_mkboxes);
  if (any_hash(c->imp)) asv_run(c, &pwfile_import);
  ctlfile_merge("control/locals", doms, nd, 1);
  ctlfile_merge("control/rcpthosts", doms, nd, 1);
  if (user_by_root(c)) assignfile_import(c);
  else asv_run(c, &vlist_import);
}

void user_import(user_ctx *c, int argc, char const *const *argv)
{
  imptab t = IMPTAB_ZERO;
  char *buf;
  size_t len, nd;
  if (argc != 1) strerr_dieusage(100, USER_USAGE);
  user_may_change(c);
  read_input(argv[0], &buf, &len);
  parse(argv[0], buf, len, &t);
  explicit_bzero(buf, len);
  free(buf);
  c->imp = &t;
  asv_lock(c);
  char const **doms = domains(&t, &nd);
  if ((ctlfile_merge("control/locals", doms, nd, 0) || ctlfile_merge("control/rcpthosts", doms, nd, 0))
      && getuid() && !c->ro.single)
    strerr_dief1x(100, "some domains are not in control/locals and control/rcpthosts: only root may add them: nothing imported");
  apply(c, doms, nd);
  free(doms);
  imptab_free(&t);
}

static void export_as_v(user_ctx *c)
{
  imptab *t = c->imp;
  vlist_collect(c);
  imptab_sort(t);
  imptab_unique(t);
  pwfile_hashes(c);
  for (size_t i = 0; i < t->n; i++) {
    char const *a = imptab_addr(t, t->e + i), *h = imptab_hash(t, t->e + i);
    if (buffer_puts(buffer_1, a) < 0 || (*h && (buffer_put(buffer_1, ":", 1) < 0 || buffer_puts(buffer_1, h) < 0))
        || buffer_put(buffer_1, "\n", 1) < 0)
      strerr_diefu1sys(111, "write to stdout");
  }
  if (buffer_flush(buffer_1) < 0) strerr_diefu1sys(111, "write to stdout");
}

void user_export(user_ctx *c, int argc, char const *const *argv)
{
  imptab t = IMPTAB_ZERO;
  if (argc) strerr_dieusage(100, USER_USAGE);
  user_may_change(c);
  c->imp = &t;
  if (user_by_root(c)) assignfile_collect(c);
  user_read_as_v(c, &export_as_v);
  imptab_free(&t);
}
