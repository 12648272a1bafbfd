/* rspawn_io: requests from fd 0, answers to fd 1 (the same SOCK_SEQPACKET
 * socket in posta-start's setup), both without ever blocking. See rspawn.h. */
#include "posta-rspawn/rspawn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "common/fdpass.h"


static void one_request(rspawn *r, size_t len, int truncated, int fd)
{
  rspawn_req req;
  char const *why;
  if (truncated) {
    /* keep the whole fields only, then refuse it for its size */
    while (len && r->req[len - 1]) len--;
  }
  int rr = rspawn_req_parse(&req, r->req, len, &why);
  if (rr == 0 && truncated) { rr = -1; why = "request too long"; }
  if (rr == 0 && fd < 0) { rr = -1; why = "no message descriptor"; }
  if (rr == -2) strerr_warnw("ignored an unreadable request: ", why);
  else if (rr == -1) rspawn_refuse(r, &req, why);
  else {
    rspawn_start(r, &req, fd);
    return;
  }
  if (fd >= 0) close(fd);
}

void rspawn_requests(rspawn *r)
{
  for (;;) {
    fdpass_got got;
    ssize_t n = fdpass_recv(0, r->req, RSPAWN_REQ_MAX + 4096, MSG_DONTWAIT, &got);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0) strerr_warnwusys("read requests");
    if (n <= 0) {
      if (got.fd >= 0) close(got.fd);
      r->eof = 1;
      return;
    }
    one_request(r, (size_t)n, got.truncated, got.fd);
  }
}

int rspawn_answer_queue(rspawn *r, char const *data, size_t len)
{
  rspawn_answer *a = malloc(sizeof *a + len);
  if (!a) return -1;
  a->next = 0;
  a->len = len;
  memcpy(a->data, data, len);
  if (r->tail) r->tail->next = a;
  else r->head = a;
  r->tail = a;
  return 0;
}

static void drop_head(rspawn *r)
{
  rspawn_answer *a = r->head;
  r->head = a->next;
  if (!r->head) r->tail = 0;
  free(a);
}

void rspawn_answers_send(rspawn *r)
{
  while (r->head) {
    ssize_t n = send(1, r->head->data, r->head->len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0) {
      strerr_warnwusys("send an answer");
      r->lost = 1;
    }
    drop_head(r);
  }
}
