/* qrm_select: posta-qread's blocks matched against -s and -r. See
 * qrm_select.h. */
#include "posta-qrm/qrm_select.h"

#include <fnmatch.h>
#include <string.h>

typedef struct block_s block;
struct block_s {
  char id[24];          /* "" outside a block */
  int sender_ok, rcpt_ok;
};

static int match(char const *pat, char const *s, size_t n)
{
  char buf[1100];
  if (!pat) return 1;
  if (n >= sizeof buf) n = sizeof buf - 1;   /* addresses are shorter */
  memcpy(buf, s, n);
  buf[n] = 0;
  return fnmatch(pat, buf, FNM_CASEFOLD) == 0;
}

/* The address of "<ADDR>" at line's start + skip: up to the line's last
 * '>' (a sender line), or up to the first ">: " (a recipient line, whose
 * last result may quote other addresses). */
static int address(char const *line, size_t len, size_t skip, int rcpt, char const **a, size_t *n)
{
  char const *close = 0;
  if (len <= skip || line[skip] != '<') return 0;
  if (rcpt) {
    for (size_t i = skip + 1; i + 2 < len && !close; i++)
      if (line[i] == '>' && line[i + 1] == ':' && line[i + 2] == ' ') close = line + i;
  } else if (line[len - 1] == '>') close = line + len - 1;
  if (!close) return 0;
  *a = line + skip + 1;
  *n = (size_t)(close - *a);
  return 1;
}

/* A recipient line: "  recipient <A>: ...", "  local <A>: ...", "  remote <A>: ...". */
static int rcpt_line(char const *line, size_t len, char const **a, size_t *n)
{
  static char const *const kinds[] = { "  recipient ", "  local ", "  remote " };
  for (size_t i = 0; i < 3; i++) {
    size_t k = strlen(kinds[i]);
    if (len > k && !memcmp(line, kinds[i], k)) return address(line, len, k, 1, a, n);
  }
  return 0;
}

static int end_block(block *b, stralloc *ids, size_t *n)
{
  if (b->id[0] && b->sender_ok && b->rcpt_ok) {
    if (!stralloc_catb(ids, b->id, strlen(b->id) + 1)) return -1;
    (*n)++;
  }
  b->id[0] = 0;
  return 0;
}

static int digits(char const *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

static void one_line(block *b, char const *line, size_t len, char const *spat, char const *rpat)
{
  char const *a;
  size_t n;
  if (len > 8 && !memcmp(line, "message ", 8) && len - 8 < sizeof b->id && digits(line + 8, len - 8)) {
    memcpy(b->id, line + 8, len - 8);
    b->id[len - 8] = 0;
    b->sender_ok = !spat;
    b->rcpt_ok = !rpat;
  } else if (!b->id[0]) return;
  else if (len > 10 && !memcmp(line, "  sender: ", 10)) {
    if (address(line, len, 10, 0, &a, &n)) b->sender_ok = match(spat, a, n);
  } else if (rcpt_line(line, len, &a, &n) && match(rpat, a, n)) b->rcpt_ok = 1;
}

int qrm_select(char const *listing, size_t len, char const *spat, char const *rpat, stralloc *ids, size_t *n)
{
  block b = { "", 0, 0 };
  size_t pos = 0;
  *n = 0;
  while (pos < len) {
    char const *nl = memchr(listing + pos, '\n', len - pos);
    size_t k = nl ? (size_t)(nl - listing) - pos : len - pos;
    if (k >= 8 && !memcmp(listing + pos, "message ", 8) && end_block(&b, ids, n) < 0) return -1;
    one_line(&b, listing + pos, k, spat, rpat);
    pos += k + 1;
  }
  return end_block(&b, ids, n);
}
