/* pool_net: the listening socket, and the addresses of a connection as
 * tcpserver puts them in the environment. See pool.h.
 *
 * An IPv4 client of an IPv6 socket (::ffff:a.b.c.d) is written a.b.c.d
 * with PROTO=TCP, as tcpserver does; other IPv6 addresses PROTO=TCP6. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <skalibs/strerr.h>

#include "posta-smtpdpool/pool.h"

int pool_listen(char const *addr, char const *port, unsigned backlog)
{
  struct sockaddr_storage ss;
  socklen_t sl;
  char *end;
  unsigned long p = strtoul(port, &end, 10);
  if (!*port || *end || p > 65535) strerr_dief2x(100, "not a port: ", port);
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
  if (!strcmp(addr, "0")) addr = "0.0.0.0";
  if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((unsigned short)p);
    sl = sizeof *a4;
  } else if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((unsigned short)p);
    sl = sizeof *a6;
  } else strerr_dief2x(100, "not an IP address: ", addr);
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd < 0) strerr_diefu1sys(111, "create a socket");
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
    strerr_diefu1sys(111, "set SO_REUSEADDR");
  if (bind(fd, (struct sockaddr *)&ss, sl) < 0) strerr_diefu4sys(111, "bind to ", addr, " port ", port);
  if (listen(fd, (int)(backlog > 65535 ? 65535 : backlog)) < 0) strerr_diefu1sys(111, "listen");
  return fd;
}

/* The address and port of sa as text; 1 for IPv6 proper, else 0. */
static int fmt(struct sockaddr_storage const *sa, char *ip, char *port)
{
  if (sa->ss_family == AF_INET6) {
    struct sockaddr_in6 const *a6 = (struct sockaddr_in6 const *)sa;
    snprintf(port, 8, "%u", (unsigned)ntohs(a6->sin6_port));
    if (IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr)) {
      inet_ntop(AF_INET, a6->sin6_addr.s6_addr + 12, ip, POOL_IP_MAX);
      return 0;
    }
    inet_ntop(AF_INET6, &a6->sin6_addr, ip, POOL_IP_MAX);
    return 1;
  }
  struct sockaddr_in const *a4 = (struct sockaddr_in const *)sa;
  snprintf(port, 8, "%u", (unsigned)ntohs(a4->sin_port));
  inet_ntop(AF_INET, &a4->sin_addr, ip, POOL_IP_MAX);
  return 0;
}

static int add(char *msg, size_t size, size_t *len, char const *name, char const *value)
{
  size_t n = strlen(name), v = strlen(value);
  if (n + v + 2 > size - *len) { errno = ENOBUFS; return -1; }
  memcpy(msg + *len, name, n);
  msg[*len + n] = '=';
  memcpy(msg + *len + n + 1, value, v + 1);
  *len += n + v + 2;
  return 0;
}

int pool_net_vars(int fd, char *msg, size_t size, size_t *len, char *ip)
{
  struct sockaddr_storage r, l;
  socklen_t rl = sizeof r, ll = sizeof l;
  char lip[POOL_IP_MAX], rport[8], lport[8];
  if (getpeername(fd, (struct sockaddr *)&r, &rl) < 0 || getsockname(fd, (struct sockaddr *)&l, &ll) < 0) return -1;
  int six = fmt(&r, ip, rport);
  fmt(&l, lip, lport);
  if (add(msg, size, len, "PROTO", six ? "TCP6" : "TCP") < 0 || add(msg, size, len, "TCPLOCALIP", lip) < 0
      || add(msg, size, len, "TCPLOCALPORT", lport) < 0 || add(msg, size, len, "TCPREMOTEIP", ip) < 0
      || add(msg, size, len, "TCPREMOTEPORT", rport) < 0)
    return -1;
  return 0;
}
