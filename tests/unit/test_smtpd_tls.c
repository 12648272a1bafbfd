/* test_smtpd_tls: STARTTLS as posta-smtpd does it, against a fake
 * posta-tlsd on the control socket: the switch's messages, what is thrown
 * away (the CVE-2011-0411 class: nothing pipelined behind STARTTLS, nor
 * anything that reached the pipe before the switch, is ever executed), and
 * the session forgotten after it (RFC 3207 4.2). */
#include "smtpd_harness.h"

typedef struct fake_s fake;
struct fake_s {
  int in;      /* we write what the client says */
  int out;     /* we read the replies */
  int ctl;     /* we are posta-tlsd */
  pid_t pid;
};

static void start(fake *f)
{
  int in[2], o[2], c[2];
  char num[16];
  assert_int_equal(pipe(in), 0);
  assert_int_equal(pipe(o), 0);
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, c), 0);
  snprintf(num, sizeof num, "%d", c[1]);
  setenv("POSTA_TLSFD", num, 1);
  f->pid = fork();
  assert_true(f->pid >= 0);
  if (!f->pid) {
    smtpd s;
    signal(SIGPIPE, SIG_IGN);
    close(in[1]); close(o[0]); close(c[0]);
    if (smtpd_session_init(&s, exists, in[0], o[1]) < 0) _exit(1);
    smtpd_session_run(&s);
    _exit(0);
  }
  unsetenv("POSTA_TLSFD");
  close(in[0]); close(o[1]); close(c[1]);
  f->in = in[1];
  f->out = o[0];
  f->ctl = c[0];
}

/* Reads until the text read so far ends with end (or end of file). */
static char *read_until(int fd, char const *end)
{
  size_t n = 0, k = strlen(end);
  for (;;) {
    out[n] = 0;
    if (n >= k && !strcmp(out + n - k, end)) break;
    ssize_t r = read(fd, out + n, 1);
    if (r <= 0) break;
    n++;
  }
  return out;
}

static void finish(fake *f)
{
  int st;
  close(f->in);
  read_until(f->out, "\x01never");
  close(f->out);
  close(f->ctl);
  assert_int_equal(waitpid(f->pid, &st, 0), f->pid);
  assert_true(WIFEXITED(st) && !WEXITSTATUS(st));
}

static void switch_throws_away_what_was_pipelined(void **state)
{
  fake f;
  start(&f);
  read_until(f.out, "ESMTP\r\n");
  send_all(f.in, "EHLO a\r\n");
  assert_non_null(strstr(read_until(f.out, "250 SMTPUTF8\r\n"), "250-STARTTLS\r\n"));
  /* the attack: commands in the same packet as STARTTLS */
  send_all(f.in, "STARTTLS\r\nMAIL FROM:<evil@x.test>\r\nRCPT TO:<alice@example.org>\r\n");
  assert_string_equal(read_until(f.ctl, "\n"), "S220 2.0.0 ready to start TLS\r\n");
  /* more plain text that reached the pipe before the handshake ended */
  send_all(f.in, "RSET\r\nMAIL FROM:<evil2@x.test>\r\n");
  send_all(f.ctl, "YTLSv1.3 TLS_AES_128_GCM_SHA256\n");
  assert_string_equal(read_until(f.ctl, "\n"), "A\n");
  /* now the decrypted words: EHLO is needed again, no STARTTLS offered */
  send_all(f.in, "MAIL FROM:<a@b.test>\r\nEHLO a\r\nRCPT TO:<alice@example.org>\r\nQUIT\r\n");
  read_until(f.out, "221 2.0.0 mx.example.org closing connection\r\n");
  cursor = out;
  expect("503 5.5.1 send HELO or EHLO first");
  expect("250-mx.example.org");
  assert_null(strstr(out, "STARTTLS"));
  assert_non_null(strstr(out, "250-AUTH PLAIN LOGIN\r\n"));
  while (!strncmp(cursor, "250-", 4)) expect("250-");
  expect("250 SMTPUTF8");
  expect("503 5.5.1 send MAIL first");
  expect("221 ");
  expect_end();
  finish(&f);
}

static void refusals(void **state)
{
  fake f;
  start(&f);
  read_until(f.out, "ESMTP\r\n");
  send_all(f.in, "EHLO a\r\nSTARTTLS now\r\nMAIL FROM:<a@b.test>\r\nSTARTTLS\r\nRSET\r\nQUIT\r\n");
  read_until(f.out, "closing connection\r\n");
  assert_non_null(strstr(out, "\r\n501 5.5.4 syntax: STARTTLS takes no argument\r\n250 2.1.0 ok\r\n"
                              "503 5.5.1 STARTTLS not allowed in a mail transaction\r\n250 2.0.0 ok\r\n221 "));
  finish(&f);
  /* without posta-tlsd: not offered, 502 */
  session("EHLO a\r\nSTARTTLS\r\nQUIT\r\n");
  assert_null(strstr(out, "250-STARTTLS"));
  assert_non_null(strstr(out, "\r\n502 5.5.1 STARTTLS not offered here\r\n"));
}

static void failed_handshake_ends_the_session(void **state)
{
  fake f;
  start(&f);
  read_until(f.out, "ESMTP\r\n");
  send_all(f.in, "EHLO a\r\nSTARTTLS\r\n");
  assert_string_equal(read_until(f.ctl, "\n"), "S220 2.0.0 ready to start TLS\r\n");
  /* posta-tlsd gives up: end of file on the control socket; what the
   * client says then (if posta-smtpd is still there to read it) is not
   * answered */
  close(f.ctl);
  ssize_t w = write(f.in, "MAIL FROM:<a@b.test>\r\n", 22);
  (void)w;
  read_until(f.out, "\x01never");
  assert_null(strstr(out, "250 2.1.0"));
  f.ctl = open("/dev/null", O_RDONLY);
  finish(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(switch_throws_away_what_was_pipelined),
    cmocka_unit_test(refusals),
    cmocka_unit_test(failed_handshake_ends_the_session),
  };
  /* posta-smtpd may be gone when we write to it */
  signal(SIGPIPE, SIG_IGN);
  return cmocka_run_group_tests(tests, setup, teardown);
}
