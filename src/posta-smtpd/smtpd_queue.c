/* smtpd_queue: run the injector and read its verdict. See smtpd_queue.h.
 *
 * Exit codes are qmail-queue's: 0 queued; 11 to 40 and 91 permanent, every
 * other code (and a crash) temporary. */
#include "posta-smtpd/smtpd_queue.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

typedef struct inj_code_s inj_code;
struct inj_code_s {
  int code;
  char const *reply;
};

static inj_code const codes[] = {
  { 11, "554 5.1.3 envelope address too long for the queue" },
  { 31, "554 5.3.0 the mail server permanently refuses the message" },
  { 51, "451 4.3.0 the queue ran out of memory" },
  { 52, "451 4.3.0 the queue timed out" },
  { 53, "451 4.3.0 the queue could not write the message (disk full?)" },
  { 54, "451 4.3.0 the queue could not read the message or the envelope" },
  { 55, "451 4.3.0 the queue could not read its configuration" },
  { 56, "451 4.3.0 the queue had a network problem" },
  { 61, "451 4.3.0 the queue could not use its home" },
  { 62, "451 4.3.0 the queue could not use its folder" },
  { 63, "451 4.3.0 the queue could not use queue/pid" },
  { 64, "451 4.3.0 the queue could not use queue/mess" },
  { 65, "451 4.3.0 the queue could not use queue/intd" },
  { 66, "451 4.3.0 the queue could not use queue/todo" },
  { 71, "451 4.3.0 the mail server temporarily refuses the message" },
  { 72, "451 4.3.0 the connection to the mail server timed out" },
  { 73, "451 4.3.0 the connection to the mail server was refused" },
  { 74, "451 4.3.0 the mail server could not be reached" },
  { 81, "451 4.3.0 internal error in the queue" },
  { 91, "554 5.6.0 the queue refused the envelope" },
  { SMTPD_INJ_EXEC, "451 4.3.0 unable to run the queue" },
  { SMTPD_INJ_LOST, "451 4.3.0 the queue crashed" },
};

static void child(int m, int e, char const *prog)
{
  char const *argv[2] = { prog, 0 };
  if (dup2(m, 0) < 0 || dup2(e, 1) < 0) _exit(SMTPD_INJ_EXEC);
  signal(SIGPIPE, SIG_DFL);
  execve(prog, (char *const *)argv, environ);
  _exit(SMTPD_INJ_EXEC);
}

int smtpd_queue_start(smtpd_inj *j, char const *prog, unsigned timeout, int usesocket)
{
  int m[2], e[2];
  if (usesocket && smtpd_injd_connect(j, timeout) == 0) return 0;
  j->sock = 0;
  j->id = 0;
  j->stagelen = 0;
  if (pipe2(m, O_CLOEXEC) < 0) return -1;
  if (pipe2(e, O_CLOEXEC) < 0) goto err1;
  j->pid = fork();
  if (j->pid < 0) goto err2;
  if (!j->pid) child(m[0], e[0], prog);
  close(m[0]);
  close(e[0]);
  smtpd_io_init(&j->msg, m[1], timeout);
  j->envfd = e[1];
  j->broken = 0;
  return 0;
err2:
  close(e[0]);
  close(e[1]);
err1:
  {
    int err = errno;
    close(m[0]);
    close(m[1]);
    errno = err;
  }
  return -1;
}

void smtpd_queue_put(smtpd_inj *j, char const *s, size_t n)
{
  if (j->broken || j->msg.fd < 0) return;
  if (j->sock) { smtpd_injd_put(j, s, n); return; }
  if (smtpd_io_put(&j->msg, s, n) < 0) j->broken = 1;
}

void smtpd_queue_abort(smtpd_inj *j)
{
  if (j->msg.fd >= 0) close(j->msg.fd);
  if (j->envfd >= 0) close(j->envfd);
  j->msg.fd = j->envfd = -1;
  j->msg.len = 0;
  j->broken = 1;
}

int smtpd_queue_commit(smtpd_inj *j, char const *sender, size_t slen, char const *rcpts, size_t rlen)
{
  if (j->sock) return smtpd_injd_commit(j, sender, slen, rcpts, rlen);
  if (j->broken || smtpd_io_flush(&j->msg) < 0) { smtpd_queue_abort(j); return -1; }
  close(j->msg.fd);
  /* the message buffer is free: it carries the envelope now */
  smtpd_io_init(&j->msg, j->envfd, (unsigned)(j->msg.timeout_ms < 0 ? 0 : j->msg.timeout_ms / 1000));
  j->envfd = -1;
  if (smtpd_io_put(&j->msg, "F", 1) < 0 || smtpd_io_put(&j->msg, sender, slen) < 0 || smtpd_io_put(&j->msg, "", 1) < 0
      || smtpd_io_put(&j->msg, rcpts, rlen) < 0 || smtpd_io_put(&j->msg, "", 1) < 0 || smtpd_io_flush(&j->msg) < 0) {
    /* a torn envelope has no final NUL: the injector refuses it */
    smtpd_queue_abort(j);
    return -1;
  }
  close(j->msg.fd);
  j->msg.fd = -1;
  return 0;
}

int smtpd_queue_wait(smtpd_inj *j)
{
  int status;
  if (j->sock) return smtpd_injd_wait(j);
  while (waitpid(j->pid, &status, 0) < 0)
    if (errno != EINTR) return 256 + SIGKILL;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 256 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

char const *smtpd_queue_reply(int status, char *why)
{
  char const *word = status > 255 ? "signal " : "exit ";
  int v = status > 255 ? status - 256 : status;
  size_t n = 0;
  while (*word) why[n++] = *word++;
  if (v >= 100) why[n++] = (char)('0' + v / 100 % 10);
  if (v >= 10) why[n++] = (char)('0' + v / 10 % 10);
  why[n++] = (char)('0' + v % 10);
  why[n] = 0;
  if (status > 255) return "451 4.3.0 the queue crashed";
  for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
    if (codes[i].code == status) return codes[i].reply;
  if (status >= 11 && status <= 40) return "554 5.3.0 the queue refuses the message";
  return "451 4.3.0 temporary queue failure";
}
