/* progenv: qmail-command(8)'s environment. See progenv.h. Never exits. */
#include "posta-local/progenv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char const *const names[] = {
  "SENDER", "NEWSENDER", "RECIPIENT", "USER", "HOME", "LOCAL", "HOST", "HOST2", "HOST3",
  "HOST4", "EXT", "EXT2", "EXT3", "EXT4", "DEFAULT", "DTLINE", "RPLINE", "UFLINE", 0,
};

/* Only the *LINE values keep their final LF. */
static int add(stralloc *sa, char const *name, char const *v, size_t n)
{
  int line = strstr(name, "LINE") != 0;
  if (!stralloc_cats(sa, name) || !stralloc_append(sa, '=')) return -1;
  for (size_t i = 0; i < n; i++) {
    char ch = v[i];
    if (!ch) break;
    if (((unsigned char)ch < 0x20 || ch == 0x7f) && !(line && ch == '\n' && i == n - 1)) ch = '_';
    if (!stralloc_append(sa, ch)) return -1;
  }
  return stralloc_0(sa) ? 0 : -1;
}

static int add_s(stralloc *sa, char const *name, char const *v)
{
  return add(sa, name, v, strlen(v));
}

/* HOST without its last k parts: the whole HOST when it has too few dots */
static int add_host(stralloc *sa, char const *name, char const *host, unsigned k)
{
  size_t n = strlen(host);
  for (unsigned i = 0; i < k; i++) {
    char const *dot = memrchr(host, '.', n);
    if (!dot) break;
    n = (size_t)(dot - host);
  }
  return add(sa, name, host, n);
}

/* EXT after its first k dashes, empty when there are fewer */
static int add_ext(stralloc *sa, char const *name, char const *ext, unsigned k)
{
  for (unsigned i = 0; i < k && *ext; i++) {
    char const *d = strchr(ext, '-');
    ext = d ? d + 1 : ext + strlen(ext);
  }
  return add_s(sa, name, ext);
}

static int ours(char const *var)
{
  for (char const *const *n = names; *n; n++) {
    size_t k = strlen(*n);
    if (!strncmp(var, *n, k) && var[k] == '=') return 1;
  }
  return 0;
}

static int fill(local_ctx const *c, stralloc *sa)
{
  if (add_s(sa, "SENDER", c->sender) < 0 || add_s(sa, "NEWSENDER", c->sender) < 0
      || add_s(sa, "RECIPIENT", c->rcpt.s) < 0 || add_s(sa, "USER", c->user) < 0
      || add_s(sa, "HOME", c->home) < 0 || add_s(sa, "LOCAL", c->local) < 0
      || add_s(sa, "HOST", c->domain) < 0 || add_host(sa, "HOST2", c->domain, 1) < 0
      || add_host(sa, "HOST3", c->domain, 2) < 0 || add_host(sa, "HOST4", c->domain, 3) < 0
      || add_s(sa, "EXT", c->ext) < 0 || add_ext(sa, "EXT2", c->ext, 1) < 0
      || add_ext(sa, "EXT3", c->ext, 2) < 0 || add_ext(sa, "EXT4", c->ext, 3) < 0
      || (c->dflt >= 0 && add_s(sa, "DEFAULT", c->ext + c->dflt) < 0)
      || add(sa, "DTLINE", c->dtline.s, c->dtline.len) < 0 || add(sa, "RPLINE", c->rpline.s, c->rpline.len) < 0
      || add(sa, "UFLINE", c->ufline.s, c->ufline.len) < 0) return -1;
  return 0;
}

int progenv_build(local_ctx const *c, char const *const *base, stralloc *sa, char const ***envp)
{
  size_t nbase = 0, n = 0;
  sa->len = 0;
  if (fill(c, sa) < 0) { errno = ENOMEM; return -1; }
  for (size_t i = 0; i < sa->len; i++) if (!sa->s[i]) n++;
  while (base && base[nbase]) nbase++;
  char const **env = malloc((n + nbase + 1) * sizeof *env);
  if (!env) return -1;
  size_t k = 0;
  for (size_t i = 0; i < sa->len; i += strlen(sa->s + i) + 1) env[k++] = sa->s + i;
  for (size_t i = 0; i < nbase; i++)
    if (!ours(base[i])) env[k++] = base[i];
  env[k] = 0;
  *envp = env;
  return 0;
}
