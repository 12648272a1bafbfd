/* inject_qq: spawn the injector and read its verdict. See inject_qq.h. */
#include "sk/inject_qq.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/durable.h"

extern char **environ;

int inject_qq_start(inject_qq *q, char const *prog)
{
  int m[2], e[2];
  posix_spawn_file_actions_t fa;
  char *argv[2] = { (char *)prog, 0 };
  int r;
  if (pipe2(m, O_CLOEXEC) < 0) return -1;
  if (pipe2(e, O_CLOEXEC) < 0) goto close_m;
  /* the child's ends must not already be 0 or 1: main keeps 0-2 open */
  if ((r = posix_spawn_file_actions_init(&fa))) goto fail;
  if ((r = posix_spawn_file_actions_adddup2(&fa, m[0], 0))
      || (r = posix_spawn_file_actions_adddup2(&fa, e[0], 1))
      || (r = posix_spawn(&q->pid, prog, &fa, 0, argv, environ))) {
    posix_spawn_file_actions_destroy(&fa);
    goto fail;
  }
  posix_spawn_file_actions_destroy(&fa);
  close(m[0]);
  close(e[0]);
  q->msg = m[1];
  q->env = e[1];
  return 0;
fail:
  close(e[0]);
  close(e[1]);
  errno = r;
close_m:
  r = errno;
  close(m[0]);
  close(m[1]);
  errno = r;
  return -1;
}

int inject_qq_write(inject_qq *q, char const *s, size_t len)
{
  return durable_write_all(q->msg, s, len);
}

static int wait_for(inject_qq *q)
{
  int status;
  while (waitpid(q->pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return INJECT_QQ_CRASHED;
}

int inject_qq_finish(inject_qq *q, char const *env, size_t envlen)
{
  close(q->msg);
  q->msg = -1;
  /* a failed write is not our verdict: the injector's exit code is */
  (void)durable_write_all(q->env, env, envlen);
  close(q->env);
  q->env = -1;
  return wait_for(q);
}

void inject_qq_abort(inject_qq *q)
{
  if (q->msg >= 0) close(q->msg);
  if (q->env >= 0) close(q->env);
  q->msg = q->env = -1;
  (void)wait_for(q);
}

/* qmail-queue's published table, in our words. */
static struct { int code; char const *text; } const texts[] = {
  { 0, "message queued" },
  { 11, "an envelope address is too long" },
  { 31, "the mail server permanently refuses the message" },
  { 51, "the injector ran out of memory" },
  { 52, "the injector timed out" },
  { 53, "write error or disk full in the queue" },
  { 54, "unable to read the message or its envelope" },
  { 55, "unable to read a configuration file" },
  { 56, "network problem" },
  { 61, "problem with the instance's home folder" },
  { 62, "problem with the queue folder" },
  { 63, "problem with queue/pid" },
  { 64, "problem with queue/mess" },
  { 65, "problem with queue/intd" },
  { 66, "problem with queue/todo" },
  { 71, "the mail server temporarily refuses the message" },
  { 81, "internal bug in the injector" },
  { 91, "envelope format error" },
  { INJECT_QQ_CRASHED, "the injector crashed" },
};

char const *inject_qq_text(int code)
{
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
    if (texts[i].code == code) return texts[i].text;
  return "the injector failed for an unknown reason";
}

int inject_qq_permanent(int code)
{
  return code >= 11 && code <= 40;
}
