/* Unit tests for src/sk/inject_head.c: golden headers and the fixed header
 * and recipients each must give; reading a header from input, bounded. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sk/inject_head.h"
#include "unit.h"

#define FROM "Alice <alice@example.com>"
#define DATE "Tue, 14 Nov 2023 23:13:20 +0100"
#define MSGID "<1.2.x@example.com>"
#define ADDED "From: " FROM "\nDate: " DATE "\nMessage-ID: " MSGID "\n"

struct golden {
  char const *in;
  char const *out;
  char const *rcpts;   /* '|' between addresses */
};

static struct golden const golden[] = {
  /* nothing: the three fields and the empty line */
  { "", ADDED "\n", "" },
  /* Bcc used and dropped, To and Cc kept, folding kept as it was */
  { "To: bob@example.org\nCc: Carol <carol@example.org>,\n  dave@example.org\nBcc: eve@example.org\nSubject: hi\n",
    "To: bob@example.org\nCc: Carol <carol@example.org>,\n  dave@example.org\nSubject: hi\n" ADDED "\n",
    "bob@example.org|carol@example.org|dave@example.org|eve@example.org" },
  /* a folded Bcc goes whole */
  { "BCC: a@x,\n\tb@y\nSubject: s\n", "Subject: s\n" ADDED "\n", "a@x|b@y" },
  /* present fields are not added again, whatever their case */
  { "FROM: me@here\ndate: Mon, 1 Jan 2024 00:00:00 +0000\nmessage-id: <a@b>\nTo: x@y\n",
    "FROM: me@here\ndate: Mon, 1 Jan 2024 00:00:00 +0000\nmessage-id: <a@b>\nTo: x@y\n\n", "x@y" },
  /* Resent- fields win over To/Cc/Bcc; Resent-Bcc is dropped too */
  { "To: old@x\nResent-To: new@y\nResent-Bcc: hidden@z\n",
    "To: old@x\nResent-To: new@y\n" ADDED "\n", "new@y|hidden@z" },
  /* Return-Path and Content-Length never pass */
  { "Return-Path: <forged@x>\nContent-Length: 12\nTo: a@b\n", "To: a@b\n" ADDED "\n", "a@b" },
  /* groups and comments */
  { "To: undisclosed-recipients:;\nCc: list: a@b (A), c@d;\n",
    "To: undisclosed-recipients:;\nCc: list: a@b (A), c@d;\n" ADDED "\n", "a@b|c@d" },
  /* a field name with blanks before its colon (obsolete) is still a field */
  { "To : a@b\n", "To : a@b\n" ADDED "\n", "a@b" },
  /* Bccs and Toss are other fields */
  { "Toss: a@b\nBccs: c@d\n", "Toss: a@b\nBccs: c@d\n" ADDED "\n", "" },
};

static void fix(void **state)
{
  for (size_t i = 0; i < sizeof golden / sizeof *golden; i++) {
    stralloc out = STRALLOC_ZERO, rcpts = STRALLOC_ZERO;
    inject_fix f = { .from = FROM, .date = DATE, .msgid = MSGID };
    char want[512];
    size_t n = 0;
    assert_int_equal(inject_head_fix(golden[i].in, strlen(golden[i].in), &f, &out, &rcpts), 0);
    if (out.len != strlen(golden[i].out) || (out.len && memcmp(out.s, golden[i].out, out.len)))
      fail_msg("golden %zu: got [%.*s]", i, (int)out.len, out.s);
    for (char const *s = golden[i].rcpts; *s; s++) want[n++] = *s == '|' ? 0 : *s;
    if (n) want[n++] = 0;
    if (rcpts.len != n || (n && memcmp(rcpts.s, want, n))) fail_msg("golden %zu: recipients differ", i);
    stralloc_free(&out);
    stralloc_free(&rcpts);
  }
}

static void no_rcpts_wanted(void **state)
{
  /* an unreadable To does not matter when the header's recipients are not used */
  static char const in[] = "To: two words\nBcc: x@y\n";
  stralloc out = STRALLOC_ZERO;
  inject_fix f = { .from = FROM, .date = DATE, .msgid = MSGID };
  assert_int_equal(inject_head_fix(in, sizeof in - 1, &f, &out, 0), 0);
  assert_int_equal(out.len, strlen("To: two words\n" ADDED "\n"));
  stralloc_free(&out);
}

static void bad_field(void **state)
{
  static char const in[] = "Subject: x\nCc: a@b, \"unclosed\nTo: c@d\n";
  stralloc out = STRALLOC_ZERO, rcpts = STRALLOC_ZERO;
  inject_fix f = { .from = FROM, .date = DATE, .msgid = MSGID };
  assert_int_equal(inject_head_fix(in, sizeof in - 1, &f, &out, &rcpts), -1);
  assert_int_equal(errno, EINVAL);
  assert_int_equal(f.badlen, strlen("Cc: a@b, \"unclosed\n"));
  assert_memory_equal(f.bad, "Cc: ", 4);
  stralloc_free(&out);
  stralloc_free(&rcpts);
}

