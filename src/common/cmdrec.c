/* cmdrec: operators' requests to posta-send. See cmdrec.h. */
#include "common/cmdrec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int cmdrec_op_valid(char op)
{
  return op && strchr("hrxf", op) != 0;
}

void cmdrec_path(char *buf, uint64_t id)
{
  snprintf(buf, CMDREC_PATH_MAX, CMDREC_DIR "/%llu", (unsigned long long)id);
}

int cmdrec_parse(cmdrec *out, char const *buf, size_t len)
{
  rec r;
  char const *f;
  size_t n;
  unsigned seen = 0;
  cmdrec c = { 0, 0, 0 };
  if (rec_parse(&r, buf, len, CMDREC_KIND, CMDREC_VERSION) < 0) return -1;
  while ((f = rec_next(&r, &n))) {
    unsigned bit = f[0] == 'o' ? 1 : f[0] == 't' ? 2 : f[0] == 'u' ? 4 : 0;
    if (!bit) continue;          /* a later version's field: skipped */
    if (seen & bit) goto bad;
    seen |= bit;
    if (bit == 1) {
      if (n != 2 || !cmdrec_op_valid(f[1])) goto bad;
      c.op = f[1];
    } else if (rec_num_strict(f + 1, bit == 2 ? &c.t : &c.uid) < 0) goto bad;
  }
  if (seen != 7) goto bad;
  *out = c;
  return 0;
bad:
  errno = EPROTO;
  return -1;
}

int cmdrec_build(rec_buf *b, cmdrec const *c)
{
  char op[2] = { c->op, 0 };
  if (!cmdrec_op_valid(c->op)) { errno = EINVAL; return -1; }
  rec_start(b, CMDREC_KIND, CMDREC_VERSION);
  rec_add(b, 'o', op);
  rec_addu(b, 't', c->t);
  rec_addu(b, 'u', c->uid);
  return rec_finish(b);
}
