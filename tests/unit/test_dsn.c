/* Unit tests for src/common/dsn.c and its parts: whole notices compared
 * with golden files (tests/unit/golden/dsn_*.eml), and the rules every
 * notice keeps whatever its input: LF line ends, lines of at most 998
 * bytes, no control character from the input in a header field, a
 * boundary found in no part.
 *
 * POSTA_GOLDEN_UPDATE=1 rewrites the golden files instead of comparing:
 * read the diff before committing them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/dsn.h"

#define T0 1700000000LL   /* Tue, 14 Nov 2023 22:13:20 +0000 */

static char golden_dir[512];

/* A notice of kind for the recipients rcpt[0..n), the rest as usual. */
static void base(dsn *d, int kind, dsn_rcpt const *rcpt, size_t n)
{
  memset(d, 0, sizeof *d);
  d->kind = kind;
  d->rcpt = rcpt;
  d->nrcpt = n;
  d->me = "mail.example.com";
  d->from = "MAILER-DAEMON@mail.example.com";
  d->to = "alice@example.com";
  d->sender = "alice@example.com";
  d->msgid = "1700003600.4242.b12345@mail.example.com";
  d->id = 12345;
  d->arrival = T0;
  d->now = T0 + 3600;
  d->until = T0 + 432000;
  d->limit = DSN_LIMIT_DEFAULT;
}

static char const small_msg[] =
  "Received: (posta 4242 invoked by uid 1000); 14 Nov 2023 22:13:20 -0000\n"
  "From: Alice <alice@example.com>\n"
  "To: Bob <bob@example.net>\n"
  "Subject: lunch\n"
  "Date: Tue, 14 Nov 2023 22:13:19 +0000\n"
  "Message-ID: <lunch.1@example.com>\n"
  "\n"
  "Shall we have lunch on Thursday?\n";

static void set_msg(dsn *d, char const *s, size_t len)
{
  d->msg = s;
  d->msglen = len;
  d->msgsize = len;
}

static char *slurp(char const *fn, size_t *len)
{
  FILE *f = fopen(fn, "rb");
  char *s;
  long n;
  if (!f) return 0;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  s = malloc((size_t)n + 1);
  assert_non_null(s);
  assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return s;
}

/* The rules every notice keeps. */
static void check_shape(char const *s, size_t len)
{
  size_t col = 0, i;
  char const *end = memmem(s, len, "\n\n", 2);
  assert_non_null(end);
  assert_true(len > 0 && s[len - 1] == '\n');
  for (i = 0; i < len; i++) {
    assert_true(s[i] != '\r' && s[i] != 0);
    if (s[i] == '\n') col = 0;
    else assert_true(++col <= DSN_LINE_MAX);
  }
  /* the header section: fields and continuation lines, no control but TAB */
  for (char const *p = s; p <= end; ) {
    char const *nl = memchr(p, '\n', (size_t)(end + 1 - p));
    if (p[0] != ' ' && p[0] != '\t') {
      char const *colon = memchr(p, ':', (size_t)(nl - p));
      assert_non_null(colon);
      for (char const *q = p; q < colon; q++) assert_true(*q > 0x20 && *q < 0x7f);
    }
    for (char const *q = p; q < nl; q++)
      assert_true((unsigned char)*q >= 0x20 || *q == '\t');
    p = nl + 1;
  }
}

static void golden(char const *name, dsn const *d)
{
  dsn_buf out = DSN_BUF_ZERO;
  char fn[700];
  size_t glen = 0;
  char *g;
  assert_int_equal(dsn_compose(d, &out), 0);
  check_shape(out.s, out.len);
  snprintf(fn, sizeof fn, "%s/dsn_%s.eml", golden_dir, name);
  if (getenv("POSTA_GOLDEN_UPDATE")) {
    FILE *f = fopen(fn, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(out.s, 1, out.len, f), out.len);
    fclose(f);
  }
  g = slurp(fn, &glen);
  if (!g) fail_msg("cannot read golden file %s", fn);
  if (glen != out.len || memcmp(g, out.s, glen)) {
    fprintf(stderr, "---- %s differs; got:\n%.*s\n----\n", fn, (int)out.len, out.s);
    fail_msg("output differs from %s", fn);
  }
  free(g);
  dsn_buf_free(&out);
}

