/* smtpd_authfail: the shared table of AUTH failures per client address.
 * See smtpd_authfail.h.
 *
 * The file: AUTHFAIL_MAGIC, then AUTHFAIL_SLOTS slots in this host's byte
 * order (the file never leaves it). A file with another header (new,
 * short, or from another version) is taken as empty and rewritten whole
 * the first time a slot changes. */
#include "posta-smtpd/smtpd_authfail.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/control.h"

#define AUTHFAIL_MAGIC "posta-authfail1\n"
#define AUTHFAIL_MAGIC_LEN 16
#define AUTHFAIL_TIME_MAX 2592000UL      /* a window or a penalty: 30 days at most */
#define AUTHFAIL_COUNT_MAX 1000000UL
#define LOCK_STEP_MS 10

typedef struct slot_s slot;
struct slot_s {
  unsigned char key[AUTHFAIL_KEY];
  uint32_t used;
  uint32_t count;          /* failures, and checks charged but not settled */
  int64_t first;           /* start of the window */
  int64_t until;           /* end of the penalty, 0 when none */
};

typedef struct table_s table;
struct table_s {
  char magic[AUTHFAIL_MAGIC_LEN];
  slot s[AUTHFAIL_SLOTS];
};

static unsigned long bound(unsigned long v, unsigned long lo, unsigned long hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

int smtpd_authfail_load(smtpd_authfail *c)
{
  if (control_ulong("control/authfailmax", &c->max, AUTHFAIL_MAX_DEFAULT) < 0) return -1;
  if (control_ulong("control/authfailwindow", &c->window, AUTHFAIL_WINDOW_DEFAULT) < 0) return -1;
  if (control_ulong("control/authfailpenalty", &c->penalty, AUTHFAIL_PENALTY_DEFAULT) < 0) return -1;
  if (c->max > AUTHFAIL_COUNT_MAX) c->max = AUTHFAIL_COUNT_MAX;
  c->window = bound(c->window, 1, AUTHFAIL_TIME_MAX);
  c->penalty = bound(c->penalty, 1, AUTHFAIL_TIME_MAX);
  return 0;
}

void smtpd_authfail_key(char const *ip, unsigned char key[AUTHFAIL_KEY])
{
  char buf[64];
  struct in6_addr a6;
  struct in_addr a4;
  memset(key, 0, AUTHFAIL_KEY);
  if (!ip) return;
  size_t n = strcspn(ip, "%");
  if (n >= sizeof buf) return;
  memcpy(buf, ip, n);
  buf[n] = 0;
  if (inet_pton(AF_INET6, buf, &a6) == 1) {
    memcpy(key, &a6, AUTHFAIL_KEY);
    if (!IN6_IS_ADDR_V4MAPPED(&a6)) memset(key + 8, 0, AUTHFAIL_KEY - 8);
  } else if (inet_pton(AF_INET, buf, &a4) == 1) {
    key[10] = key[11] = 0xff;
    memcpy(key + 12, &a4, 4);
  }
}

/* Opens the file, made if missing; refuses anything but a regular file of
 * ours that nobody else may read or write. */
static int store_open(void)
{
  struct stat st;
  int fd = open(AUTHFAIL_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  if (fstat(fd, &st) < 0) goto fail;
  if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
    errno = EPERM;
    goto fail;
  }
  return fd;
fail:
  {
    int e = errno;
    close(fd);
    errno = e;
  }
  return -1;
}

static int store_lock(int fd, int how)
{
  struct timespec step = { 0, LOCK_STEP_MS * 1000000L };
  for (unsigned waited = 0;; waited += LOCK_STEP_MS) {
    if (!flock(fd, how | LOCK_NB)) return 0;
    if (errno != EWOULDBLOCK && errno != EINTR) return -1;
    if (waited >= AUTHFAIL_LOCK_MS) { errno = ETIMEDOUT; return -1; }
    nanosleep(&step, 0);
  }
}

/* The whole table: 1 when its header is ours, 0 when it is taken as
 * empty, -1 on a read error. */
static int store_read(int fd, table *t)
{
  size_t got = 0;
  char *p = (char *)t;
  while (got < sizeof *t) {
    ssize_t r = pread(fd, p + got, sizeof *t - got, (off_t)got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (!r) break;
    got += (size_t)r;
  }
  if (got == sizeof *t && !memcmp(t->magic, AUTHFAIL_MAGIC, AUTHFAIL_MAGIC_LEN)) return 1;
  memset(t, 0, sizeof *t);
  memcpy(t->magic, AUTHFAIL_MAGIC, AUTHFAIL_MAGIC_LEN);
  return 0;
}

static int write_at(int fd, void const *buf, size_t n, off_t off)
{
  char const *p = buf;
  while (n) {
    ssize_t w = pwrite(fd, p, n, off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
    off += w;
  }
  return 0;
}

/* Writes slot i back, or the whole table when the file held none. */
static int store_write(int fd, table const *t, int whole, int i)
{
  if (whole) return ftruncate(fd, (off_t)sizeof *t) < 0 ? -1 : write_at(fd, t, sizeof *t, 0);
  return write_at(fd, &t->s[i], sizeof t->s[i], (off_t)offsetof(table, s) + (off_t)i * (off_t)sizeof(slot));
}

static int find(table const *t, unsigned char const key[AUTHFAIL_KEY])
{
  for (int i = 0; i < AUTHFAIL_SLOTS; i++)
    if (t->s[i].used && !memcmp(t->s[i].key, key, AUTHFAIL_KEY)) return i;
  return -1;
}

/* The slot a new address takes: a free one, else the one that expired
 * first, else the one whose window ends first outside a penalty, else
 * the penalty that ends first. */
static int pick(smtpd_authfail const *c, table const *t, time_t now)
{
  int best = 0, best_class = 4;
  int64_t best_end = INT64_MAX;
  for (int i = 0; i < AUTHFAIL_SLOTS; i++) {
    slot const *s = &t->s[i];
    if (!s->used) return i;
    int64_t end = s->until ? s->until : s->first + (int64_t)c->window;
    int class = end <= now ? 1 : s->until ? 3 : 2;
    if (class < best_class || (class == best_class && end < best_end)) {
      best = i;
      best_class = class;
      best_end = end;
    }
  }
  return best;
}

/* Brings a slot to the present: a penalty over or a window past starts
 * the address afresh; values no run of ours could have left are bounded. */
static void settle_time(smtpd_authfail const *c, slot *s, time_t now)
{
  if (s->first > now) s->first = now;
  if (s->until > now + (int64_t)c->penalty) s->until = now + (int64_t)c->penalty;
  if (s->count > c->max) s->count = (uint32_t)c->max;
  if (s->until && s->until <= now) {
    s->count = 0;
    s->first = now;
    s->until = 0;
  } else if (!s->until && now - s->first >= (int64_t)c->window) {
    s->count = 0;
    s->first = now;
  }
}

static int penalty(slot const *s, time_t now, time_t *until)
{
  if (s->until <= now) return 0;
  *until = (time_t)s->until;
  return 1;
}

/* The operation on slot s (found or new): its result. */
static int apply(smtpd_authfail const *c, slot *s, enum authfail_op op, time_t now, time_t *until)
{
  settle_time(c, s, now);
  switch (op) {
    case AUTHFAIL_CHECK:
      return penalty(s, now, until);
    case AUTHFAIL_CHARGE:
      if (penalty(s, now, until)) return 1;
      if (s->count >= c->max) return 1;
      s->count++;
      return 0;
    case AUTHFAIL_FAIL:
      if (penalty(s, now, until)) return 1;
      /* a window that ended while the check ran took the charge with it */
      if (!s->count) s->count = 1;
      if (s->count < c->max) return 0;
      s->until = now + (int64_t)c->penalty;
      return penalty(s, now, until);
    case AUTHFAIL_REFUND:
      if (s->count && !s->until) s->count--;
      return 0;
  }
  return 0;
}

/* Under the lock: finds or makes the slot, applies op, writes back. */
static int locked(smtpd_authfail const *c, int fd, table *t, unsigned char const key[AUTHFAIL_KEY],
                  enum authfail_op op, time_t now, time_t *until)
{
  int ours = store_read(fd, t);
  if (ours < 0) return -1;
  int i = find(t, key), fresh = i < 0;
  if (fresh) {
    if (op == AUTHFAIL_CHECK || op == AUTHFAIL_REFUND) return 0;
    i = pick(c, t, now);
    memset(&t->s[i], 0, sizeof t->s[i]);
    memcpy(t->s[i].key, key, AUTHFAIL_KEY);
    t->s[i].used = 1;
    t->s[i].first = now;
  }
  slot before = t->s[i];
  int r = apply(c, &t->s[i], op, now, until);
  /* CHECK holds a shared lock only: it reads, never writes */
  if (op == AUTHFAIL_CHECK || (!fresh && !memcmp(&before, &t->s[i], sizeof before))) return r;
  return store_write(fd, t, !ours, i) < 0 ? -1 : r;
}

int smtpd_authfail_run(smtpd_authfail const *c, unsigned char const key[AUTHFAIL_KEY], enum authfail_op op,
                       time_t now, time_t *until)
{
  *until = 0;
  if (!c->max) return 0;
  table *t = malloc(sizeof *t);
  if (!t) return -1;
  int r = -1, fd = store_open();
  if (fd >= 0 && store_lock(fd, op == AUTHFAIL_CHECK ? LOCK_SH : LOCK_EX) == 0)
    r = locked(c, fd, t, key, op, now, until);
  int e = errno;
  if (fd >= 0) close(fd);
  free(t);
  errno = e;
  return r;
}
