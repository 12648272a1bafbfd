/* test_smtpd_b64: strict base64 for SMTP AUTH. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "posta-smtpd/smtpd_b64.h"
#include "unit.h"

static void vectors(void **state)
{
  /* RFC 4648 10 */
  static char const *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
  static char const *const coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
  char out[64], back[64];
  for (unsigned i = 0; i < 7; i++) {
    assert_int_equal(smtpd_b64_encode(plain[i], strlen(plain[i]), out, sizeof out), (long)strlen(coded[i]));
    assert_string_equal(out, coded[i]);
    long n = smtpd_b64_decode(coded[i], strlen(coded[i]), back, sizeof back);
    assert_int_equal(n, (long)strlen(plain[i]));
    assert_memory_equal(back, plain[i], (size_t)n);
  }
}

static void nul_octets(void **state)
{
  char out[32];
  /* "\0alice\0pw" as AUTH PLAIN sends it */
  long n = smtpd_b64_decode("AGFsaWNlAHB3", 12, out, sizeof out);
  assert_int_equal(n, 9);
  assert_memory_equal(out, "\0alice\0pw", 9);
}

static void refused(void **state)
{
  static char const *const bad[] = {
    "Zg=", "Zg", "Z===", "Zm9v=", "Zg==Zg==", "Zm 9v", "Zm9v\r\n", "Zm-v", "Zm_v", "=Zm9", "Z=g=",
  };
  char out[64];
  for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(smtpd_b64_decode(bad[i], strlen(bad[i]), out, sizeof out), -1);
  /* does not fit */
  assert_int_equal(smtpd_b64_decode("Zm9vYmFy", 8, out, 5), -1);
  assert_int_equal(smtpd_b64_decode("Zm9vYmFy", 8, out, 6), 6);
  assert_int_equal(smtpd_b64_encode("foobar", 6, out, 8), -1);
  assert_int_equal(smtpd_b64_encode("foobar", 6, out, 9), 8);
}

static void every_octet(void **state)
{
  char in[256], coded[400], back[256];
  for (int i = 0; i < 256; i++) in[i] = (char)i;
  for (size_t n = 0; n <= 256; n += 17) {
    long k = smtpd_b64_encode(in, n, coded, sizeof coded);
    assert_true(k >= 0);
    assert_int_equal(smtpd_b64_decode(coded, (size_t)k, back, sizeof back), (long)n);
    assert_memory_equal(back, in, n);
  }
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(vectors),
    cmocka_unit_test(nul_octets),
    cmocka_unit_test(refused),
    cmocka_unit_test(every_octet),
)
