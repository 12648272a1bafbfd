/* smtpd_data: the DATA state machine. See smtpd_data.h.
 *
 * States, at each input octet:
 *   BOL     start of a line    '.' DOT, CR CR, LF bare, else emit + MID
 *   DOT     "." at line start  CR DOTCR, LF bare, else emit it + MID
 *                              (the first dot is dropped: dot-stuffing)
 *   DOTCR   ".\r" at start     LF: the end; else bare CR
 *   MID     inside a line      CR CR, LF bare, else emit
 *   CR      CR inside a line   LF: emit LF + BOL; else bare CR */
#include "posta-smtpd/smtpd_data.h"

enum { S_BOL, S_DOT, S_DOTCR, S_MID, S_CR };

static char const received[] = "received:";

void smtpd_data_init(smtpd_data *d, size_t linemax, uint64_t sizemax)
{
  d->state = S_BOL;
  d->linelen = 0;
  d->linemax = linemax;
  d->size = 0;
  d->sizemax = sizemax;
  d->hops = 0;
  d->header = 1;
  d->hmatch = 0;
  d->flags = 0;
}

/* One octet of output: counted, matched against "Received:" while in the
 * header. An empty line ends the header. */
static void emit(smtpd_data *d, char c, char *out, size_t *outlen)
{
  out[(*outlen)++] = c;
  if (!d->sizemax || d->size < d->sizemax) d->size++;
  else d->flags |= DATA_F_TOOBIG;
  if (!c) d->flags |= DATA_F_NUL;
  if (!d->header) return;
  if (c == '\n') {
    if (!d->hmatch) d->header = 0;
    d->hmatch = 0;
    return;
  }
  if (d->hmatch < 0 || d->hmatch >= (int)sizeof received - 1) return;
  char l = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
  if (l != received[d->hmatch]) { d->hmatch = -1; return; }
  if (++d->hmatch == (int)sizeof received - 1) d->hops++;
}

/* The line length rule counts octets as sent, CRLF included. */
static void count(smtpd_data *d)
{
  if (++d->linelen > d->linemax && d->linemax) d->flags |= DATA_F_TOOLONG;
}

int smtpd_data_feed(smtpd_data *d, char const *in, size_t n, size_t *used, char *out, size_t *outlen)
{
  size_t i = 0;
  *outlen = 0;
  while (i < n) {
    char c = in[i++];
    count(d);
    switch (d->state) {
      case S_BOL:
      case S_MID:
        if (c == '\r') { d->state = S_CR; break; }
        if (c == '\n') { *used = i; return DATA_BARE; }
        if (c == '.' && d->state == S_BOL) { d->state = S_DOT; break; }
        emit(d, c, out, outlen);
        d->state = S_MID;
        break;
      case S_DOT:
        if (c == '\r') { d->state = S_DOTCR; break; }
        if (c == '\n') { *used = i; return DATA_BARE; }
        emit(d, c, out, outlen);
        d->state = S_MID;
        break;
      case S_DOTCR:
        *used = i;
        return c == '\n' ? DATA_END : DATA_BARE;
      case S_CR:
        if (c != '\n') { *used = i; return DATA_BARE; }
        emit(d, '\n', out, outlen);
        d->state = S_BOL;
        d->linelen = 0;
        break;
    }
  }
  *used = i;
  return DATA_MORE;
}
