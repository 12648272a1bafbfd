"""The queue's owners and modes, and who can write into it (root only): the
folders and posta-queue have the owners and modes of the install table; a
user who is not posta-q (nobody, posta-d) can neither read nor write the
queue, and can queue a message only through posta-queue; a setuid
posta-queue ignores POSTA_HOME from such a user and uses the instance it is
installed in."""
import grp
import re
import os
import pwd
import stat
import subprocess
import unittest

from posta import IS_ROOT, SPLIT, FreshInstanceCase, base_dir
from qrecord import field, todo_records
import qrecord
from qtools import envelope, inject

MSG = b"Subject: perms\n\nbody\n"


def owner(path):
    st = os.lstat(path)
    return pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name, stat.S_IMODE(st.st_mode)


@unittest.skipUnless(IS_ROOT, "privilege separation needs root")
class QueuePermissions(FreshInstanceCase):
    def as_user(self, user, *cmd):
        return subprocess.run(["s6-setuidgid", user] + list(cmd), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=30)

    def test_owners_and_modes(self):
        q = self.inst.path("queue")
        self.assertEqual(owner(self.inst.bin("posta-queue")), ("posta-q", "posta", 0o6711))
        self.assertEqual(owner(q), ("posta-q", "posta", 0o750))
        self.assertEqual(owner(os.path.join(q, "pid")), ("posta-q", "posta", 0o700))
        self.assertEqual(owner(os.path.join(q, "lock", "trigger")), ("posta-s", "posta", 0o622))
        for kind, user, mode in (("mess", "posta-q", 0o750), ("todo", "posta-q", 0o750),
                                 ("intd", "posta-q", 0o700), ("info", "posta-s", 0o700),
                                 ("local", "posta-s", 0o700), ("remote", "posta-s", 0o700),
                                 ("bounce", "posta-s", 0o700)):
            self.assertEqual(owner(os.path.join(q, kind)), (user, "posta", mode), kind)
            for n in range(SPLIT):
                self.assertEqual(owner(os.path.join(q, kind, str(n))), (user, "posta", mode), "%s/%d" % (kind, n))
        p = self.inst.check()
        self.assertNotIn(b"queue", p.stdout, p.stdout.decode())

    def test_files_a_message_gets(self):
        # posta-queue is setuid posta-q and setgid posta: whoever calls it, its
        # files are 0640 posta-q:posta, readable by posta-send and nobody else
        for user in (None, "nobody", "posta-d", "posta-s"):
            rc, err = inject(self.inst, MSG, envelope("a@b", ["%s@c" % user]), user=user)
            self.assertEqual(rc, 0, err)
        for mid, fields in todo_records(self.inst).items():
            user = field(fields, "T").decode().split("@")[0]
            want = ("posta", 0o640)
            for kind in ("mess", "todo"):
                o = owner(self.inst.qpath(kind, mid))
                self.assertEqual(o[0], "posta-q", (kind, user))
                self.assertEqual(o[2], want[1], (kind, user))
                if want[0]:
                    self.assertEqual(o[1], want[0], (kind, user))
            # posta-send (posta-s, group posta) can read both
            for kind in ("mess", "todo"):
                p = self.as_user("posta-s", "cat", self.inst.qpath(kind, mid))
                self.assertEqual(p.returncode, 0, p.stderr)

    def test_nobody_cannot_touch_the_queue(self):
        rc, err = inject(self.inst, MSG, envelope("a@b", ["c@d"]))
        self.assertEqual(rc, 0, err)
        mid = self.inst.queue_files("todo")[0]
        q = self.inst.path("queue")
        todo = os.path.join(q, "todo", str(mid % SPLIT), str(mid))
        for user in ("nobody", "posta-d", "posta-r"):
            attempts = [
                ("sh", "-c", "echo x > %s/todo/0/1" % q),
                ("sh", "-c", "echo x > %s/mess/0/1" % q),
                ("sh", "-c", "echo x > %s/pid/1" % q),
                ("sh", "-c", "echo x >> %s" % todo),
                ("rm", "-f", todo),
                ("ls", "%s/todo/%d" % (q, mid % SPLIT)),
                ("cat", todo),
                ("mv", todo, todo + ".x"),
            ]
            for cmd in attempts:
                p = self.as_user(user, *cmd)
                self.assertNotEqual(p.returncode, 0, "%s could: %s" % (user, " ".join(cmd)))
            # but posta-queue works for them
            rc, err = inject(self.inst, MSG, envelope("a@b", ["from-%s@d" % user]), user=user)
            self.assertEqual(rc, 0, err)
        self.assertTrue(os.path.exists(todo))
        self.assertEqual(len(self.inst.queue_files("todo")), 4)

    def test_posta_home_ignored_for_untrusted_callers(self):
        # nobody builds a fake instance it owns and points POSTA_HOME at it
        fake = os.path.join(base_dir(), "fake-home")
        os.makedirs(os.path.join(fake, "control"))
        subprocess.run(["cp", "-a", self.inst.path("queue"), fake], check=True)
        nobody = pwd.getpwnam("nobody")
        for dirpath, dirs, files in os.walk(fake):
            for x in dirs + files + ["."]:
                os.lchown(os.path.join(dirpath, x), nobody.pw_uid, nobody.pw_gid)
        env = self.inst.env(POSTA_HOME=fake)
        rc, err = inject(self.inst, MSG, envelope("a@b", ["c@d"]), user="nobody", environ=env)
        self.assertEqual(rc, 0, err)
        # the message went to the installed instance, nothing to the fake one
        self.assertEqual(len(self.inst.queue_files("todo")), 1)
        self.assertEqual([f for _, _, fs in os.walk(os.path.join(fake, "queue")) for f in fs
                          if f not in ("trigger", "sendmutex")], [])
        # root's POSTA_HOME is obeyed: the fake queue is not posta-q's, so 62
        rc, err = inject(self.inst, MSG, envelope("a@b", ["c@d"]), environ=env)
        self.assertEqual(rc, 62, err)

    def test_received_line_names_the_caller(self):
        for user, text in ((None, b"invoked by uid 0"), ("nobody", b"invoked by uid %d" % pwd.getpwnam("nobody").pw_uid),
                           ("posta-d", b"invoked from network"), ("posta-s", b"invoked for bounce")):
            rc, err = inject(self.inst, MSG, envelope("a@b", ["%s@c" % user]), user=user)
            self.assertEqual(rc, 0, err)
        for mid, fields in todo_records(self.inst).items():
            user = field(fields, "T").decode().split("@")[0]
            line = qrecord.read(self.inst, "mess", mid).split(b"\n")[0]
            want = {"None": b"invoked by uid 0", "nobody": b"invoked by uid %d" % pwd.getpwnam("nobody").pw_uid,
                    "posta-d": b"invoked from network", "posta-s": b"invoked for bounce"}[user]
            self.assertRegex(line, rb"^Received: \(posta \d+ " + re.escape(want) + rb"\); \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000$")


if __name__ == "__main__":
    unittest.main()