static void is_field(void **state)
{
  assert_true(inject_head_is_field("To: x\n", 6));
  assert_true(inject_head_is_field("X-Y:\n", 5));
  assert_true(inject_head_is_field("To\t: x\n", 7));
  assert_false(inject_head_is_field(" To: x\n", 7));
  assert_false(inject_head_is_field(": x\n", 4));
  assert_false(inject_head_is_field("To x: y\n", 8));
  assert_false(inject_head_is_field("hello\n", 6));
  assert_false(inject_head_is_field("Caf\xc3\xa9: x\n", 9));
}

/* Reads a header from a pipe holding s. */
static int read_head(char const *s, size_t len, size_t max, stralloc *head, stralloc *rest, int dot)
{
  int p[2];
  inject_in in;
  assert_int_equal(pipe(p), 0);
  assert_int_equal(write(p[1], s, len), (ssize_t)len);
  close(p[1]);
  inject_in_init(&in, p[0], dot);
  int r = inject_head_read(&in, head, rest, max);
  close(p[0]);
  return r;
}

static void reading(void **state)
{
  stralloc head = STRALLOC_ZERO, rest = STRALLOC_ZERO;
  static char const a[] = "From sender Tue Nov 14 2023\r\nTo: a@b\r\n folded\r\nSubject: s\r\n\r\nbody\r\n";
  assert_int_equal(read_head(a, sizeof a - 1, 1 << 20, &head, &rest, 0), 0);
  assert_int_equal(head.len, strlen("To: a@b\n folded\nSubject: s\n"));
  assert_memory_equal(head.s, "To: a@b\n folded\nSubject: s\n", head.len);
  assert_int_equal(rest.len, 0);
  /* a body line without the empty line: it ends the header and is kept */
  head.len = rest.len = 0;
  static char const b[] = "Subject: s\nthis is the body\nmore\n";
  assert_int_equal(read_head(b, sizeof b - 1, 1 << 20, &head, &rest, 0), 0);
  assert_int_equal(head.len, strlen("Subject: s\n"));
  assert_int_equal(rest.len, strlen("this is the body\n"));
  /* a header that ends the input, last line without LF */
  head.len = rest.len = 0;
  static char const c[] = "Subject: s";
  assert_int_equal(read_head(c, sizeof c - 1, 1 << 20, &head, &rest, 0), 0);
  assert_int_equal(head.len, strlen("Subject: s\n"));
  /* the lone dot ends the input inside the header when dots count */
  head.len = rest.len = 0;
  static char const d[] = "Subject: s\n.\nTo: x@y\n";
  assert_int_equal(read_head(d, sizeof d - 1, 1 << 20, &head, &rest, 1), 0);
  assert_int_equal(head.len, strlen("Subject: s\n"));
  stralloc_free(&head);
  stralloc_free(&rest);
}

static void bounded(void **state)
{
  stralloc head = STRALLOC_ZERO, rest = STRALLOC_ZERO;
  char big[4096];
  /* a folded field longer than the bound */
  size_t n = (size_t)snprintf(big, sizeof big, "To: a@b");
  while (n < 3000) n += (size_t)snprintf(big + n, sizeof big - n, ",\n c@d");
  big[n++] = '\n';
  assert_int_equal(read_head(big, n, 1000, &head, &rest, 0), -1);
  assert_int_equal(errno, EFBIG);
  /* the same under the bound is fine */
  head.len = rest.len = 0;
  assert_int_equal(read_head(big, n, 4096, &head, &rest, 0), 0);
  assert_int_equal(head.len, n);
  /* one long body line at the start is not a header: no EFBIG */
  head.len = rest.len = 0;
  memset(big, 'x', 3000);
  assert_int_equal(read_head(big, 3000, 1000, &head, &rest, 0), 0);
  assert_int_equal(head.len, 0);
  assert_int_equal(rest.len, 1000);
  /* many short fields past the bound: still EFBIG, not a body */
  head.len = rest.len = 0;
  for (n = 0; n + 10 < sizeof big; n += 10) memcpy(big + n, "X-Long: y\n", 10);
  assert_int_equal(read_head(big, n, 1005, &head, &rest, 0), -1);
  assert_int_equal(errno, EFBIG);
  head.len = rest.len = 0;
  assert_int_equal(read_head(big, 1000, 1000, &head, &rest, 0), 0);   /* exactly the bound */
  assert_int_equal(head.len, 1000);
  stralloc_free(&head);
  stralloc_free(&rest);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(fix),
    cmocka_unit_test(no_rcpts_wanted),
    cmocka_unit_test(bad_field),
    cmocka_unit_test(is_field),
    cmocka_unit_test(reading),
    cmocka_unit_test(bounded),
)
