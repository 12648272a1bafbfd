/* Unit tests for src/posta-qread/qr_format.c: golden records (todo, info,
 * local and remote recipients as doc/queue.md defines them) and the block
 * each must give; torn records give nothing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "common/rec.h"
#include "posta-qread/qr.h"
#include "unit.h"

static void check(stralloc const *out, char const *want)
{
  if (out->len != strlen(want) || memcmp(out->s, want, out->len))
    fail_msg("got:\n%.*s\nwant:\n%s", (int)out->len, out->s, want);
}

static void todo(void **state)
{
  rec_buf b = REC_BUF_ZERO;
  stralloc out = STRALLOC_ZERO;
  rec_start(&b, "todo", 1);
  rec_addu(&b, 'u', 1000);
  rec_addu(&b, 'p', 42);
  rec_addu(&b, 't', 1700000000);
  rec_add(&b, 'F', "alice@example.com");
  rec_add(&b, 'T', "bob@example.org");
  rec_add(&b, 'T', "carol@example.net");
  assert_int_equal(rec_finish(&b), 0);
  assert_int_equal(qr_format_todo(&out, 123, 2048, b.s, b.len), 0);
  check(&out,
        "message 123\n"
        "  arrival: Tue, 14 Nov 2023 22:13:20 +0000\n"
        "  size: 2048\n"
        "  sender: <alice@example.com>\n"
        "  injected by: uid 1000\n"
        "  state: not yet preprocessed\n"
        "  recipient <bob@example.org>: not yet preprocessed\n"
        "  recipient <carol@example.net>: not yet preprocessed\n"
        "\n");
  /* a torn record: nothing appended */
  out.len = 0;
  assert_int_equal(qr_format_todo(&out, 123, 2048, b.s, b.len - 3), -1);
  assert_int_equal(errno, EPROTO);
  assert_int_equal(out.len, 0);
  rec_free(&b);
  stralloc_free(&out);
}

static void rcpt(rec_buf *b, char const *a, char const *s, unsigned n, unsigned long w, char const *e)
{
  rec_add(b, 'A', a);
  rec_add(b, 'S', s);
  rec_addu(b, 'n', n);
  rec_addu(b, 'w', w);
  rec_add(b, 'e', e);
}

static void info(void **state)
{
  rec_buf i = REC_BUF_ZERO, l = REC_BUF_ZERO, r = REC_BUF_ZERO;
  stralloc out = STRALLOC_ZERO;
  rec_start(&i, "info", 1);
  rec_add(&i, 'F', "");
  rec_addu(&i, 't', 1700000000);
  rec_addu(&i, 'u', 106);
  rec_addu(&i, 's', 512);
  rec_addu(&i, 'd', 1700014400);
  rec_add(&i, 'h', "1");
  rec_add(&i, 'x', "0");
  assert_int_equal(rec_finish(&i), 0);
  rec_start(&l, "rcpt", 1);
  rcpt(&l, "bob@example.com", "D", 1, 0, "K2.0.0 - delivered to Maildir");
  assert_int_equal(rec_finish(&l), 0);
  rec_start(&r, "rcpt", 1);
  rcpt(&r, "carol@example.org", "P", 2, 1700003600, "Z4.4.1 mx.example.org[192.0.2.1] connection refused");
  rcpt(&r, "dave@example.org", "B", 1, 0, "D5.1.1 mx.example.org[192.0.2.1] 550 no such user");
  rcpt(&r, "eve@example.org", "P", 0, 0, "");
  assert_int_equal(rec_finish(&r), 0);
  assert_int_equal(qr_format_info(&out, 77, i.s, i.len, l.s, l.len, r.s, r.len), 0);
  check(&out,
        "message 77\n"
        "  arrival: Tue, 14 Nov 2023 22:13:20 +0000\n"
        "  size: 512\n"
        "  sender: <>\n"
        "  injected by: uid 106\n"
        "  state: preprocessed, held, delay notice sent Wed, 15 Nov 2023 02:13:20 +0000\n"
        "  local <bob@example.com>: delivered, attempts 1, last result: K2.0.0 - delivered to Maildir\n"
        "  remote <carol@example.org>: pending, attempts 2, next attempt Tue, 14 Nov 2023 23:13:20 +0000, "
        "last result: Z4.4.1 mx.example.org[192.0.2.1] connection refused\n"
        "  remote <dave@example.org>: failed, bounced, attempts 1, last result: D5.1.1 mx.example.org[192.0.2.1] 550 no such user\n"
        "  remote <eve@example.org>: pending, attempts 0\n"
        "\n");
  /* without local and remote records */
  out.len = 0;
  assert_int_equal(qr_format_info(&out, 77, i.s, i.len, 0, 0, 0, 0), 0);
  assert_non_null(memmem(out.s, out.len, "held", 4));
  assert_null(memmem(out.s, out.len, "local <", 7));
  /* a record of another kind where rcpt is expected: refused whole */
  out.len = 0;
  assert_int_equal(qr_format_info(&out, 77, i.s, i.len, i.s, i.len, 0, 0), -1);
  assert_int_equal(out.len, 0);
  rec_free(&i);
  rec_free(&l);
  rec_free(&r);
  stralloc_free(&out);
}

static void no_forged_lines(void **state)
{
  /* records never hold control characters, but qread would not print them */
  rec_buf b = REC_BUF_ZERO;
  stralloc out = STRALLOC_ZERO;
  rec_start(&b, "todo", 1);
  rec_add(&b, 'u', "0");
  rec_add(&b, 't', "0");
  rec_add(&b, 'F', "a\nmessage 1");
  rec_add(&b, 'T', "b\r@x");
  assert_int_equal(rec_finish(&b), 0);
  assert_int_equal(qr_format_todo(&out, 9, 1, b.s, b.len), 0);
  assert_non_null(memmem(out.s, out.len, "<a?message 1>", 13));
  assert_non_null(memmem(out.s, out.len, "<b?@x>", 6));
  rec_free(&b);
  stralloc_free(&out);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(todo),
    cmocka_unit_test(info),
    cmocka_unit_test(no_forged_lines),
)
