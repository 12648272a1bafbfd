/* fuzz_smtpd_session: whole posta-smtpd sessions (src/posta-smtpd/) on any
 * client bytes: commands, parameters, DATA, pipelining, garbage. The
 * settings are a small instance's (control files in a private folder);
 * the injector is a program that takes nothing (/bin/true), so a message
 * that reaches the end of DATA costs a fork. Checks: every reply line the
 * server writes ends in CRLF, starts with a code 2xx to 5xx, holds no
 * other CR, LF or NUL, and is at most 512 octets; the session ends. */
#include "fuzz.h"

#include <signal.h>
#include <strings.h>
#include <sys/mman.h>

#include "posta-smtpd/smtpd.h"

static int exists(char const *local, char const *domain)
{
  if (!strcasecmp(local, "tempfail")) return -1;
  return !strcasecmp(local, "alice") || !strcasecmp(local, "postmaster");
}

static void setup(void)
{
  static int done;
  if (done) return;
  done = 1;
  fuzz_tmpdir();
  mkdir("control", 0700);
  mkdir("queue", 0700);
  fuzz_write("control/me", "mx.example.org\n", 15);
  fuzz_write("control/locals", "example.org\n", 12);
  fuzz_write("control/virtualdomains", "virt.test:v\n", 12);
  fuzz_write("control/rcpthosts", "example.org\n.relay.test\nvirt.test\n", 35);
  fuzz_write("control/badmailfrom", "bad@bad.test\n@evil.test\n", 24);
  fuzz_write("control/databytes", "2000\n", 5);
  fuzz_write("control/maxrcpt", "4\n", 2);
  fuzz_write("control/timeoutsmtpd", "2\n", 2);
  /* refused recipients are answered at once (they wait a second more
   * each after the third, by default) */
  fuzz_write("control/badrcptdelay", "0\n", 2);
  setenv("QMAILQUEUE", "/bin/true", 1);
  setenv("TCPREMOTEIP", "192.0.2.7", 1);
  unsetenv("RELAYCLIENT");
  signal(SIGPIPE, SIG_IGN);
}

static void check_replies(char const *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    char const *crlf = memmem(s + i, n - i, "\r\n", 2);
    FUZZ_CHECK(crlf);
    size_t len = (size_t)(crlf - (s + i));
    FUZZ_CHECK(len >= 3 && len + 2 <= 512);
    FUZZ_CHECK(s[i] >= '2' && s[i] <= '5');
    FUZZ_CHECK(s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9');
    FUZZ_CHECK(len == 3 || s[i + 3] == ' ' || s[i + 3] == '-');
    FUZZ_CHECK(fuzz_no_crlfnul(s + i, len));
    i += len + 2;
  }
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  static smtpd s;
  setup();
  int in = memfd_create("in", 0), out = memfd_create("out", 0);
  FUZZ_CHECK(in >= 0 && out >= 0);
  FUZZ_CHECK(write(in, data, size) == (ssize_t)size);
  FUZZ_CHECK(lseek(in, 0, SEEK_SET) == 0);
  if (size && (data[0] & 1)) setenv("RELAYCLIENT", "", 1);
  else unsetenv("RELAYCLIENT");
  FUZZ_CHECK(smtpd_session_init(&s, exists, in, out) == 0);
  smtpd_session_run(&s);
  smtpd_session_free(&s);
  off_t n = lseek(out, 0, SEEK_END);
  FUZZ_CHECK(n >= 0);
  char *replies = mmap(0, n ? (size_t)n : 1, PROT_READ, MAP_PRIVATE, out, 0);
  FUZZ_CHECK(replies != MAP_FAILED);
  check_replies(replies, (size_t)n);
  munmap(replies, n ? (size_t)n : 1);
  close(in);
  close(out);
  return 0;
}
