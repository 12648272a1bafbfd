/* Unit tests for src/posta-smtpd/smtpd_received.c: the Received line, its
 * protocol names, and that nothing from the network can break it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "posta-smtpd/smtpd.h"
#include "posta-smtpd/smtpd_received.h"
#include "unit.h"

static void protos(void **state)
{
  assert_string_equal(smtpd_received_proto(1, 0, 0, 0), "SMTP");
  assert_string_equal(smtpd_received_proto(1, 1, 1, 0), "SMTP");
  assert_string_equal(smtpd_received_proto(2, 0, 0, 0), "ESMTP");
  assert_string_equal(smtpd_received_proto(2, 0, 1, 0), "ESMTPS");
  assert_string_equal(smtpd_received_proto(2, 0, 0, 1), "ESMTPA");
  assert_string_equal(smtpd_received_proto(2, 0, 1, 1), "ESMTPSA");
  assert_string_equal(smtpd_received_proto(2, 1, 0, 0), "UTF8SMTP");
  assert_string_equal(smtpd_received_proto(2, 1, 1, 0), "UTF8SMTPS");
  assert_string_equal(smtpd_received_proto(2, 1, 1, 1), "UTF8SMTPSA");
}

static void full(void **state)
{
  char out[SMTPD_RECEIVED_MAX];
  smtpd_received r = {
    .helo = "client.example", .remotehost = "host.example", .remoteip = "192.0.2.1",
    .localip = "2001:db8::25", .me = "mx.example.org", .proto = "ESMTP",
    .rcpt = "john doe@example.org", .when = 1700000000,
  };
  size_t n = smtpd_received_fmt(out, &r);
  assert_int_equal(n, strlen(out));
  assert_string_equal(out,
    "Received: from client.example (host.example [192.0.2.1])\n"
    "\tby mx.example.org ([IPv6:2001:db8::25]) with ESMTP\n"
    "\tfor <\"john doe\"@example.org>; Tue, 14 Nov 2023 22:13:20 +0000\n");
}

static void tls_comment(void **state)
{
  char out[SMTPD_RECEIVED_MAX];
  smtpd_received r = {
    .helo = "client.example", .remoteip = "192.0.2.1", .me = "mx.example.org", .proto = "ESMTPSA",
    .tlsversion = "TLSv1.3", .tlscipher = "TLS_AES_256_GCM_SHA384", .when = 1700000000,
  };
  smtpd_received_fmt(out, &r);
  assert_string_equal(out,
    "Received: from client.example ([192.0.2.1])\n"
    "\tby mx.example.org with ESMTPSA (TLSv1.3 cipher TLS_AES_256_GCM_SHA384); Tue, 14 Nov 2023 22:13:20 +0000\n");
  /* whatever the environment says, no control octet and no ')' gets in */
  r.tlsversion = "TLSv1.3)\r\nX: y";
  r.tlscipher = 0;
  smtpd_received_fmt(out, &r);
  assert_non_null(strstr(out, "with ESMTPSA (TLSv1.3???X:?y cipher unknown);"));
}

static void unknowns(void **state)
{
  char out[SMTPD_RECEIVED_MAX];
  smtpd_received r = { .helo = "", .me = "mx", .proto = "SMTP", .when = 0 };
  smtpd_received_fmt(out, &r);
  assert_string_equal(out, "Received: from unknown\n\tby mx with SMTP; Thu, 01 Jan 1970 00:00:00 +0000\n");
  r.remoteip = "127.0.0.1";
  r.helo = "x";
  smtpd_received_fmt(out, &r);
  assert_string_equal(out, "Received: from x ([127.0.0.1])\n\tby mx with SMTP; Thu, 01 Jan 1970 00:00:00 +0000\n");
}

/* HELO names and host names come from the network: controls, spaces and
 * the characters of a comment become '?', the length is bounded. */
static void hostile(void **state)
{
  char out[SMTPD_RECEIVED_MAX], helo[2000];
  memset(helo, 'h', sizeof helo - 1);
  helo[sizeof helo - 1] = 0;
  memcpy(helo, "a\tb c(d)e[f]g\\h;i\x7fj\xc3\xa9", 21);
  smtpd_received r = { .helo = helo, .remotehost = "evil\r\nX-Injected: 1", .remoteip = "1.2.3.4)",
                       .localip = "x]y", .me = "mx", .proto = "ESMTP", .rcpt = "a\nb@c", .when = 0 };
  size_t n = smtpd_received_fmt(out, &r);
  assert_true(n < SMTPD_RECEIVED_MAX);
  assert_non_null(strstr(out, "from a?b?c?d?e?f?g?h?i?j??hhh"));
  assert_non_null(strstr(out, "(evil??X-Injected:?1 [1.2.3.4?])"));
  assert_non_null(strstr(out, "by mx ([x?y])"));
  /* the recipient with a control character is left out, not copied */
  assert_null(strstr(out, "for <"));
  /* three lines, each ended by LF, no CR anywhere, no other control but TAB */
  int lf = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)out[i];
    if (c == '\n') lf++;
    else assert_true(c == '\t' || (c >= 0x20 && c < 0x7f));
  }
  assert_int_equal(lf, 2);
  /* the HELO name is cut at 255 octets */
  char const *from = strstr(out, "from ") + 5;
  assert_int_equal(strchr(from, ' ') - from, 255);
}

static void helo_literal(void **state)
{
  char out[SMTPD_RECEIVED_MAX];
  smtpd_received r = { .helo = "[192.0.2.1]", .me = "mx", .proto = "ESMTP", .when = 0 };
  smtpd_received_fmt(out, &r);
  assert_non_null(strstr(out, "from [192.0.2.1]\n"));
  r.helo = "[IPv6:2001:db8::1]";
  smtpd_received_fmt(out, &r);
  assert_non_null(strstr(out, "from [IPv6:2001:db8::1]\n"));
  /* not a valid literal: cleaned like any other text */
  r.helo = "[192.0.2.1] (fake";
  smtpd_received_fmt(out, &r);
  assert_non_null(strstr(out, "from ?192.0.2.1???fake\n"));
  r.helo = "[999.1.1.1]";
  smtpd_received_fmt(out, &r);
  assert_non_null(strstr(out, "from ?999.1.1.1?\n"));
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(protos),
    cmocka_unit_test(full),
    cmocka_unit_test(tls_comment),
    cmocka_unit_test(unknowns),
    cmocka_unit_test(hostile),
    cmocka_unit_test(helo_literal),
)
