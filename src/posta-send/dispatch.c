/* dispatch: sending one request to a spawner. See dispatch.h. */
#include "posta-send/dispatch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/qpath.h"
#include "posta-send/schedq.h"
#include "posta-send/slog.h"

int dispatch_slots(chan *ch, unsigned limit)
{
  if (ch->njobs >= limit) return 0;
  job *j = realloc(ch->jobs, limit * sizeof *j);
  if (!j) return -1;
  memset(j + ch->njobs, 0, (limit - ch->njobs) * sizeof *j);
  ch->jobs = j;
  ch->njobs = limit;
  return 0;
}

static int free_slot(chan const *ch)
{
  for (unsigned s = 0; s < ch->njobs; s++)
    if (!ch->jobs[s].m) return (int)s;
  return -1;
}

static void log_start(send_ctx *ctx, job const *j, int c)
{
  slog l;
  slog_start(&l, ctx->logfd);
  slog_str(&l, "starting delivery ");
  slog_u(&l, j->number);
  slog_str(&l, ": msg ");
  slog_u(&l, j->m->id);
  slog_str(&l, c == CHAN_LOCAL ? " to local" : " to remote");
  for (size_t k = 0; k < j->nr; k++) {
    slog_str(&l, " ");
    slog_addr(&l, j->m->rc[c].v[j->ri[k]].addr);
  }
  slog_end(&l);
}

/* posta-rspawn gets the message's descriptor; posta-lspawn, which runs as
 * root, only its id: it opens the queue's file itself, so that nothing
 * posta-send hands it can make root read another file. */
static int send_request(send_ctx *ctx, msg *m, int c, chan *ch)
{
  char path[QPATH_MAX];
  int fd = -1;
  if (c == CHAN_REMOTE) {
    qpath(path, "mess", m->id);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) { slog_unable(ctx->logfd, "open ", path, errno); return -1; }
  }
  int r = spawnproto_req_send(ch->fd, &ctx->req, fd);
  int e = errno;
  if (fd >= 0) close(fd);
  if (!r) return 0;
  if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS) { ch->full = 1; return 1; }
  errno = e;
  slog_unable(ctx->logfd, "send a request to posta-", ch->name[0] == 'l' ? "lspawn" : "rspawn", errno);
  schedq_stop(ctx, 111);
  return -2;
}

int dispatch_job(send_ctx *ctx, msg *m, int c, dest *d, uint32_t const *idx, size_t n)
{
  chan *ch = &ctx->ch[c];
  int slot = free_slot(ch);
  size_t k = 0;
  if (slot < 0) { ch->full = 1; return 0; }
  if (spawnproto_req_start(&ctx->req, (unsigned)slot, m->id, m->inf.sender) < 0) return -1;
  while (k < n && (c == CHAN_REMOTE || !k) && spawnproto_req_add(&ctx->req, m->rc[c].v[idx[k]].addr) == 0) k++;
  if (!k) return -1;
  uint32_t *ri = malloc(k * sizeof *ri);
  if (!ri) { schedq_nomem(ctx); return -2; }
  int r = send_request(ctx, m, c, ch);
  if (r) { free(ri); return r > 0 ? 0 : r; }
  memcpy(ri, idx, k * sizeof *ri);
  job *j = &ch->jobs[slot];
  j->m = m;
  j->d = d;
  j->ri = ri;
  j->nr = k;
  j->number = ++ctx->deliveries;
  j->started = ctx->now;
  for (size_t i = 0; i < k; i++) m->rc[c].v[idx[i]].busy = 1;
  m->inflight++;
  ch->g.inflight++;
  if (d) d->inflight++;
  ctx->status_changed = 1;
  log_start(ctx, j, c);
  return (int)k;
}

void dispatch_status(send_ctx *ctx)
{
  slog l;
  slog_start(&l, ctx->logfd);
  slog_str(&l, "status: local ");
  slog_u(&l, ctx->ch[CHAN_LOCAL].g.inflight);
  slog_str(&l, "/");
  slog_u(&l, ctx->ch[CHAN_LOCAL].g.limit);
  slog_str(&l, " remote ");
  slog_u(&l, ctx->ch[CHAN_REMOTE].g.inflight);
  slog_str(&l, "/");
  slog_u(&l, ctx->ch[CHAN_REMOTE].g.limit);
  slog_end(&l);
  ctx->status_changed = 0;
}
