/* Unit tests for src/sk/qmark.c: the tools' requests are whole records in
 * queue/cmd/ owned by posta-s, a removal is never overwritten, the trigger
 * gets the request byte, and a message's state is read from its records. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsfix.h"
#include "common/cmdrec.h"
#include "common/qpath.h"
#include "common/rec.h"
#include "common/slurp.h"
#include "conf.h"
#include "sk/qmark.h"
#include "unit.h"

static char home[64];
static roles R;

static int setup(void **state)
{
  (void)state;
  char path[QPATH_MAX];
  strcpy(home, "/tmp/posta-test-qmark-XXXXXX");
  if (fsfix_enter(home) < 0) return -1;
  mkdir("queue", 0755);
  mkdir("queue/cmd", 0700);
  mkdir("queue/lock", 0755);
  mkdir("queue/info", 0755);
  mkdir("queue/todo", 0755);
  for (unsigned i = 0; i < CONF_SPLIT; i++) {
    qpath_dir(path, "info", i);
    mkdir(path, 0755);
    qpath_dir(path, "todo", i);
    mkdir(path, 0755);
  }
  roles_single(&R, getuid(), getgid());
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  return fsfix_remove(home);
}

static char op_of(uint64_t id)
{
  char path[CMDREC_PATH_MAX], *buf;
  size_t len;
  cmdrec c;
  cmdrec_path(path, id);
  assert_int_equal(slurp_path(path, 0, 4096, &buf, &len), 0);
  assert_int_equal(cmdrec_parse(&c, buf, len), 0);
  free(buf);
  assert_int_equal(c.uid, getuid());
  return c.op;
}

static void requests(void **state)
{
  (void)state;
  struct stat st;
  assert_int_equal(qmark_pending(42), 0);
  assert_int_equal(qmark_request(42, CMDREC_HOLD, &R), 1);
  assert_int_equal(qmark_pending(42), 1);
  assert_int_equal(op_of(42), CMDREC_HOLD);
  assert_int_equal(stat("queue/cmd/42", &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(st.st_uid, R.uid[ROLE_S]);
  /* a later request replaces an earlier one */
  assert_int_equal(qmark_request(42, CMDREC_RELEASE, &R), 1);
  assert_int_equal(op_of(42), CMDREC_RELEASE);
  /* but nothing replaces a removal */
  assert_int_equal(qmark_request(42, CMDREC_REMOVE, &R), 1);
  assert_int_equal(qmark_request(42, CMDREC_RELEASE, &R), 0);
  assert_int_equal(qmark_request(42, CMDREC_FLUSH, &R), 0);
  assert_int_equal(op_of(42), CMDREC_REMOVE);
  assert_int_equal(qmark_request(CMDREC_ALL, CMDREC_FLUSH, &R), 1);
  /* no temporary file left behind */
  assert_int_equal(system("test $(ls queue/cmd | wc -l) = 2"), 0);
}

static void poke(void **state)
{
  (void)state;
  char b = 0;
  assert_int_equal(mkfifo("queue/lock/trigger", 0622), 0);
  /* nobody listens: posta-send is not running */
  assert_int_equal(qmark_poke(), 0);
  int fd = open("queue/lock/trigger", O_RDONLY | O_NONBLOCK);
  assert_true(fd >= 0);
  assert_int_equal(qmark_poke(), 1);
  assert_int_equal(read(fd, &b, 1), 1);
  assert_int_equal(b, CMDREC_BYTE);
  close(fd);
}

static void info(uint64_t id, char const *h, char const *x)
{
  char path[QPATH_MAX];
  rec_buf b = REC_BUF_ZERO;
  rec_start(&b, "info", 1);
  rec_add(&b, 'F', "");
  rec_add(&b, 't', "1");
  rec_add(&b, 'u', "0");
  rec_add(&b, 's', "10");
  rec_add(&b, 'd', "0");
  rec_add(&b, 'h', h);
  rec_add(&b, 'x', x);
  assert_int_equal(rec_finish(&b), 0);
  qpath(path, "info", id);
  FILE *f = fopen(path, "w");
  fwrite(b.s, 1, b.len, f);
  fclose(f);
  rec_free(&b);
}

static void states(void **state)
{
  (void)state;
  char path[QPATH_MAX];
  enum qmark_state st;
  assert_int_equal(qmark_state(100, &st), 0);
  assert_int_equal(st, QMARK_GONE);
  qpath(path, "todo", 100);
  fclose(fopen(path, "w"));
  assert_int_equal(qmark_state(100, &st), 0);
  assert_int_equal(st, QMARK_TODO);
  /* info wins over todo: it is the later state */
  info(100, "0", "0");
  assert_int_equal(qmark_state(100, &st), 0);
  assert_int_equal(st, QMARK_ACTIVE);
  info(100, "1", "0");
  assert_int_equal(qmark_state(100, &st), 0);
  assert_int_equal(st, QMARK_HELD);
  info(100, "1", "1");
  assert_int_equal(qmark_state(100, &st), 0);
  assert_int_equal(st, QMARK_REMOVING);
  /* a torn info record is not believed */
  qpath(path, "info", 100);
  assert_int_equal(truncate(path, 10), 0);
  errno = 0;
  assert_int_equal(qmark_state(100, &st), -1);
  assert_int_equal(errno, EPROTO);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test_setup_teardown(requests, setup, teardown),
    cmocka_unit_test_setup_teardown(poke, setup, teardown),
    cmocka_unit_test_setup_teardown(states, setup, teardown),
)
