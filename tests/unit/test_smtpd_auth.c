/* test_smtpd_auth: AUTH in whole sessions (smtpd_harness.h), with a
 * checkpassword script that knows alice@example.org / "pw" and records
 * its arguments, so that the password is seen to travel on fd 3 only. */
#include "smtpd_harness.h"
#include "unit.h"

#define CHECKPW \
  "#!/bin/sh\n" \
  "echo \"$@\" >> fq/checkpw.args\n" \
  "tr '\\0' '\\n' <&3 | { read u; read p; read t; [ \"$u\" = temp ] && exit 111;\n" \
  "  [ -n \"$t\" ] || exit 1; [ \"$u\" = alice@example.org ] && [ \"$p\" = pw ] || exit 1; exit 0; }\n" \
  "r=$?; [ $r = 0 ] || exit $r\n" \
  "exec \"$@\"\n"

/* base64 of "\0alice@example.org\0pw", "\0alice@example.org\0bad", "\0temp\0x" */
#define PLAIN_OK "AGFsaWNlQGV4YW1wbGUub3JnAHB3"
#define PLAIN_BAD "AGFsaWNlQGV4YW1wbGUub3JnAGJhZA=="
#define PLAIN_TEMP "AHRlbXAAeA=="

static int auth_setup(void **state)
{
  if (setup(state) < 0) return -1;
  write_file("checkpw", CHECKPW);
  chmod("checkpw", 0755);
  write_file("control/checkpassword", "./checkpw\n");
  /* TLS on, as posta-tlsd -i says it */
  setenv("SSL_PROTOCOL", "TLSv1.3", 1);
  setenv("SSL_CIPHER", "TLS_AES_256_GCM_SHA384", 1);
  unsetenv("POSTA_TLSFD");
  return 0;
}

static int auth_teardown(void **state)
{
  unsetenv("SSL_PROTOCOL");
  unsetenv("SSL_CIPHER");
  return teardown(state);
}

/* session() in submission mode (posta-smtpd -s) */
static void submission(char const *input)
{
  session_as(input, strlen(input), 1);
}

static void offered_only_with_tls(void **state)
{
  session("EHLO a\r\nQUIT\r\n");
  assert_non_null(strstr(out, "250-AUTH PLAIN LOGIN\r\n"));
  unsetenv("SSL_PROTOCOL");
  session("EHLO a\r\nAUTH PLAIN " PLAIN_OK "\r\nQUIT\r\n");
  assert_null(strstr(out, "AUTH"));
  expect("220 ");
  while (!strncmp(cursor, "250-", 4)) expect("250-");
  expect("250 ");
  expect("538 5.7.11");
  expect("221 ");
  write_file("control/authinsecure", "1\n");
  session("EHLO a\r\nAUTH PLAIN " PLAIN_OK "\r\nQUIT\r\n");
  assert_non_null(strstr(out, "250-AUTH PLAIN LOGIN\r\n"));
  assert_non_null(strstr(out, "\r\n235 2.7.0"));
  unlink("control/authinsecure");
}

static void plain_relays_and_says_esmtpsa(void **state)
{
  size_t len;
  unlink("fq/checkpw.args");
  dialog("EHLO a\r\nAUTH PLAIN " PLAIN_OK "\r\nEHLO a\r\nMAIL FROM:<alice@example.org>\r\n"
         "RCPT TO:<carol@far.test>\r\nDATA\r\n", "Subject: x\r\n\r\nx\r\n.\r\nQUIT\r\n");
  char const *c = strstr(out, "\r\n235 2.7.0");
  assert_non_null(c);
  /* the second EHLO offers AUTH no more */
  assert_null(strstr(c, "AUTH"));
  assert_non_null(strstr(out, "\r\n250 2.1.5"));
  assert_true(queued());
  char *msg = slurp("fq/msg", &len);
  assert_non_null(strstr(msg, "with ESMTPSA (TLSv1.3 cipher TLS_AES_256_GCM_SHA384)\n"));
  /* the password went on fd 3, never in an argument */
  char *args = slurp("fq/checkpw.args", &len);
  assert_string_equal(args, "/bin/true\n");
}

static void without_auth_no_relay(void **state)
{
  session("EHLO a\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<carol@far.test>\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n553 5.7.1 relaying denied"));
}

static void login_and_exchanges(void **state)
{
  /* "alice@example.org", "pw" */
  session("EHLO a\r\nAUTH LOGIN\r\nYWxpY2VAZXhhbXBsZS5vcmc=\r\ncHc=\r\nAUTH LOGIN\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 2.7.0"));
  assert_non_null(strstr(out, "\r\n503 5.5.1 already authenticated"));
  session("EHLO a\r\nAUTH LOGIN YWxpY2VAZXhhbXBsZS5vcmc=\r\ncHc=\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n334 UGFzc3dvcmQ6\r\n235 2.7.0"));
  session("EHLO a\r\nAUTH PLAIN\r\n*\r\nAUTH PLAIN\r\nnot base64!\r\nAUTH CRAM-MD5\r\n"
          "AUTH PLAIN =\r\nMAIL FROM:<x@y.test>\r\nAUTH PLAIN " PLAIN_OK "\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n334 \r\n501 5.0.0 authentication cancelled"));
  assert_non_null(strstr(out, "\r\n334 \r\n501 5.5.2 cannot decode"));
  assert_non_null(strstr(out, "\r\n504 5.5.4"));
  assert_non_null(strstr(out, "\r\n501 5.5.2 malformed PLAIN"));
  assert_non_null(strstr(out, "\r\n503 5.5.1 AUTH not allowed in a mail transaction"));
  session("AUTH PLAIN " PLAIN_OK "\r\nQUIT\r\n");
  expect("220 ");
  expect("503 5.5.1 send EHLO first");
}

