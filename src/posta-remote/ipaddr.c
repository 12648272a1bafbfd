/* ipaddr: 16-byte addresses and their text. See ipaddr.h. */
#include "posta-remote/ipaddr.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

static char const mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (char)0xff, (char)0xff };

int ipaddr_is4(char const ip[16])
{
  return !memcmp(ip, mapped, 12);
}

void ipaddr_from4(char ip[16], char const v4[4])
{
  memcpy(ip, mapped, 12);
  memcpy(ip + 12, v4, 4);
}

int ipaddr_is_loopback(char const ip[16])
{
  static char const one[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  return (ipaddr_is4(ip) && ip[12] == 127) || !memcmp(ip, one, 16);
}

void ipaddr_fmt(char out[IPADDR_FMT], char const ip[16])
{
  if (ipaddr_is4(ip)) inet_ntop(AF_INET, ip + 12, out, IPADDR_FMT);
  else inet_ntop(AF_INET6, ip, out, IPADDR_FMT);
}

int ipaddr_is_literal(char const *s)
{
  return s[0] == '[';
}

int ipaddr_literal(char const *s, char ip[16])
{
  char buf[IPADDR_FMT];
  size_t n = strlen(s);
  if (n < 3 || s[0] != '[' || s[n - 1] != ']') return -1;
  s++;
  n -= 2;
  int six = n > 5 && !strncasecmp(s, "IPv6:", 5);
  if (six) { s += 5; n -= 5; }
  if (n >= sizeof buf) return -1;
  memcpy(buf, s, n);
  buf[n] = 0;
  if (six) return inet_pton(AF_INET6, buf, ip) == 1 ? 0 : -1;
  char v4[4];
  if (inet_pton(AF_INET, buf, v4) != 1) return -1;
  ipaddr_from4(ip, v4);
  return 0;
}
