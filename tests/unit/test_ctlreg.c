/* Unit tests for src/common/ctlreg.c: the settings registry cannot drift
 * from the sources. Every "control/NAME" that src/ or svc/ names is in the
 * registry, the program (or service) whose folder names it is among its
 * users, every entry is used by someone, and the defaults agree with the
 * ones the programs' headers define. Runs from the top of the source tree
 * (make check does), or with POSTA_TOP set to it. */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/ctlreg.h"
#include "unit.h"

#define USES_MAX 4096

/* One mention of a control file: which file, and the folder it is in
 * ("posta-send" for src/posta-send/..., "svc/posta-smtpd", or "" for the
 * libraries src/common, src/sk, src/owf). */
typedef struct use_s use;
struct use_s {
  char name[64];
  char who[64];
  char where[256];
};

static use uses[USES_MAX];
static unsigned nuses;
static char top[4096];

static void who_of(char const *rel, char *who, size_t size)
{
  char const *p = rel;
  who[0] = 0;
  if (!strncmp(p, "src/", 4)) {
    p += 4;
    size_t n = strcspn(p, "/");
    if ((n == 6 && !strncmp(p, "common", 6)) || (n == 2 && (!strncmp(p, "sk", 2) || !strncmp(p, "owf", 2)))) return;
    snprintf(who, size, "%.*s", (int)n, p);
  } else if (!strncmp(p, "svc/", 4)) {
    size_t n = strcspn(p + 4, "/");
    snprintf(who, size, "svc/%.*s", (int)n, p + 4);
  }
}

static int is_name_byte(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

/* A string that ends where a registered name goes on: a name built in
 * pieces, such as "control/concurrency" followed by "local". */
static int prefix_only(char const *s, size_t n)
{
  for (unsigned i = 0; i < ctlreg_len; i++)
    if (strlen(ctlreg_table[i].name) > n && !strncmp(ctlreg_table[i].name, s, n)) return 1;
  return 0;
}

static void scan_text(char const *rel, char const *s, size_t len)
{
  char const *end = s + len;
  for (char const *p = s; (p = memmem(p, (size_t)(end - p), "control/", 8)); p += 8) {
    char const *q = p + 8;
    size_t n = 0;
    while (q + n < end && is_name_byte(q[n])) n++;
    while (n && q[n - 1] == '.') n--;          /* a sentence's full stop */
    if (!n || n >= sizeof uses[0].name) continue;
    if (n > 4 && !strncmp(q + n - 4, ".tmp", 4)) continue;   /* tcprules' temporary file */
    if (q + n < end && q[n] == '"' && prefix_only(q, n)) continue;   /* "control/concurrency", name */
    assert_true(nuses < USES_MAX);
    use *u = &uses[nuses++];
    memcpy(u->name, q, n);
    u->name[n] = 0;
    who_of(rel, u->who, sizeof u->who);
    snprintf(u->where, sizeof u->where, "%s", rel);
  }
}

static int visit(char const *path, struct stat const *st, int type, struct FTW *f)
{
  (void)f;
  if (type != FTW_F || !S_ISREG(st->st_mode)) return 0;
  char const *rel = path + strlen(top) + 1;
  size_t n = strlen(rel);
  if (!strncmp(rel, "src/", 4) && !(n > 2 && (!strcmp(rel + n - 2, ".c") || !strcmp(rel + n - 2, ".h")))) return 0;
  FILE *fp = fopen(path, "rb");
  if (!fp) return 0;
  static char buf[1 << 20];
  size_t len = fread(buf, 1, sizeof buf, fp);
  fclose(fp);
  scan_text(rel, buf, len);
  return 0;
}

static int setup(void **state)
{
  (void)state;
  char const *e = getenv("POSTA_TOP");
  char path[4200];
  struct stat st;
  if (e) snprintf(top, sizeof top, "%s", e);
  else if (!getcwd(top, sizeof top)) return -1;
  snprintf(path, sizeof path, "%s/src/common/ctlreg.c", top);
  if (stat(path, &st) < 0) {
    fprintf(stderr, "test_ctlreg: run it from the top of the source tree, or set POSTA_TOP\n");
    return -1;
  }
  nuses = 0;
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/src", top);
  if (nftw(dir, visit, 16, FTW_PHYS) < 0) return -1;
  snprintf(dir, sizeof dir, "%s/svc", top);
  if (nftw(dir, visit, 16, FTW_PHYS) < 0) return -1;
  return nuses ? 0 : -1;
}

static int has_word(char const *list, char const *w)
{
  size_t n = strlen(w);
  for (char const *p = list; (p = strstr(p, w)); p += n)
    if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n])) return 1;
  return 0;
}

