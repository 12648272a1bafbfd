/* ipme: this host's addresses. See ipme.h. */
#include "posta-remote/ipme.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "posta-remote/ipaddr.h"

static void add(ipme *m, char const ip[16])
{
  if (m->n < IPME_MAX && !ipme_is(m, ip)) memcpy(m->ip[m->n++], ip, 16);
}

int ipme_load(ipme *m)
{
  struct ifaddrs *list, *i;
  char ip[16];
  static char const zero4[4] = { 0 };
  m->n = 0;
  memset(ip, 0, 16);
  add(m, ip);
  ipaddr_from4(ip, zero4);
  add(m, ip);
  if (getifaddrs(&list) < 0) return -1;
  for (i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    if (i->ifa_addr->sa_family == AF_INET) {
      ipaddr_from4(ip, (char const *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr);
      add(m, ip);
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      memcpy(ip, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
      add(m, ip);
    }
  }
  freeifaddrs(list);
  return 0;
}

int ipme_is(ipme const *m, char const ip[16])
{
  for (size_t i = 0; i < m->n; i++)
    if (!memcmp(m->ip[i], ip, 16)) return 1;
  return 0;
}