static void one_remote_failure(void **state)
{
  dsn d;
  dsn_rcpt r[] = {
    { "bob@example.net", 0, "D5.1.1 mx.example.net[192.0.2.1] 550 5.1.1 <bob@example.net>: no such user" },
  };
  base(&d, DSN_FAILED, r, 1);
  set_msg(&d, small_msg, sizeof small_msg - 1);
  golden("remote_550", &d);
}

static void three_mixed(void **state)
{
  dsn d;
  dsn_rcpt r[] = {
    { "bob@example.net", 0, "D5.1.1 mx.example.net[192.0.2.1] 550 5.1.1 <bob@example.net>: no such user" },
    { "v-carol@example.com", "carol@example.com", "D5.2.2 - mailbox full: quota of 10485760 bytes exceeded" },
    { "dave@example.org", 0, "Z4.4.1 - no answer from any mail server of example.org: connection refused" },
  };
  base(&d, DSN_FAILED, r, 3);
  d.now = T0 + 432000 + 120;
  d.msgid = "1700432120.4242.b12345@mail.example.com";
  set_msg(&d, small_msg, sizeof small_msg - 1);
  golden("mixed_three", &d);
}

static void delay_notice(void **state)
{
  dsn d;
  dsn_rcpt r[] = {
    { "dave@example.org", 0, "Z4.4.1 mx.example.org[192.0.2.7] 421 4.4.1 too busy, try later" },
    { "erin@example.org", 0, "" },
  };
  base(&d, DSN_DELAYED, r, 2);
  d.now = T0 + 14400 + 30;
  d.msgid = "1700014430.4242.d12345@mail.example.com";
  set_msg(&d, small_msg, sizeof small_msg - 1);
  golden("delay", &d);
}

static void double_bounce(void **state)
{
  static char const bounce_msg[] =
    "Received: (posta 77 invoked for bounce); 14 Nov 2023 22:13:20 -0000\n"
    "From: Mail Delivery System <MAILER-DAEMON@mail.example.com>\n"
    "To: <gone@example.net>\n"
    "Subject: Undelivered mail returned to sender\n"
    "Auto-Submitted: auto-replied\n"
    "\n"
    "Your message could not be delivered.\n";
  dsn d;
  dsn_rcpt r[] = {
    { "gone@example.net", 0, "D5.1.1 mx.example.net[192.0.2.1] 550 5.1.1 <gone@example.net>: no such user" },
  };
  base(&d, DSN_FAILED, r, 1);
  d.dbl = 1;
  d.sender = "";
  d.to = "postmaster@mail.example.com";
  set_msg(&d, bounce_msg, sizeof bounce_msg - 1);
  golden("double", &d);
}

/* Folded, 8-bit and over-long header lines: the message cannot travel as
 * message/rfc822 unchanged, so its header section is returned, cleaned. */
static void long_folded_8bit_headers(void **state)
{
  char msg[4096];
  char longline[1500];
  dsn d;
  dsn_rcpt r[] = { { "bob@example.net", 0, "D5.7.1 mx.example.net[192.0.2.1] 554 5.7.1 rejected" } };
  memset(longline, 'x', sizeof longline - 1);
  longline[sizeof longline - 1] = 0;
  snprintf(msg, sizeof msg,
           "From: =?utf-8?q?Z=C3=B6e?= <zoe@example.com>\n"
           "To: J\xc3\xbcrgen <juergen@example.net>\n"
           "Subject: a subject that is folded\n"
           " over two lines\n"
           "X-Long: %s\n"
           "X-Control: bell\a and\001 nul-free\n"
           "\n"
           "body\n", longline);
  base(&d, DSN_FAILED, r, 1);
  set_msg(&d, msg, strlen(msg));
  golden("headers_8bit", &d);
}

/* A message over the limit: only its header section. posta-bounce reads
 * no more than the limit of it. */
static void huge_original(void **state)
{
  size_t hlen = sizeof small_msg - 1, size = 300000;
  char *msg = malloc(size);
  dsn d;
  dsn_rcpt r[] = { { "bob@example.net", 0, "D5.3.4 mx.example.net[192.0.2.1] 552 5.3.4 message too big" } };
  assert_non_null(msg);
  memcpy(msg, small_msg, hlen);
  for (size_t i = hlen; i < size; i++) msg[i] = (i - hlen) % 73 == 72 ? '\n' : 'a' + (char)(i % 26);
  base(&d, DSN_FAILED, r, 1);
  d.msg = msg;
  d.msglen = d.limit;
  d.msgsize = size;
  golden("huge", &d);
  free(msg);
}

/* A header section longer than the limit is cut after its last whole line
 * within the limit. */