static void every_file_named_is_registered(void **state)
{
  (void)state;
  unsigned bad = 0;
  for (unsigned i = 0; i < nuses; i++) {
    ctlreg_entry const *e = ctlreg_find(uses[i].name);
    if (!e) {
      fprintf(stderr, "control/%s (named in %s) is not in src/common/ctlreg.c\n", uses[i].name, uses[i].where);
      bad++;
    } else if (uses[i].who[0] && !has_word(e->users, uses[i].who)) {
      fprintf(stderr, "control/%s is named in %s, but ctlreg.c does not list %s among its users\n",
              uses[i].name, uses[i].where, uses[i].who);
      bad++;
    }
  }
  assert_int_equal(bad, 0);
}

static void every_entry_is_used(void **state)
{
  (void)state;
  unsigned bad = 0;
  for (unsigned i = 0; i < ctlreg_len; i++) {
    ctlreg_entry const *e = &ctlreg_table[i];
    unsigned n = 0;
    for (unsigned j = 0; j < nuses; j++) n += !strcmp(uses[j].name, e->name);
    /* an entry without users documents a setting no program reads yet:
     * then nothing may name it */
    if (!n != !e->users[0]) {
      fprintf(stderr, "control/%s: named %u times in src/ and svc/, but its users are \"%s\"\n", e->name, n, e->users);
      bad++;
    }
    /* every user is a program or a service that exists */
    char words[512];
    snprintf(words, sizeof words, "%s", e->users);
    for (char *w = strtok(words, " "); w; w = strtok(0, " ")) {
      char path[4700];
      struct stat st;
      snprintf(path, sizeof path, "%s/%s%s", top, strncmp(w, "svc/", 4) ? "src/" : "", w);
      if (stat(path, &st) < 0) { fprintf(stderr, "control/%s: user %s does not exist\n", e->name, w); bad++; }
    }
    for (unsigned j = 0; j < i; j++) assert_string_not_equal(ctlreg_table[j].name, e->name);
    assert_non_null(e->meaning);
    assert_true(e->meaning[0]);
    assert_null(strchr(e->meaning, '\n'));
  }
  assert_int_equal(bad, 0);
}

static unsigned long number(char const *name)
{
  ctlreg_entry const *e = ctlreg_find(name);
  char *end;
  assert_non_null(e);
  assert_int_equal(e->kind, CTLREG_NUMBER);
  unsigned long v = strtoul(e->dflt, &end, 10);
  assert_true(e->dflt[0] && !*end);
  return v;
}

/* The text of "#define MACRO TEXT" in a source file (its comment cut), so
 * that headers of programs on both base libraries need not meet here. */
static char const *defined(char const *rel, char const *macro)
{
  static char buf[1 << 16], out[256];
  char path[4400];
  snprintf(path, sizeof path, "%s/%s", top, rel);
  FILE *fp = fopen(path, "r");
  if (!fp) { fprintf(stderr, "%s: %s\n", path, strerror(errno)); fail(); }
  size_t len = fread(buf, 1, sizeof buf - 1, fp);
  fclose(fp);
  buf[len] = 0;
  for (char *line = strtok(buf, "\n"); line; line = strtok(0, "\n")) {
    char name[128];
    int n = 0;
    if (sscanf(line, " #define %127s %n", name, &n) != 1 || strcmp(name, macro)) continue;
    snprintf(out, sizeof out, "%s", line + n);
    char *c = strstr(out, "/*");
    if (c) *c = 0;
    for (size_t k = strlen(out); k && (out[k - 1] == ' ' || out[k - 1] == '\t'); k--) out[k - 1] = 0;
    return out;
  }
  fprintf(stderr, "%s defines no %s\n", rel, macro);
  fail();
  return 0;
}

static unsigned long long defined_number(char const *rel, char const *macro)
{
  char const *t = defined(rel, macro);
  char *end;
  unsigned long long v = strtoull(t, &end, 10);
  while (*end == 'U' || *end == 'L') end++;
  if (!*t || *end) { fprintf(stderr, "%s: %s is not a number: %s\n", rel, macro, t); fail(); }
  return v;
}

