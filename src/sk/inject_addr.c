/* inject_addr: RFC 5322 address lists into envelope addresses. See
 * inject_addr.h. A lexer (whitespace, comments, quoted strings, literals,
 * atoms, specials) feeds a small state machine (display name, angle
 * address, source route, group). Returns counts or -1 with errno. */
#include "sk/inject_addr.h"

#include <errno.h>
#include <string.h>

enum { TOK_END, TOK_WORD, TOK_SPECIAL };

typedef struct lex_s lex;
struct lex_s {
  char const *s;
  size_t len;
  size_t pos;
  stralloc val;     /* a word's value, quotes removed */
  char special;
};

static int is_ctl(unsigned char c)
{
  return c < 0x20 || c == 0x7f;
}

static int is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_special(char c)
{
  return c && strchr("()<>[]:;@,.\"", c) != 0;
}

/* Skips whitespace and comments: 0, or -1 for an unclosed comment. */
static int skip(lex *x)
{
  while (x->pos < x->len) {
    char c = x->s[x->pos];
    if (is_space(c)) { x->pos++; continue; }
    if (c != '(') return 0;
    unsigned depth = 0;
    do {
      c = x->s[x->pos++];
      if (c == '\\') x->pos++;
      else if (c == '(') depth++;
      else if (c == ')') depth--;
    } while (depth && x->pos < x->len);
    if (depth || x->pos > x->len) return -1;
  }
  return 0;
}

/* A quoted string or a domain literal from x->pos (on its opening char) up
 * to close: quoted pairs unescaped, folding removed; keep says whether the
 * delimiters stay in the value. 0, or -1 with errno (EINVAL unclosed or a
 * control character, ENOMEM). */
static int delimited(lex *x, char close, int keep)
{
  char open = x->s[x->pos++];
  if (keep && !stralloc_append(&x->val, open)) return -1;
  while (x->pos < x->len) {
    char c = x->s[x->pos++];
    if (c == close) return keep && !stralloc_append(&x->val, close) ? -1 : 0;
    if (c == '\r' || c == '\n') continue;
    if (c == '\\') {
      if (x->pos >= x->len) break;
      c = x->s[x->pos++];
    } else if (close == ']' && c == '[') break;
    if (is_ctl((unsigned char)c) && c != '\t') break;
    if (!stralloc_append(&x->val, c)) return -1;
  }
  errno = EINVAL;
  return -1;
}

static int lex_next(lex *x)
{
  x->val.len = 0;
  if (skip(x) < 0) { errno = EINVAL; return -1; }
  if (x->pos >= x->len) return TOK_END;
  char c = x->s[x->pos];
  if (is_ctl((unsigned char)c)) { errno = EINVAL; return -1; }
  if (c == '"') return delimited(x, '"', 0) < 0 ? -1 : TOK_WORD;
  if (c == '[') return delimited(x, ']', 1) < 0 ? -1 : TOK_WORD;
  if (c == ')' || c == ']') { errno = EINVAL; return -1; }
  if (is_special(c)) {
    x->special = c;
    x->pos++;
    return TOK_SPECIAL;
  }
  size_t start = x->pos;
  while (x->pos < x->len) {
    c = x->s[x->pos];
    if (is_space(c) || is_special(c) || is_ctl((unsigned char)c)) break;
    x->pos++;
  }
  return stralloc_catb(&x->val, x->s + start, x->pos - start) ? TOK_WORD : -1;
}

typedef struct parse_s parse;
struct parse_s {
  stralloc cur;     /* outside angles: an addr-spec or a display name */
  stralloc ang;     /* inside angles */
  int in_angle;
  int saw_angle;    /* this mailbox had <...> */
  int in_group;
  int last_word;    /* the previous token was a word */
  int words;        /* two words met with nothing between them in cur */
  int n;            /* addresses emitted */
};

static int fail(int e)
{
  errno = e;
  return -1;
}

/* Ends one mailbox: emits its address, if any. */
static int flush(parse *p, stralloc *out)
{
  stralloc const *a = p->saw_angle ? &p->ang : &p->cur;
  if (p->saw_angle && p->cur.len) return fail(EINVAL);   /* words after '>' */
  if (!p->saw_angle && p->words) return fail(EINVAL);    /* "a b", not an address */
  if (a->len > INJECT_ADDR_MAX) return fail(ENAMETOOLONG);
  if (a->len) {
    if (memchr(a->s, 0, a->len)) return fail(EINVAL);
    if (!stralloc_catb(out, a->s, a->len) || !stralloc_0(out)) return -1;
    p->n++;
  }
  p->cur.len = p->ang.len = 0;
  p->saw_angle = p->words = p->last_word = 0;
  return 0;
}

static int word(parse *p, lex const *x)
{
  if (p->in_angle) {
    if (p->last_word) return fail(EINVAL);
    if (!stralloc_catb(&p->ang, x->val.s, x->val.len)) return -1;
  } else {
    if (p->last_word) p->words = 1;
    if (!stralloc_catb(&p->cur, x->val.s, x->val.len)) return -1;
  }
  p->last_word = 1;
  return 0;
}

/* What each special character does to the state. */
static int special(parse *p, char c, stralloc *out)
{
  stralloc *t = p->in_angle ? &p->ang : &p->cur;
  p->last_word = 0;
  switch (c) {
  case '.':
  case '@':
    return stralloc_append(t, c) ? 0 : -1;
  case '<':
    if (p->in_angle || p->saw_angle) return fail(EINVAL);
    p->in_angle = 1;
    p->cur.len = p->ang.len = 0;      /* what came before was a display name */
    p->words = 0;
    return 0;
  case '>':
    if (!p->in_angle) return fail(EINVAL);
    p->in_angle = 0;
    p->saw_angle = 1;
    return 0;
  case ':':
    if (p->in_angle) { p->ang.len = 0; return 0; }     /* end of a source route */
    if (p->in_group || p->saw_angle) return fail(EINVAL);
    p->in_group = 1;
    p->cur.len = 0;
    p->words = 0;
    return 0;
  case ',':
    if (p->in_angle) { p->ang.len = 0; return 0; }     /* inside a source route */
    return flush(p, out);
  case ';':
    if (p->in_angle) return fail(EINVAL);
    p->in_group = 0;
    return flush(p, out);
  }
  return fail(EINVAL);
}

int inject_addr_list(char const *s, size_t len, stralloc *out)
{
  lex x = { .s = s, .len = len, .pos = 0, .val = STRALLOC_ZERO, .special = 0 };
  parse p = { .cur = STRALLOC_ZERO, .ang = STRALLOC_ZERO };
  size_t old = out->len;
  int r;
  for (;;) {
    int t = lex_next(&x);
    if (t < 0) { r = -1; break; }
    if (t == TOK_END) {
      r = p.in_angle ? fail(EINVAL) : flush(&p, out);
      break;
    }
    r = t == TOK_WORD ? word(&p, &x) : special(&p, x.special, out);
    if (r < 0) break;
  }
  int e = errno;
  stralloc_free(&x.val);
  stralloc_free(&p.cur);
  stralloc_free(&p.ang);
  if (r < 0) {
    out->len = old;
    errno = e;
    return -1;
  }
  return p.n;
}