static void huge_header_section(void **state)
{
  size_t size = 300000, i = 0, limit = 1000;
  char *msg = malloc(size);
  dsn_buf out = DSN_BUF_ZERO;
  dsn d;
  dsn_rcpt r[] = { { "bob@example.net", 0, "D5.3.4 mx.example.net[192.0.2.1] 552 5.3.4 message too big" } };
  char const *part, *last;
  assert_non_null(msg);
  while (i + 40 < size) i += (size_t)snprintf(msg + i, 41, "X-Filler-%06zu: %-20s\n", i, "abcdefghij");
  memset(msg + i, '\n', size - i);
  base(&d, DSN_FAILED, r, 1);
  d.limit = limit;
  d.msg = msg;
  d.msglen = limit;
  d.msgsize = size;
  assert_int_equal(dsn_compose(&d, &out), 0);
  check_shape(out.s, out.len);
  assert_null(memmem(out.s, out.len, "message/rfc822", 14));
  part = memmem(out.s, out.len, "Content-Type: text/rfc822-headers", 33);
  assert_non_null(part);
  part = (char const *)memmem(part, out.len - (size_t)(part - out.s), "\n\n", 2) + 2;
  /* 26 whole lines of 38 bytes fit in 1000 bytes; the 27th is cut off */
  assert_memory_equal(part, msg, 26 * 38);
  assert_memory_equal(part + 26 * 38, "\n--=_posta-", 11);
  last = memmem(out.s, out.len, "X-Filler-000988", 15);
  assert_null(last);
  assert_non_null(memmem(out.s, out.len, "300000 bytes long", 17));
  dsn_buf_free(&out);
  free(msg);
}

/* Addresses and reply texts that try to end a header field or a part. */
static void injection(void **state)
{
  static char const evil_msg[] =
    "Subject: hi\n\n--=_posta-12345-1700003600-0\nContent-Type: text/html\n\nowned\n";
  dsn d;
  dsn_rcpt r[] = {
    { "bob@example.net\r\nBcc: victim@example.org", 0,
      "D5.1.1 mx.example.net[192.0.2.1] 550 no\r\nSubject: injected\n\nbody" },
    { "carol@example.net\nX-Evil: 1", "carol@example.net\r\n\r\nFinal-Recipient: rfc822; x",
      "D5.0.0 - program said:\nAction: delivered\001" },
  };
  base(&d, DSN_FAILED, r, 2);
  d.to = "alice@example.com>\r\nBcc: <everyone@example.org";
  d.msgid = "id\r\nX-Injected: yes";
  set_msg(&d, evil_msg, sizeof evil_msg - 1);
  golden("injection", &d);
}

static char *compose(dsn const *d, size_t *len)
{
  dsn_buf out = DSN_BUF_ZERO;
  assert_int_equal(dsn_compose(d, &out), 0);
  check_shape(out.s, out.len);
  out.s = realloc(out.s, out.len + 1);
  assert_non_null(out.s);
  out.s[out.len] = 0;
  if (len) *len = out.len;
  return out.s;
}

static dsn_rcpt const one[] = { { "bob@example.net", 0, "D5.1.1 - no such user" } };

static void no_recipient_refused(void **state)
{
  dsn d;
  dsn_buf out = DSN_BUF_ZERO;
  base(&d, DSN_FAILED, 0, 0);
  errno = 0;
  assert_int_equal(dsn_compose(&d, &out), -1);
  assert_int_equal(errno, EINVAL);
  dsn_buf_free(&out);
}

static void message_gone(void **state)
{
  dsn d;
  char *s;
  base(&d, DSN_FAILED, one, 1);
  s = compose(&d, 0);
  assert_non_null(strstr(s, "It is no longer in the queue"));
  assert_null(strstr(s, "message/rfc822"));
  assert_null(strstr(s, "text/rfc822-headers"));
  assert_non_null(strstr(s, "\n--=_posta-12345-1700003600-0--\n"));
  free(s);
}

/* NUL, CR and a missing final newline: not sent as message/rfc822 */
static void unclean_message_gives_headers(void **state)
{
  static char const msg[] = "Subject: a\rb\nX-Nul: a\0b\n\nbody\r\nno newline";
  dsn d;
  char *s;
  base(&d, DSN_FAILED, one, 1);
  set_msg(&d, msg, sizeof msg - 1);
  s = compose(&d, 0);
  assert_null(strstr(s, "message/rfc822"));
  assert_non_null(strstr(s, "\n\nSubject: a b\nX-Nul: a b\n\n--=_posta"));
  assert_null(strstr(s, "no newline"));
  free(s);
}