static void failures_and_temporary(void **state)
{
  session("EHLO a\r\nAUTH PLAIN " PLAIN_TEMP "\r\nAUTH PLAIN " PLAIN_BAD "\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n454 4.7.0"));
  assert_non_null(strstr(out, "\r\n535 5.7.8"));
  /* an authorization identity other than the login */
  session("EHLO a\r\nAUTH PLAIN Ym9iAGFsaWNlQGV4YW1wbGUub3JnAHB3\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n501 5.5.2 malformed PLAIN"));
}

/* Failures add up across sessions for one client address: the one that
 * reaches control/authfailmax ends its session, and the next AUTH is 454
 * before any password is checked; another address is not concerned. */
static void failures_across_sessions(void **state)
{
  size_t len;
  write_file("control/authfailmax", "2\n");
  unlink("smtpd/authfail");
  session("EHLO a\r\nAUTH PLAIN " PLAIN_BAD "\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n535 5.7.8"));
  session("EHLO a\r\nAUTH PLAIN " PLAIN_BAD "\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n421 4.7.0"));
  unlink("fq/checkpw.args");
  session("EHLO a\r\nAUTH PLAIN " PLAIN_OK "\r\nAUTH LOGIN\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n454 4.7.0 too many authentication failures from your address, try again later\r\n"
                              "454 4.7.0 too many authentication failures from your address, try again later\r\n221 "));
  assert_int_equal(access("fq/checkpw.args", F_OK), -1);
  setenv("TCPREMOTEIP", "192.0.2.8", 1);
  session("EHLO a\r\nAUTH PLAIN " PLAIN_OK "\r\nQUIT\r\n");
  setenv("TCPREMOTEIP", "192.0.2.7", 1);
  assert_non_null(strstr(out, "\r\n235 2.7.0"));
  assert_string_equal(slurp("fq/checkpw.args", &len), "/bin/true\n");
  /* the table cannot be used: no password is checked either */
  unlink("smtpd/authfail");
  assert_int_equal(symlink("../fq/elsewhere", "smtpd/authfail"), 0);
  unlink("fq/checkpw.args");
  session("EHLO a\r\nAUTH PLAIN " PLAIN_OK "\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n454 4.7.0 temporary authentication failure"));
  assert_int_equal(access("fq/checkpw.args", F_OK), -1);
  assert_int_equal(access("fq/elsewhere", F_OK), -1);
  unlink("smtpd/authfail");
  unlink("control/authfailmax");
}

static void submission_needs_auth(void **state)
{
  submission("EHLO a\r\nMAIL FROM:<alice@example.org>\r\nAUTH PLAIN " PLAIN_OK "\r\n"
             "MAIL FROM:<bob@example.org>\r\nMAIL FROM:<alice@example.org>\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n530 5.7.0 authentication required\r\n235 2.7.0"));
  assert_non_null(strstr(out, "\r\n553 5.7.1 sender address not owned"));
  assert_non_null(strstr(out, "\r\n250 2.1.0"));
  unsetenv("SSL_PROTOCOL");
  submission("EHLO a\r\nMAIL FROM:<alice@example.org>\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n530 5.7.0 must issue a STARTTLS command first"));
  /* RELAYCLIENT (tcprules) needs no AUTH */
  setenv("RELAYCLIENT", "", 1);
  submission("EHLO a\r\nMAIL FROM:<alice@example.org>\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n250 2.1.0"));
  unsetenv("RELAYCLIENT");
}

static void authsenders(void **state)
{
  write_file("control/authsenders", "alice@example.org bob@example.org\nALICE@example.org @lists.test\n"
                                    "carol@example.org *\n");
  submission("EHLO a\r\nAUTH PLAIN " PLAIN_OK "\r\nMAIL FROM:<bob@example.org>\r\nRSET\r\n"
             "MAIL FROM:<x@LISTS.test>\r\nRSET\r\nMAIL FROM:<x@other.test>\r\nMAIL FROM:<>\r\nQUIT\r\n");
  assert_non_null(strstr(out, "\r\n235 2.7.0 authentication successful\r\n250 2.1.0 ok\r\n250 2.0.0 ok\r\n"
                              "250 2.1.0 ok\r\n250 2.0.0 ok\r\n553 5.7.1 sender address not owned by the "
                              "authenticated user\r\n250 2.1.0 ok\r\n"));
  unlink("control/authsenders");
}

/* each test starts with TLS on, as posta-tlsd -i runs us */
static int tls_on(void **state)
{
  setenv("SSL_PROTOCOL", "TLSv1.3", 1);
  return 0;
}

#define T(f) cmocka_unit_test_setup(f, tls_on)

UNIT_MAIN(auth_setup, auth_teardown,
    T(offered_only_with_tls),
    T(plain_relays_and_says_esmtpsa),
    T(without_auth_no_relay),
    T(login_and_exchanges),
    T(failures_and_temporary),
    T(failures_across_sessions),
    T(submission_needs_auth),
    T(authsenders),
)
