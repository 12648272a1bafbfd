/* inject_head: read and fix a submitted message's header. See inject_head.h. */
#include "sk/inject_head.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "sk/inject_addr.h"

int inject_head_is_field(char const *s, size_t len)
{
  size_t i = 0;
  while (i < len && s[i] > 32 && s[i] < 127 && s[i] != ':') i++;
  if (!i) return 0;
  while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
  return i < len && s[i] == ':';
}

/* What the line just read is to the header. */
enum { LINE_FIELD, LINE_END, LINE_BODY, LINE_SKIP };

static int classify(stralloc const *line, int first, int have_field)
{
  if (first && line->len >= 5 && !memcmp(line->s, "From ", 5)) return LINE_SKIP;
  if (line->len == 1 && line->s[0] == '\n') return LINE_END;
  if ((line->s[0] == ' ' || line->s[0] == '\t') && have_field) return LINE_FIELD;
  return inject_head_is_field(line->s, line->len) ? LINE_FIELD : LINE_BODY;
}

int inject_head_read(inject_in *in, stralloc *head, stralloc *rest, size_t max)
{
  stralloc line = STRALLOC_ZERO;
  int first = 1, whole, r = 0;
  for (;;) {
    line.len = 0;
    /* at least a line's worth, to tell a field from a body line even when
     * the header is nearly full */
    size_t room = max > head->len ? max - head->len : 0;
    r = inject_in_line(in, &line, room < 1000 ? 1000 : room, &whole);
    if (r <= 0) break;
    int kind = classify(&line, first, head->len > 0);
    first = 0;
    if (kind == LINE_SKIP) {
      /* an mbox separator of any length: drop the rest of it too */
      while (!whole && (r = inject_in_line(in, &line, room, &whole)) > 0) line.len = 0;
      if (r < 0) break;
      continue;
    }
    if (kind == LINE_END) { r = 0; break; }
    if (kind == LINE_BODY) {
      r = stralloc_catb(rest, line.s, line.len) ? 0 : -1;
      break;
    }
    if ((!whole && !in->eof) || line.len > room) { errno = EFBIG; r = -1; break; }
    if (!stralloc_catb(head, line.s, line.len)) { r = -1; break; }
    if (head->s[head->len - 1] != '\n' && !stralloc_append(head, '\n')) { r = -1; break; }
  }
  stralloc_free(&line);
  return r < 0 ? -1 : 0;
}

#define F_RCPT 1
#define F_RESENT 2
#define F_DROP 4
#define F_FROM 8
#define F_DATE 16
#define F_MSGID 32

static struct { char const *name; unsigned flags; } const fields[] = {
  { "to", F_RCPT },
  { "cc", F_RCPT },
  { "bcc", F_RCPT | F_DROP },
  { "resent-to", F_RCPT | F_RESENT },
  { "resent-cc", F_RCPT | F_RESENT },
  { "resent-bcc", F_RCPT | F_RESENT | F_DROP },
  { "from", F_FROM },
  { "date", F_DATE },
  { "message-id", F_MSGID },
  { "return-path", F_DROP },
  { "content-length", F_DROP },
};

/* One field from head[*pos]: its length in *len, its flags, its value's
 * start in *colon (just after ':'). */
static unsigned field_next(char const *head, size_t len, size_t *pos, size_t *flen, size_t *colon)
{
  size_t start = *pos, i = start, n = 0;
  do {
    char const *lf = memchr(head + i, '\n', len - i);
    i = lf ? (size_t)(lf - head) + 1 : len;
  } while (i < len && (head[i] == ' ' || head[i] == '\t'));
  *pos = i;
  *flen = i - start;
  while (start + n < i && head[start + n] != ':' && head[start + n] != ' ' && head[start + n] != '\t') n++;
  char const *c = memchr(head + start, ':', i - start);
  *colon = c ? (size_t)(c - head) + 1 : i;
  for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
    if (strlen(fields[k].name) == n && !strncasecmp(fields[k].name, head + start, n)) return fields[k].flags;
  return 0;
}

static int resent_present(char const *head, size_t len)
{
  size_t pos = 0, flen, colon;
  while (pos < len)
    if ((field_next(head, len, &pos, &flen, &colon) & (F_RCPT | F_RESENT)) == (F_RCPT | F_RESENT)) return 1;
  return 0;
}

static int add(stralloc *out, char const *name, char const *value)
{
  return stralloc_cats(out, name) && stralloc_cats(out, ": ") && stralloc_cats(out, value)
         && stralloc_append(out, '\n') ? 0 : -1;
}

int inject_head_fix(char const *head, size_t len, inject_fix *f, stralloc *out, stralloc *rcpts)
{
  size_t pos = 0, flen, colon;
  unsigned seen = 0;
  unsigned want = resent_present(head, len) ? F_RCPT | F_RESENT : F_RCPT;
  while (pos < len) {
    size_t start = pos;
    unsigned flags = field_next(head, len, &pos, &flen, &colon);
    seen |= flags;
    if (rcpts && (flags & (F_RCPT | F_RESENT)) == want
        && inject_addr_list(head + colon, start + flen - colon, rcpts) < 0) {
      if (errno != ENOMEM) {
        f->bad = head + start;
        f->badlen = flen;
      }
      return -1;
    }
    if (!(flags & F_DROP) && !stralloc_catb(out, head + start, flen)) return -1;
  }
  if (!(seen & F_FROM) && add(out, "From", f->from) < 0) return -1;
  if (!(seen & F_DATE) && add(out, "Date", f->date) < 0) return -1;
  if (!(seen & F_MSGID) && add(out, "Message-ID", f->msgid) < 0) return -1;
  return stralloc_append(out, '\n') ? 0 : -1;
}
