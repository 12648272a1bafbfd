/* ipme: this host's addresses. See ipme.h. */
#include "posta-remote/ipme.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "common/control.h"
#include "posta-remote/ipaddr.h"

/* 1 when ip is within the prefix of entry i */
static int within(ipme const *m, size_t i, char const ip[16])
{
  unsigned int bits = m->bits[i], bytes = bits / 8, rest = bits % 8;
  if (memcmp(m->ip[i], ip, bytes)) return 0;
  if (!rest) return 1;
  unsigned char mask = (unsigned char)(0xff << (8 - rest));
  return ((unsigned char)m->ip[i][bytes] & mask) == ((unsigned char)ip[bytes] & mask);
}

static int add(ipme *m, char const ip[16], unsigned int bits)
{
  for (size_t i = 0; i < m->n; i++)
    if (m->bits[i] == bits && !memcmp(m->ip[i], ip, 16)) return 0;
  if (m->n >= IPME_MAX) return -1;
  memcpy(m->ip[m->n], ip, 16);
  m->bits[m->n++] = (unsigned char)bits;
  return 0;
}

int ipme_load(ipme *m)
{
  struct ifaddrs *list, *i;
  char ip[16];
  static char const zero4[4] = { 0 };
  m->n = 0;
  memset(ip, 0, 16);
  add(m, ip, 128);
  ipaddr_from4(ip, zero4);
  add(m, ip, 128);
  if (getifaddrs(&list) < 0) return -1;
  for (i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    if (i->ifa_addr->sa_family == AF_INET) {
      ipaddr_from4(ip, (char const *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr);
      add(m, ip, 128);
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      memcpy(ip, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
      add(m, ip, 128);
    }
  }
  freeifaddrs(list);
  return 0;
}

/* "ADDRESS" or "ADDRESS/BITS" into ip and *bits. 0 or -1. */
static int parse(char const *s, char ip[16], unsigned int *bits)
{
  char buf[IPADDR_FMT];
  size_t n = strcspn(s, "/");
  if (!n || n >= sizeof buf) return -1;
  memcpy(buf, s, n);
  buf[n] = 0;
  int four = !strchr(buf, ':');
  char v4[4];
  if (four ? inet_pton(AF_INET, buf, v4) != 1 : inet_pton(AF_INET6, buf, ip) != 1) return -1;
  if (four) ipaddr_from4(ip, v4);
  unsigned int max = four ? 32 : 128, v = max;
  if (s[n] == '/') {
    char const *d = s + n + 1;
    if (!*d || strlen(d) > 3) return -1;
    for (v = 0; *d; d++) {
      if (*d < '0' || *d > '9') return -1;
      v = v * 10 + (unsigned int)(*d - '0');
    }
    if (v > max) return -1;
  }
  *bits = four ? v + 96 : v;
  return 0;
}

int ipme_more(ipme *m, char const *list, size_t len, char const **bad)
{
  size_t pos = 0;
  char const *item;
  while ((item = control_next(list, len, &pos))) {
    char ip[16];
    unsigned int bits;
    *bad = item;
    if (parse(item, ip, &bits) < 0) return errno = EINVAL, -1;
    if (add(m, ip, bits) < 0) return errno = E2BIG, -1;
  }
  return 0;
}

int ipme_is(ipme const *m, char const ip[16])
{
  for (size_t i = 0; i < m->n; i++)
    if (within(m, i, ip)) return 1;
  return 0;
}
