/* Unit tests for src/common/inst.c: the install table is consistent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "common/inst.h"
#include "unit.h"

static void paths_unique_and_parents_first(void **state)
{
  for (unsigned i = 0; i < inst_table_len; i++) {
    char const *p = inst_table[i].path;
    for (unsigned j = i + 1; j < inst_table_len; j++) assert_string_not_equal(p, inst_table[j].path);
    /* the parent folder comes earlier in the table */
    char const *slash = strrchr(p, '/');
    char parent[256] = "";
    if (slash) {
      memcpy(parent, p, (size_t)(slash - p));
      parent[slash - p] = 0;
    }
    if (*p) {
      int found = 0;
      for (unsigned j = 0; j < i; j++)
        if (!strcmp(inst_table[j].path, parent)) {
          found = 1;
          assert_true(inst_table[j].type == INST_DIR || inst_table[j].type == INST_SPLITDIR);
        }
      assert_true(found);
    }
  }
}

static void queue_owners(void **state)
{
  /* doc/queue.md: posta-q owns what posta-queue writes, posta-s what posta-send writes */
  static char const *const q[] = { "queue", "queue/pid", "queue/mess", "queue/intd", "queue/todo" };
  static char const *const s[] = { "queue/info", "queue/local", "queue/remote", "queue/bounce", "queue/lock/trigger" };
  for (unsigned i = 0; i < 5; i++) {
    assert_int_equal(inst_find(q[i])->owner, ROLE_Q);
    assert_int_equal(inst_find(s[i])->owner, ROLE_S);
  }
  assert_int_equal(inst_find("queue/mess")->type, INST_SPLITDIR);
  assert_int_equal(inst_find("queue/todo")->type, INST_SPLITDIR);
  assert_int_equal(inst_find("queue/intd")->type, INST_SPLITDIR);
  /* nobody but group posta may read the queue */
  assert_int_equal(inst_find("queue")->mode & 07, 0);
  assert_int_equal(inst_find("queue")->group, INST_GPOSTA);
}

static void modes(void **state)
{
  for (unsigned i = 0; i < inst_table_len; i++) {
    inst_entry const *e = &inst_table[i];
    /* only posta-queue and posta-checkpw are setuid, and only the trigger
     * is writable by all */
    if (e->mode & 06000 && strcmp(e->path, "bin/posta-checkpw")) assert_string_equal(e->path, "bin/posta-queue");
    if (e->mode & 02) assert_string_equal(e->path, "queue/lock/trigger");
    if (e->type == INST_PROG) assert_true(e->mode & 0100);
  }
  assert_int_equal(inst_find("bin/posta-queue")->mode, 06711);
  assert_int_equal(inst_find("bin/posta-queue")->owner, ROLE_Q);
  /* setuid posta-v, which alone reads mailboxes/.passwd; only posta-d
   * (its group, of its own) may run it, not posta's other users */
  assert_int_equal(inst_find("bin/posta-checkpw")->mode, 04710);
  assert_int_equal(inst_find("bin/posta-checkpw")->owner, ROLE_V);
  assert_int_equal(inst_find("bin/posta-checkpw")->group, ROLE_D);
}

static void owners_in_each_kind_of_instance(void **state)
{
  roles r;
  for (unsigned i = 0; i < ROLE_N; i++) { r.uid[i] = 1000 + i; r.gid[i] = 2000 + i; }
  r.gid_posta = 3000;
  r.gid_nofiles = 3001;
  r.single = 0;
  inst_entry const *qu = inst_find("bin/posta-queue");
  inst_entry const *todo = inst_find("queue/todo");
  inst_entry const *bin = inst_find("bin");
  assert_int_equal(inst_uid(qu, &r), 1000 + ROLE_Q);
  assert_int_equal(inst_gid(todo, &r), 3000);
  assert_int_equal(inst_uid(bin, &r), 0);
  assert_int_equal(inst_mode(qu, &r), 06711);
  assert_int_equal(inst_gid(inst_find("bin/posta-checkpw"), &r), 2000 + ROLE_D);
  roles_single(&r, 500, 600);
  assert_int_equal(inst_uid(qu, &r), 500);
  assert_int_equal(inst_uid(bin, &r), 500);
  assert_int_equal(inst_gid(todo, &r), 600);
  assert_int_equal(inst_mode(qu, &r), 0711);
}

UNIT_MAIN(0, 0,
    cmocka_unit_test(paths_unique_and_parents_first),
    cmocka_unit_test(queue_owners),
    cmocka_unit_test(modes),
    cmocka_unit_test(owners_in_each_kind_of_instance),
)
