/* injd_proto: posta-injectd's protocol parser. See injd_proto.h. */
#include "posta-injectd/injd_proto.h"

void injp_init(injp *p, uint64_t msgmax, size_t envmax)
{
  p->state = INJP_MSG_LEN;
  p->digits = 0;
  p->left = 0;
  p->total = 0;
  p->msgmax = msgmax;
  p->envmax = envmax;
}

static int bad(injp *p, int code)
{
  p->state = INJP_BAD;
  return code;
}

/* One byte of a length: 0, or a code. */
static int length(injp *p, char c, injp_sink const *k)
{
  int env = p->state == INJP_ENV_LEN;
  if (c >= '0' && c <= '9') {
    if (++p->digits > INJP_DIGITS) return bad(p, INJP_EBAD);
    p->left = p->left * 10 + (uint64_t)(c - '0');
    return 0;
  }
  if (c != ':' || !p->digits) return bad(p, INJP_EBAD);
  p->digits = 0;
  if (env) {
    if (p->left > p->envmax) return bad(p, INJP_EENV);
    p->state = p->left ? INJP_ENV_DATA : INJP_ENV_COMMA;
    return 0;
  }
  if (p->left > INJP_CHUNK_MAX) return bad(p, INJP_EBAD);
  if (p->msgmax && p->left > p->msgmax - p->total) return bad(p, INJP_EBIG);
  p->total += p->left;
  p->state = p->left ? INJP_MSG_DATA : INJP_MSG_COMMA;
  if (!p->left) {
    /* "0:" ends the message, once its comma is read */
    p->left = UINT64_MAX;
  }
  (void)k;
  return 0;
}

/* A comma: 0, or a code. */
static int comma(injp *p, char c, injp_sink const *k)
{
  int r;
  if (c != ',') return bad(p, INJP_EBAD);
  if (p->state == INJP_ENV_COMMA) { p->state = INJP_DONE; return 0; }
  if (p->left == UINT64_MAX) {
    p->left = 0;
    if ((r = k->msg_end(k->ctx))) return bad(p, r);
    p->state = INJP_ENV_LEN;
    return 0;
  }
  p->state = INJP_MSG_LEN;
  return 0;
}

/* Data bytes of the current netstring: how many were taken, or -code. */
static long data(injp *p, char const *s, size_t n, injp_sink const *k)
{
  size_t take = n < p->left ? n : (size_t)p->left;
  int r = p->state == INJP_MSG_DATA ? k->msg(k->ctx, s, take) : k->env(k->ctx, s, take);
  if (r) return -(long)bad(p, r);
  p->left -= take;
  if (!p->left) p->state = p->state == INJP_MSG_DATA ? INJP_MSG_COMMA : INJP_ENV_COMMA;
  return (long)take;
}

int injp_feed(injp *p, char const *s, size_t n, injp_sink const *k)
{
  size_t i = 0;
  while (i < n) {
    int r;
    switch (p->state) {
      case INJP_MSG_LEN: case INJP_ENV_LEN: r = length(p, s[i++], k); break;
      case INJP_MSG_COMMA: case INJP_ENV_COMMA: r = comma(p, s[i++], k); break;
      case INJP_MSG_DATA: case INJP_ENV_DATA: {
        long t = data(p, s + i, n - i, k);
        if (t < 0) return (int)-t;
        i += (size_t)t;
        r = 0;
        break;
      }
      case INJP_DONE: return bad(p, INJP_EBAD);   /* nothing may follow */
      default: return INJP_EBAD;
    }
    if (r) return r;
  }
  return 0;
}
