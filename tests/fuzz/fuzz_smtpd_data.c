/* fuzz_smtpd_data: the DATA state machine (src/posta-smtpd/smtpd_data.c)
 * over any client bytes, in pieces the input chooses. Checks: output never
 * exceeds input and holds no CR (only CRLF ends a line, and it becomes
 * LF); the end and a bare CR or LF are
 * found at the same place however the bytes are cut; flags and hop counts
 * do not depend on the cutting either. This is where SMTP smuggling would
 * show: no sequence but CRLF "." CRLF may end the message. */
#include "fuzz.h"

#include "posta-smtpd/smtpd_data.h"

typedef struct { int r; size_t at; size_t outlen; unsigned flags, hops; uint64_t size; } verdict;

static verdict run(uint8_t const *data, size_t size, size_t piece, char *out)
{
  smtpd_data d;
  verdict v = { DATA_MORE, 0, 0, 0, 0, 0 };
  size_t i = 0;
  smtpd_data_init(&d, 1000, 5000);
  while (i < size) {
    size_t n = size - i < piece ? size - i : piece, used = 0, olen = 0;
    int r = smtpd_data_feed(&d, (char const *)data + i, n, &used, out + v.outlen, &olen);
    FUZZ_CHECK(used <= n && olen <= used);
    FUZZ_CHECK(r == DATA_MORE || r == DATA_END || r == DATA_BARE);
    if (r == DATA_MORE) FUZZ_CHECK(used == n);
    i += used;
    v.outlen += olen;
    if (r != DATA_MORE) { v.r = r; v.at = i; break; }
  }
  v.flags = d.flags;
  v.hops = d.hops;
  v.size = d.size;
  return v;
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  if (!size) return 0;
  size_t piece = data[0] % 7 + 1;
  char *o1 = malloc(size), *o2 = malloc(size);
  FUZZ_CHECK(o1 && o2);
  verdict a = run(data + 1, size - 1, size, o1);
  verdict b = run(data + 1, size - 1, piece, o2);
  FUZZ_CHECK(a.r == b.r && a.at == b.at && a.outlen == b.outlen);
  FUZZ_CHECK(!memcmp(o1, o2, a.outlen));
  FUZZ_CHECK(a.flags == b.flags && a.hops == b.hops && a.size == b.size);
  FUZZ_CHECK(!memchr(o1, '\r', a.outlen));
  if (a.r == DATA_END) {
    /* the end is CRLF . CRLF, or . CRLF at the very start */
    FUZZ_CHECK(a.at >= 3 && !memcmp(data + 1 + a.at - 3, ".\r\n", 3));
    FUZZ_CHECK(a.at == 3 || (a.at >= 5 && !memcmp(data + 1 + a.at - 5, "\r\n", 2)));
  }
  free(o1);
  free(o2);
  return 0;
}
