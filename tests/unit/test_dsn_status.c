/* Unit tests for src/common/dsn_status.c: which delivery-status fields
 * each kind of result gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/dsn.h"
#include "common/dsn_fmt.h"
#include "common/dsn_part.h"
#include "unit.h"

static void status_part_fields(void **state)
{
  dsn d;
  dsn_buf b = DSN_BUF_ZERO;
  dsn_rcpt r[] = {
    { "a@example.net", 0, "Z4.4.1 [192.0.2.9] timeout" },
    { "v-b@example.com", "b@example.com", "nonsense" },
  };
  memset(&d, 0, sizeof d);
  d.kind = DSN_DELAYED;
  d.me = "me.example\r\n";
  d.id = 7;
  d.arrival = 0;
  d.until = 3600;
  d.rcpt = r;
  d.nrcpt = 2;
  dsn_status_part(&d, &b);
  dsn_fmt_putc(&b, 0);
  assert_string_equal(b.s,
    "Reporting-MTA: dns; me.example\n"
    "X-Posta-Queue-ID: 7\n"
    "Arrival-Date: Thu, 1 Jan 1970 00:00:00 +0000\n"
    "\n"
    "Final-Recipient: rfc822; a@example.net\n"
    "Action: delayed\n"
    "Status: 4.4.1\n"
    "Remote-MTA: dns; [192.0.2.9]\n"
    "Diagnostic-Code: x-posta; timeout\n"
    "Will-Retry-Until: Thu, 1 Jan 1970 01:00:00 +0000\n"
    "\n"
    "Original-Recipient: rfc822; b@example.com\n"
    "Final-Recipient: rfc822; v-b@example.com\n"
    "Action: delayed\n"
    "Status: 4.0.0\n"
    "Diagnostic-Code: x-posta; nonsense\n"
    "Will-Retry-Until: Thu, 1 Jan 1970 01:00:00 +0000\n");
  dsn_buf_free(&b);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(status_part_fields),
)
