/* inject_run: local submission from input to queue. See inject_run.h.
 * The header is read (bounded) and fixed before the injector starts; the
 * body then streams through in 64 KiB pieces, so a message of any size
 * costs constant memory. */
#include "sk/inject_run.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <skalibs/stralloc.h>

#include "common/durable.h"
#include "common/envelope.h"
#include "common/home.h"
#include "sk/inject_addr.h"
#include "sk/inject_head.h"
#include "sk/inject_host.h"
#include "sk/inject_in.h"
#include "sk/inject_make.h"
#include "sk/inject_qq.h"
#include "sk/inject_rcpt.h"

#define PIECE 65536

typedef struct run_s run;
struct run_s {
  inject_opts const *o;
  inject_err *err;
  char const *home;
  inject_hosts hosts;
  time_t now;
  stralloc from;      /* the From value to add when missing */
  stralloc sender;
  stralloc head;      /* as read */
  stralloc out;       /* what goes to the injector next */
  stralloc found;     /* addresses found, before completion */
  stralloc rcpts;     /* completed, deduplicated */
  inject_in in;
};

/* A copy of s fit for an error line: no control character, at most 80
 * bytes. */
static void shown(char *dst, size_t size, char const *s, size_t len)
{
  size_t n = 0;
  for (size_t i = 0; i < len && n + 4 < size && n < 80; i++)
    dst[n++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
  if (len > n && n + 4 < size) { memcpy(dst + n, "...", 3); n += 3; }
  dst[n] = 0;
}

static int fail(run *r, int code, int errnum, char const *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->err->text, sizeof r->err->text, fmt, ap);
  va_end(ap);
  r->err->errnum = errnum;
  return code;
}

