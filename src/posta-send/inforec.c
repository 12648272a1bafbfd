/* inforec: the info record. See inforec.h. */
#include "posta-send/inforec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int flag(char const *s, int *v)
{
  if ((s[0] != '0' && s[0] != '1') || s[1]) return -1;
  *v = s[0] == '1';
  return 0;
}

int inforec_parse(info *out, char const *buf, size_t len)
{
  static char const tags[] = "Ftusdhx";
  unsigned seen = 0;
  rec r;
  char const *f;
  char const *sender = 0;
  info i = INFO_ZERO;
  if (rec_parse(&r, buf, len, INFOREC_KIND, INFOREC_VERSION) < 0) return -1;
  while ((f = rec_next(&r, 0))) {
    char const *p = strchr(tags, f[0]);
    int bad = 0;
    if (!p || (seen & (1u << (p - tags)))) goto bad;
    seen |= 1u << (p - tags);
    switch (f[0]) {  /* seven fields of three types: a table would be longer */
      case 'F': sender = f + 1; break;
      case 't': bad = rec_num_strict(f + 1, &i.t); break;
      case 'u': bad = rec_num_strict(f + 1, &i.uid); break;
      case 's': bad = rec_num_strict(f + 1, &i.size); break;
      case 'd': bad = rec_num_strict(f + 1, &i.d); break;
      case 'h': bad = flag(f + 1, &i.h); break;
      default: bad = flag(f + 1, &i.x); break;
    }
    if (bad) goto bad;
  }
  if (seen != (1u << 7) - 1) goto bad;
  i.sender = strdup(sender);
  if (!i.sender) return -1;
  inforec_free(out);
  *out = i;
  return 0;
bad:
  errno = EPROTO;
  return -1;
}

int inforec_build(rec_buf *b, info const *i)
{
  rec_start(b, INFOREC_KIND, INFOREC_VERSION);
  rec_add(b, 'F', i->sender);
  rec_addu(b, 't', i->t);
  rec_addu(b, 'u', i->uid);
  rec_addu(b, 's', i->size);
  rec_addu(b, 'd', i->d);
  rec_addu(b, 'h', (uint64_t)!!i->h);
  rec_addu(b, 'x', (uint64_t)!!i->x);
  return rec_finish(b);
}

void inforec_free(info *i)
{
  free(i->sender);
  i->sender = 0;
}