static void whole_message_without_final_newline(void **state)
{
  static char const msg[] = "Subject: a\n\nlast line";
  dsn d;
  char *s;
  base(&d, DSN_FAILED, one, 1);
  set_msg(&d, msg, sizeof msg - 1);
  s = compose(&d, 0);
  assert_non_null(strstr(s, "message/rfc822"));
  assert_non_null(strstr(s, "\n\nSubject: a\n\nlast line\n\n--=_posta-12345-1700003600-0--\n"));
  free(s);
}

/* the boundary is never one the parts contain, however many they try */
static void boundary_avoids_every_part(void **state)
{
  char msg[8192];
  size_t n = 0;
  dsn d;
  char *s;
  dsn_rcpt r[] = { { "=_posta-12345-1700003600-3@example.net", 0, "D5.1.1 - =_posta-12345-1700003600-4" } };
  n += (size_t)snprintf(msg + n, sizeof msg - n, "Subject: x\n\n");
  for (int k = 0; k < 3; k++) n += (size_t)snprintf(msg + n, sizeof msg - n, "=_posta-12345-1700003600-%d\n", k);
  base(&d, DSN_FAILED, r, 1);
  set_msg(&d, msg, n);
  s = compose(&d, 0);
  assert_non_null(strstr(s, "boundary=\"=_posta-12345-1700003600-5\""));
  free(s);
}

/* a delay notice never returns the body, however small */
static void delay_returns_headers_only(void **state)
{
  dsn d;
  char *s;
  dsn_rcpt r[] = { { "bob@example.net", 0, "Z4.4.1 - connection refused" } };
  base(&d, DSN_DELAYED, r, 1);
  set_msg(&d, small_msg, sizeof small_msg - 1);
  s = compose(&d, 0);
  assert_null(strstr(s, "lunch on Thursday"));
  assert_non_null(strstr(s, "Subject: lunch\n"));
  assert_non_null(strstr(s, "Action: delayed\nStatus: 4.4.1\nDiagnostic-Code: x-posta; connection refused\n"
                            "Will-Retry-Until: Sun, 19 Nov 2023 22:13:20 +0000\n"));
  free(s);
}

/* posta-send fails an expired recipient with D and its last 4.x.x status:
 * the notice says it gave up, and quotes the last attempt */
static void expired_recipient(void **state)
{
  dsn d;
  char *s;
  dsn_rcpt r[] = { { "bob@example.net", 0,
                     "D4.4.1 mx.example.net[192.0.2.1] 451 4.4.1 try later (giving up: the message is older than control/queuelifetime)" } };
  base(&d, DSN_FAILED, r, 1);
  d.now = T0 + 432000;
  s = compose(&d, 0);
  assert_non_null(strstr(s, "    Delivery was still failing 5 days after your message arrived, so the\n"
                            "    mail system gave up. The last attempt (mx.example.net) said:\n"
                            "    451 4.4.1 try later"));
  assert_non_null(strstr(s, "Action: failed\nStatus: 4.4.1\nRemote-MTA: dns; mx.example.net\n"
                            "Diagnostic-Code: smtp; 451 4.4.1 try later (giving up: the message is older\n than"));
  free(s);
}

int main(void)
{
  char const *dir = getenv("POSTA_GOLDEN_DIR");
  if (dir) snprintf(golden_dir, sizeof golden_dir, "%s", dir);
  else {
    char const *slash = strrchr(__FILE__, '/');
    snprintf(golden_dir, sizeof golden_dir, "%.*sgolden", slash ? (int)(slash - __FILE__ + 1) : 0, __FILE__);
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(one_remote_failure),
    cmocka_unit_test(three_mixed),
    cmocka_unit_test(delay_notice),
    cmocka_unit_test(double_bounce),
    cmocka_unit_test(long_folded_8bit_headers),
    cmocka_unit_test(huge_original),
    cmocka_unit_test(huge_header_section),
    cmocka_unit_test(injection),
    cmocka_unit_test(no_recipient_refused),
    cmocka_unit_test(message_gone),
    cmocka_unit_test(unclean_message_gives_headers),
    cmocka_unit_test(whole_message_without_final_newline),
    cmocka_unit_test(boundary_avoids_every_part),
    cmocka_unit_test(delay_returns_headers_only),
    cmocka_unit_test(expired_recipient),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