static char const *env_clean(char const *name)
{
  char const *v = getenv(name);
  if (!v || !*v) return 0;
  for (char const *s = v; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 0;
  return v;
}

/* The user's address and full name: the From to add. */
static int who(run *r)
{
  char gecos[256] = "";
  struct passwd *pw;
  stralloc addr = STRALLOC_ZERO;
  char const *user = env_clean("QMAILUSER");
  char const *name = r->o->fullname;
  if (!user) user = env_clean("MAILUSER");
  errno = 0;
  pw = getpwuid(getuid());
  if (!user && !pw) return fail(r, 111, errno, "find the name of uid %lu", (unsigned long)getuid());
  if (!user) user = pw->pw_name;
  if (!name) name = env_clean("QMAILNAME");
  if (!name) name = env_clean("MAILNAME");
  if (!name) name = env_clean("NAME");
  if (!name && pw && pw->pw_gecos) {
    snprintf(gecos, sizeof gecos, "%.*s", (int)strcspn(pw->pw_gecos, ","), pw->pw_gecos);
    name = gecos;
  }
  if (inject_host_fix(&r->hosts, user, strlen(user), &addr) < 0 || !stralloc_0(&addr))
    return fail(r, 111, errno, "make the From address of %s", user);
  if (r->o->sender == 0 && !stralloc_copy(&r->sender, &addr)) return fail(r, 111, errno, "make the sender");
  int e = inject_make_from(&r->from, name ? name : "", addr.s) < 0 || !stralloc_0(&r->from);
  stralloc_free(&addr);
  return e ? fail(r, 111, errno, "make the From field") : 0;
}

/* -f: "" and "<>" are the null sender, else exactly one address. */
static int sender(run *r)
{
  char const *s = r->o->sender;
  char show[128];
  if (!s) return 0;
  r->sender.len = 0;
  if (!*s || !strcmp(s, "<>")) return stralloc_0(&r->sender) ? 0 : fail(r, 111, errno, "make the sender");
  shown(show, sizeof show, s, strlen(s));
  r->found.len = 0;
  int n = inject_addr_list(s, strlen(s), &r->found);
  if (n != 1) return fail(r, 100, n < 0 ? errno : 0, "use the sender address %s", show);
  if (inject_host_fix(&r->hosts, r->found.s, r->found.len - 1, &r->sender) < 0 || !stralloc_0(&r->sender))
    return fail(r, 100, errno, "use the sender address %s", show);
  if (!envelope_addr_ok(r->sender.s, r->sender.len - 1))
    return fail(r, 100, 0, "use the sender address %s: it holds control characters", show);
  return 0;
}

/* Reads and fixes the header into r->out; header recipients into found. */
static int header(run *r, int want)
{
  char date[64], msgid[INJECT_HOST_MAX + 64], show[128];
  stralloc rest = STRALLOC_ZERO;
  inject_fix f = { .from = r->from.s, .date = date, .msgid = msgid };
  if (inject_head_read(&r->in, &r->head, &rest, INJECT_HEAD_MAX) < 0) {
    int e = errno;
    stralloc_free(&rest);
    if (e == EFBIG) return fail(r, 100, 0, "read the message: its header is longer than 1 MiB");
    return fail(r, 111, e, "read the message");
  }
  if (!inject_make_date(date, sizeof date, r->now)
      || !inject_make_msgid(msgid, sizeof msgid, r->now, getpid(), r->hosts.idhost)) {
    stralloc_free(&rest);
    return fail(r, 111, 0, "format the Date and Message-ID fields");
  }
  r->found.len = 0;
  int e = inject_head_fix(r->head.s, r->head.len, &f, &r->out, want ? &r->found : 0) < 0
          || !stralloc_cat(&r->out, &rest);
  stralloc_free(&rest);
  if (!e) return 0;
  if (errno == ENOMEM || !f.bad) return fail(r, 111, errno, "fix the header");
  shown(show, sizeof show, f.bad, f.badlen);
  return fail(r, 100, errno, "read the addresses of the header field %s", show);
}

static int add_args(run *r)
{
  char show[128];
  char const *bad;
  for (size_t i = 0; i < r->o->nargs; i++) {
    char const *a = r->o->args[i];
    shown(show, sizeof show, a, strlen(a));
    r->found.len = 0;
    if (inject_addr_list(a, strlen(a), &r->found) < 0)
      return fail(r, 100, errno, "read the recipient address %s", show);
    if (inject_rcpt_add(&r->hosts, r->found.s, r->found.len, &r->rcpts, &bad) < 0)
      return fail(r, 100, errno, "use the recipient address %s", show);
  }
  return 0;
}

/* The recipients, from where the options say; header ones are in found. */
static int recipients(run *r, int want_header)
{
  char show[128];
  char const *bad;
  stralloc hdr = STRALLOC_ZERO;
  int e = 0;
  if (want_header && !stralloc_copy(&hdr, &r->found)) return fail(r, 111, errno, "list the recipients");
  if (r->o->rcpts != INJECT_RCPT_HEADER) e = add_args(r);
  if (!e && want_header && inject_rcpt_add(&r->hosts, hdr.s, hdr.len, &r->rcpts, &bad) < 0) {
    shown(show, sizeof show, bad, strlen(bad));
    e = fail(r, 100, errno, "use the recipient address %s", show);
  }
  stralloc_free(&hdr);
  if (e) return e;
  if (inject_rcpt_dedupe(&r->rcpts) < 0) return fail(r, 111, errno, "list the recipients");
  if (!r->rcpts.len) return fail(r, 100, 0, "queue the message: no recipients");
  return 0;
}

/* Streams what is in r->out, then the rest of the input, to fd. 0, or
 * 1 a write failed (the injector's exit code says why), or -1 a read
 * failed (errno). */
static int stream(run *r, int fd)
{
  int whole, n;
  char last = r->out.len ? r->out.s[r->out.len - 1] : '\n';
  for (;;) {
    if (r->out.len >= PIECE || (r->in.eof && r->out.len)) {
      if (durable_write_all(fd, r->out.s, r->out.len) < 0) return 1;
      r->out.len = 0;
    }
    if (r->in.eof) break;
    n = inject_in_line(&r->in, &r->out, PIECE, &whole);
    if (n < 0) return -1;
    if (n) last = r->out.s[r->out.len - 1];
  }
  /* a message ends with a line end */
  if (last != '\n' && durable_write_all(fd, "\n", 1) < 0) return 1;
  return 0;
}

static int deliver(run *r)
{
  stralloc env = STRALLOC_ZERO;
  char prog[PATH_MAX];
  inject_qq q;
  char const *qmq = env_clean("QMAILQUEUE");
  if (r->o->print) {
    if (stream(r, 1)) return fail(r, 111, errno, "write the message");
    return 0;
  }
  if (inject_rcpt_envelope(&env, r->sender.s, r->rcpts.s, r->rcpts.len) < 0)
    return fail(r, 111, errno, "build the envelope");
  if (qmq) snprintf(prog, sizeof prog, "%s", qmq);
  else snprintf(prog, sizeof prog, "%s/bin/posta-queue", r->home);
  if (inject_qq_start(&q, prog) < 0) {
    stralloc_free(&env);
    return fail(r, 111, errno, "run %s", prog);
  }
  int s = stream(r, q.msg);
  if (s < 0) {
    int e = errno;
    inject_qq_abort(&q);
    stralloc_free(&env);
    return fail(r, 111, e, "read the message");
  }
  int code = inject_qq_finish(&q, env.s, env.len);
  stralloc_free(&env);
  if (code < 0) return fail(r, 111, errno, "wait for %s", prog);
  if (!code) return 0;
  return fail(r, inject_qq_permanent(code) ? 100 : 111, 0, "queue the message: %s (%s exit %d)",
              inject_qq_text(code), prog, code);
}

int inject_run(inject_opts const *o, inject_err *err)
{
  char const *failed = "";
  int code;
  run *r = calloc(1, sizeof *r);
  if (!r) { err->errnum = ENOMEM; snprintf(err->text, sizeof err->text, "start"); return 111; }
  r->o = o;
  r->err = err;
  r->home = home_get();
  r->now = time(0);
  err->errnum = 0;
  /* a write to a dead injector must fail with EPIPE, not kill us */
  signal(SIGPIPE, SIG_IGN);
  inject_in_init(&r->in, 0, o->dot);
  int want_header = o->rcpts == INJECT_RCPT_HEADER || o->rcpts == INJECT_RCPT_BOTH
                    || (o->rcpts == INJECT_RCPT_ARGS_OR_HEADER && !o->nargs);
  if (inject_host_load(&r->hosts, r->home, &failed) < 0)
    code = fail(r, 111, errno, "read %s/%s", r->home, failed);
  else if (!(code = who(r)) && !(code = sender(r)) && !(code = header(r, want_header))
           && !(code = o->print ? 0 : recipients(r, want_header)))
    code = deliver(r);
  stralloc_free(&r->from);
  stralloc_free(&r->sender);
  stralloc_free(&r->head);
  stralloc_free(&r->out);
  stralloc_free(&r->found);
  stralloc_free(&r->rcpts);
  inject_host_free(&r->hosts);
  free(r);
  return code;
}
