/* rspawn_io: requests from fd 0, answers to fd 1 (the same SOCK_SEQPACKET
 * socket in posta-start's setup), both without ever blocking. See rspawn.h. */
#include "posta-rspawn/rspawn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#define FDS_MAX 8

/* The first descriptor passed with msg (others are closed), or -1. */
static int take_fd(struct msghdr *msg)
{
  int fd = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; i++) {
      int x;
      memcpy(&x, CMSG_DATA(c) + i * sizeof(int), sizeof x);
      if (fd < 0) fd = x;
      else close(x);
    }
  }
  return fd;
}

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
  union { struct cmsghdr align; char buf[CMSG_SPACE(FDS_MAX * sizeof(int))]; } ctl;
  for (;;) {
    struct iovec v = { r->req, RSPAWN_REQ_MAX + 4096 };
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &v;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof ctl.buf;
    ssize_t n = recvmsg(0, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0) strerr_warnwusys("read requests");
    if (n <= 0) { r->eof = 1; return; }
    one_request(r, (size_t)n, (msg.msg_flags & MSG_TRUNC) != 0, take_fd(&msg));
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