/* Where each program keeps its default of a numeric setting. */
static struct { char const *name, *file, *macro; } const program_defaults[] = {
  { "concurrencylocal", "src/posta-send/settings.h", "CONC_LOCAL_DEFAULT" },
  { "concurrencylocal", "src/posta-lspawn/lspawn.h", "LSPAWN_SLOTS_DEFAULT" },
  { "concurrencyremote", "src/posta-send/settings.h", "CONC_REMOTE_DEFAULT" },
  { "concurrencyremote", "src/posta-rspawn/rspawn.h", "RSPAWN_CONCURRENCY" },
  { "concurrencydomain", "src/posta-send/dest.h", "DEST_CONCURRENCY_DEFAULT" },
  { "concurrencymailbox", "src/posta-send/settings.h", "CONC_MAILBOX_DEFAULT" },
  { "timeoutlocal", "src/posta-local/local.h", "LOCAL_TIMEOUT_DEFAULT" },
  { "queuelifetime", "src/posta-send/settings.h", "LIFETIME_DEFAULT" },
  { "delaywarning", "src/posta-send/settings.h", "DELAYWARNING_DEFAULT" },
  { "queuelifetime", "src/posta-bounce/bounce.h", "BOUNCE_LIFETIME" },
  { "maxrcpt", "src/posta-queue/qq.h", "QQ_MAXRCPT" },
  { "queueminfree", "src/posta-queue/qq.h", "QQ_MINFREE" },
  { "timeoutconnect", "src/posta-remote/config.h", "CONFIG_TIMEOUTCONNECT" },
  { "timeoutremote", "src/posta-remote/config.h", "CONFIG_TIMEOUTREMOTE" },
  { "timeoutdns", "src/posta-remote/config.h", "CONFIG_TIMEOUTDNS" },
  { "bouncemaxbytes", "src/common/dsn.h", "DSN_LIMIT_DEFAULT" },
  { "maxrcpt", "src/posta-smtpd/smtpd_config.c", "MAXRCPT_DEFAULT" },
  { "queueminfree", "src/posta-smtpd/smtpd_config.c", "MINFREE_DEFAULT" },
  { "timeoutsmtpd", "src/posta-smtpd/smtpd_config.c", "TIMEOUT_DEFAULT" },
  { "maxline", "src/posta-smtpd/smtpd_config.c", "LINEMAX_DEFAULT" },
  { "maxbadrcpt", "src/posta-smtpd/smtpd_config.c", "MAXBADRCPT_DEFAULT" },
  { "badrcptdelay", "src/posta-smtpd/smtpd_config.c", "BADRCPTDELAY_DEFAULT" },
  { "authfailmax", "src/posta-smtpd/smtpd_authfail.h", "AUTHFAIL_MAX_DEFAULT" },
  { "authfailwindow", "src/posta-smtpd/smtpd_authfail.h", "AUTHFAIL_WINDOW_DEFAULT" },
  { "authfailpenalty", "src/posta-smtpd/smtpd_authfail.h", "AUTHFAIL_PENALTY_DEFAULT" },
  { "timeoutsmtpd", "src/posta-tlsd/tlsd.h", "TLSD_TIMEOUT_DEFAULT" },
};

static void defaults_agree_with_the_programs(void **state)
{
  (void)state;
  unsigned bad = 0;
  for (unsigned i = 0; i < sizeof program_defaults / sizeof *program_defaults; i++) {
    unsigned long long v = defined_number(program_defaults[i].file, program_defaults[i].macro);
    if (v != number(program_defaults[i].name)) {
      fprintf(stderr, "control/%s: the registry says %lu, %s's %s is %llu\n", program_defaults[i].name,
              number(program_defaults[i].name), program_defaults[i].file, program_defaults[i].macro, v);
      bad++;
    }
  }
  assert_int_equal(bad, 0);
  /* the retry schedule, step by step: "{ 60, 300, ... }" */
  char want[256] = "";
  for (char const *p = defined("src/posta-send/retrysched.h", "RETRYSCHED_DEFAULT"); *p; p++)
    if ((*p >= '0' && *p <= '9') || (strlen(want) && want[strlen(want) - 1] != ' ' && *p == ','))
      snprintf(want + strlen(want), sizeof want - strlen(want), "%c", *p == ',' ? ' ' : *p);
  assert_string_equal(ctlreg_find("retryschedule")->dflt, want);
  /* every number default is a number */
  for (unsigned i = 0; i < ctlreg_len; i++)
    if (ctlreg_table[i].kind == CTLREG_NUMBER) number(ctlreg_table[i].name);
}

UNIT_MAIN(setup, 0,
    cmocka_unit_test(every_file_named_is_registered),
    cmocka_unit_test(every_entry_is_used),
    cmocka_unit_test(defaults_agree_with_the_programs),
)
