/* Unit tests for src/posta-lspawn/messfile.c: a message is opened from
 * queue/mess only when it is a regular file of the queue; a symlink, a
 * FIFO, a second link, another owner, a name that is not its inode number,
 * a bad id are refused, each with its reason. Runs in a temporary folder. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "posta-lspawn/messfile.h"
#include "unit.h"

static char top[64];

/* Makes queue/mess/N for every N, and returns to the folder. */
static int setup(void **state)
{
  char d[64];
  (void)state;
  snprintf(top, sizeof top, "/tmp/posta-messfile-XXXXXX");
  if (!mkdtemp(top) || chdir(top) < 0 || mkdir("queue", 0750) < 0 || mkdir("queue/mess", 0750) < 0) return -1;
  for (unsigned i = 0; i < CONF_SPLIT; i++) {
    snprintf(d, sizeof d, "queue/mess/%u", i);
    if (mkdir(d, 0750) < 0) return -1;
  }
  return 0;
}

static int teardown(void **state)
{
  char cmd[128];
  (void)state;
  if (chdir("/") < 0) return -1;
  snprintf(cmd, sizeof cmd, "rm -rf %s", top);
  return system(cmd);
}

/* Makes a file (regular, FIFO or symlink) named after its inode number in
 * its folder; returns the id as text in id. */
static void place(char kind, char *id, size_t size)
{
  struct stat st;
  char to[128];
  if (kind == 'r') {
    int fd = open("tmp", O_WRONLY | O_CREAT | O_EXCL, 0640);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "Received: x\n", 12), 12);
    close(fd);
  } else if (kind == 'f') assert_int_equal(mkfifo("tmp", 0644), 0);
  else assert_int_equal(symlink("/etc/passwd", "tmp"), 0);
  assert_int_equal(lstat("tmp", &st), 0);
  snprintf(id, size, "%llu", (unsigned long long)st.st_ino);
  snprintf(to, sizeof to, "queue/mess/%llu/%s", (unsigned long long)(st.st_ino % CONF_SPLIT), id);
  assert_int_equal(rename("tmp", to), 0);
}

static void opens_a_message(void **state)
{
  messdir d;
  char id[32];
  char const *why = 0;
  char buf[16];
  (void)state;
  assert_int_equal(messdir_open(&d, getuid()), 0);
  place('r', id, sizeof id);
  int a = messfile_open(&d, id, &why), b = messfile_open(&d, id, &why);
  assert_true(a >= 0 && b >= 0);
  /* two deliveries, two read offsets */
  assert_int_equal(read(a, buf, 8), 8);
  assert_int_equal(read(b, buf, 8), 8);
  assert_memory_equal(buf, "Received", 8);
  assert_int_equal(fcntl(a, F_GETFL) & O_NONBLOCK, 0);
  assert_int_equal(fcntl(a, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  close(a);
  close(b);
  /* another owner of queue/mess */
  messdir e;
  assert_int_equal(messdir_open(&e, getuid() + 1), -1);
  assert_int_equal(errno, EPERM);
  close(d.fd);
}

static void refuses(void **state)
{
  messdir d;
  char id[32], to[128];
  char const *why = 0;
  (void)state;
  assert_int_equal(messdir_open(&d, getuid()), 0);
  place('s', id, sizeof id);
  assert_int_equal(messfile_open(&d, id, &why), -1);
  assert_string_equal(why, "message not in the queue: a symbolic link");
  place('f', id, sizeof id);
  assert_int_equal(messfile_open(&d, id, &why), -1);   /* at once: no reader blocks */
  assert_string_equal(why, "message not in the queue: not a regular file");
  place('r', id, sizeof id);
  unsigned long long v = strtoull(id, 0, 10);
  snprintf(to, sizeof to, "queue/mess/%llu/%s", v % CONF_SPLIT, id);
  assert_int_equal(link(to, "second"), 0);
  assert_int_equal(messfile_open(&d, id, &why), -1);
  assert_string_equal(why, "message not in the queue: more than one link");
  unlink("second");
  /* the same file under another id's name */
  char other[32];
  snprintf(other, sizeof other, "%llu", v + CONF_SPLIT);
  snprintf(to, sizeof to, "queue/mess/%llu/%s", v % CONF_SPLIT, other);
  char from[128];
  snprintf(from, sizeof from, "queue/mess/%llu/%s", v % CONF_SPLIT, id);
  assert_int_equal(rename(from, to), 0);
  assert_int_equal(messfile_open(&d, other, &why), -1);
  assert_string_equal(why, "message not in the queue: not the file of its id");
  assert_int_equal(messfile_open(&d, "12", &why), -1);
  assert_string_equal(why, "message not in the queue: no such file");
  assert_int_equal(messfile_open(&d, "../x", &why), -1);
  assert_string_equal(why, "message not in the queue: bad id");
  assert_int_equal(messfile_open(&d, "99999999999999999999", &why), -1);
  assert_string_equal(why, "message not in the queue: bad id");
  close(d.fd);
}

static void check_owner_and_device(void **state)
{
  messdir d = { .fd = -1, .uid = 7, .dev = 3 };
  struct stat st;
  (void)state;
  memset(&st, 0, sizeof st);
  st.st_mode = S_IFREG | 0640;
  st.st_uid = 7;
  st.st_dev = 3;
  st.st_nlink = 1;
  st.st_ino = 42;
  assert_null(messfile_check(&d, &st, 42));
  st.st_uid = 0;
  assert_string_equal(messfile_check(&d, &st, 42), "message not in the queue: not owned by the queue");
  st.st_uid = 7;
  st.st_dev = 4;
  assert_string_equal(messfile_check(&d, &st, 42), "message not in the queue: not on the queue's file system");
  st.st_dev = 3;
  st.st_mode = S_IFCHR | 0644;
  assert_string_equal(messfile_check(&d, &st, 42), "message not in the queue: not a regular file");
}

UNIT_MAIN(setup, teardown,
    cmocka_unit_test(opens_a_message),
    cmocka_unit_test(refuses),
    cmocka_unit_test(check_owner_and_device),
)
