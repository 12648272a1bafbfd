"""Attacks on local delivery, each run as the uid that would make it
(issue 15, items 2 to 4).

- posta-lspawn runs as root and takes requests from posta-send (posta-s):
  posta-s must not be able to make it read a file posta-s cannot read, by
  handing it a descriptor (an O_PATH one needs no read permission), by
  naming an id outside the queue, or (as posta-q, which owns queue/mess) by
  putting a symlink, a FIFO or a hard link where a message goes.
- Another user (nobody) must not get a dot-qmail file obeyed as the mailbox
  owner: not in a home others can write, not with a file it owns, not
  through a file group or others can write.
- A dot-qmail program is killed with its process group at
  control/timeoutlocal, and the delivery deferred; a slow mailbox holds at
  most control/concurrencymailbox local slots, so other mail goes on.
"""
import os
import socket
import time
import unittest

from posta import IS_ROOT, Instance, maildir_files, pids, proc_read, wait_for
from lspawn import SPLIT, LSpawn, LSpawnCase, dotqmail_mailbox, owner, queue_message
from opstools import in_child
from sendtools import queue_empty


def as_user(name, func, *args):
    """Runs func(*args) in a child with only the uid, gid and group of
    user name; returns what it returned (a short bytes), or raises."""
    uid, gid = owner(name)
    c = {"uid": (uid,) * 3, "gid": (gid,) * 3, "groups": [gid]}
    return in_child(c, func, *args, what="%s as %s" % (func.__name__, name))


def all_mail(home):
    """The bytes of every file in every Maildir (new, cur, tmp) under home."""
    out = []
    for top, dirs, files in os.walk(home):
        if os.path.basename(top) in ("new", "cur", "tmp"):
            for f in files:
                try:
                    with open(os.path.join(top, f), "rb") as fh:
                        out.append(fh.read())
                except OSError:
                    pass
    return out


@unittest.skipUnless(IS_ROOT, "the attack crosses uids: a root-made instance")
class LSpawnDescriptorAttack(LSpawnCase):
    @classmethod
    def prepare(cls):
        cls.box = cls.inst.add_mailbox("alice@example.com")
        cls.secret = b"TOP-SECRET-%d-root-only" % os.getpid()
        cls.secretfn = cls.inst.path("root-secret")
        with open(cls.secretfn, "wb") as f:
            f.write(b"Subject: stolen\n\n" + cls.secret + b"\n")
        os.chmod(cls.secretfn, 0o600)

    def assert_no_secret(self):
        for data in all_mail(self.inst.home):
            self.assertNotIn(self.secret, data)

    def attack_descriptor(self, sock, mid, rcpt):
        """As posta-s: the secret's O_PATH descriptor with a request."""
        fd = os.open(self.secretfn, os.O_PATH)
        try:
            socket.send_fds(sock, [b"0\0%s\0s@x.org\0%s\0" % (mid, rcpt)], [fd])
        finally:
            os.close(fd)
        return b""

    def test_o_path_descriptor_of_a_root_only_file(self):
        # posta-s cannot read the file itself
        with self.assertRaises(AssertionError):
            as_user("posta-s", lambda: open(self.secretfn, "rb").read())
        good = os.path.basename(queue_message(self.inst, b"Subject: ok\n\nok\n")).encode()
        for mid, rcpt in ((good, b"alice@example.com"), (b"1", b"alice@example.com"),
                          (good, b"postmaster@example.com")):
            as_user("posta-s", self.attack_descriptor, self.ls.sock, mid, rcpt)
            slot, result = self.ls.response()
            self.assertEqual((slot, result), (0, "Z4.3.0 - a descriptor came with the request"))
        self.assert_no_secret()
        # still serving: the real message of the id is delivered
        self.assertTrue(self.ls.deliver("alice@example.com", "/x/" + good.decode()).startswith("K2.0.0"))
        self.assertIn("refused a request: a descriptor came with the request", self.ls.stderr())
        self.assert_no_secret()

    def plant(self, kind):
        """As posta-q (queue/mess is its): puts a symlink, a FIFO or a hard
        link to the secret where message ID goes; returns ID (bytes), or
        None when the system refused to make it."""
        mess = self.inst.path("queue", "mess")
        pid = self.inst.path("queue", "pid")
        secretfn = self.secretfn

        def make():
            tmp = os.path.join(pid, "plant-%s" % kind)
            if kind == "symlink":
                os.symlink(secretfn, tmp)
            elif kind == "fifo":
                os.mkfifo(tmp, 0o644)
            else:
                try:
                    os.link(secretfn, tmp)
                except PermissionError:
                    return b"refused"
            ino = os.lstat(tmp).st_ino
            os.rename(tmp, os.path.join(mess, str(ino % SPLIT), str(ino)))
            return str(ino).encode()
        got = as_user("posta-q", make)
        return None if got == b"refused" else got

    def test_planted_in_queue_mess(self):
        for kind, why in (("symlink", "a symbolic link"), ("fifo", "not a regular file"),
                          ("hardlink", None)):
            mid = self.plant(kind)
            if mid is None:   # fs.protected_hardlinks: posta-q cannot link root's file
                continue
            t0 = time.monotonic()
            as_user("posta-s", lambda: self.ls.sock.send(b"1\0%s\0s@x.org\0alice@example.com\0" % mid) and b"")
            slot, result = self.ls.response()
            self.assertLess(time.monotonic() - t0, 5, kind)
            self.assertEqual(slot, 1)
            self.assertTrue(result.startswith("Z4.3.0 - message not in the queue: "), (kind, result))
            if why:
                self.assertIn(why, result)
        self.assert_no_secret()

    def test_ids_outside_the_queue(self):
        n = len(maildir_files(self.box))
        for mid in (b"../../root-secret", b"-1", b"99999999999999999999", b"18446744073709551616", b"0"):
            as_user("posta-s", lambda: self.ls.sock.send(b"2\0%s\0s@x.org\0alice@example.com\0" % mid) and b"")
            slot, result = self.ls.response()
            self.assertEqual(slot, 2)
            self.assertTrue(result.startswith("Z4.3.0 - "), (mid, result))
        self.assertEqual(len(maildir_files(self.box)), n)
        self.assert_no_secret()

    def test_virtual_cdb_swapped_by_posta_v(self):
        # posta-v owns mailboxes/ (its posta-user keeps .virtual.cdb there):
        # a FIFO or a symlink in its place must neither hold a delivery nor
        # be followed as root. The symlink's target is a root-only cdb that
        # knows ghost@example.com (a copy of one posta-v's posta-user made):
        # followed, ghost would be delivered.
        cdb = self.inst.path("mailboxes", ".virtual.cdb")
        p = self.inst.run("posta-user", "add", "ghost@example.com", user="posta-v")
        self.assertEqual(p.returncode, 0, p.stderr)
        rootcdb = self.inst.path("root-only.cdb")
        with open(cdb, "rb") as f, open(rootcdb, "wb") as g:
            g.write(f.read())
        os.chmod(rootcdb, 0o600)
        try:
            for kind in ("fifo", "symlink"):
                def swap():
                    os.unlink(cdb)
                    if kind == "fifo":
                        os.mkfifo(cdb, 0o644)
                    else:
                        os.symlink(rootcdb, cdb)
                    return b""
                as_user("posta-v", swap)
                self.ls.sock.settimeout(15)
                t0 = time.monotonic()
                result = self.ls.deliver("ghost@example.com", b"Subject: x\n\nx\n")
                self.assertLess(time.monotonic() - t0, 5, kind)
                self.assertTrue(result.startswith("Z4.3.0 - unable to look up ghost@example.com"), (kind, result))
        finally:
            if os.path.lexists(cdb):
                os.unlink(cdb)
        self.assertTrue(self.ls.deliver("alice@example.com", b"x\n").startswith("K2.0.0"))
        self.assert_no_secret()


@unittest.skipUnless(IS_ROOT, "other uids: a root-made instance")
class DotQmailTrust(unittest.TestCase):
    """As nobody, in the mailbox owner's home, try to have a program run as
    the owner: each try is deferred (Z4.7.0), and the program never runs."""

    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()
        box = cls.inst.add_mailbox("victim@example.com")
        cls.home = os.path.dirname(box.rstrip("/"))
        cls.vuid, cls.vgid = owner("posta-v")
        cls.ls = LSpawn(cls.inst)

    @classmethod
    def tearDownClass(cls):
        cls.ls.kill()
        cls.inst.cleanup()

    def tearDown(self):
        os.chmod(self.home, 0o711)
        for f in os.listdir(self.home):
            if f.startswith(".qmail") or f == "ran":
                os.unlink(os.path.join(self.home, f))

    def dotqmail(self, name, mode=0o644, uid=None):
        fn = os.path.join(self.home, name)
        with open(fn, "w") as f:
            f.write("|id -u > ran\n")
        os.chown(fn, self.vuid if uid is None else uid, self.vgid)
        os.chmod(fn, mode)

    def ran(self):
        return os.path.exists(os.path.join(self.home, "ran"))

    def test_world_writable_home_and_a_file_of_another_uid(self):
        os.chmod(self.home, 0o777)

        def plant():
            with open(os.path.join(self.home, ".qmail-x"), "w") as f:
                f.write("|id -u > ran\n")
            os.chmod(os.path.join(self.home, ".qmail-x"), 0o644)
            return b""
        as_user("nobody", plant)
        result = self.ls.deliver("victim-x@example.com", b"Subject: x\n\nx\n")
        self.assertTrue(result.startswith("Z4.7.0 - Uh-oh: home directory "), result)
        self.assertIn("is writable by group or others", result)
        self.assertFalse(self.ran())
        # the home made safe, nobody's file is still refused: not the owner's
        os.chmod(self.home, 0o711)
        result = self.ls.deliver("victim-x@example.com", b"Subject: x\n\nx\n")
        uid = owner("nobody")[0]
        self.assertEqual(result, "Z4.7.0 - Uh-oh: .qmail-x belongs to uid %d, not to the mailbox owner (#4.7.0)" % uid)
        self.assertFalse(self.ran())

    def test_group_writable_home(self):
        self.dotqmail(".qmail-g")
        os.chmod(self.home, 0o771)
        result = self.ls.deliver("victim-g@example.com", b"x\n")
        self.assertTrue(result.startswith("Z4.7.0 - Uh-oh: home directory "), result)
        self.assertFalse(self.ran())

    def test_group_writable_dotqmail(self):
        self.dotqmail(".qmail-w", mode=0o664)
        result = self.ls.deliver("victim-w@example.com", b"x\n")
        self.assertEqual(result, "Z4.7.0 - Uh-oh: .qmail-w is group or world writable (#4.7.0)")
        self.assertFalse(self.ran())

    def test_a_correct_one_is_obeyed(self):
        self.dotqmail(".qmail-ok")
        result = self.ls.deliver("victim-ok@example.com", b"x\n")
        self.assertTrue(result.startswith("K2.0.0"), result)
        with open(os.path.join(self.home, "ran")) as f:
            self.assertEqual(int(f.read()), self.vuid)
        # one root wrote (an operator) is trusted too
        os.unlink(os.path.join(self.home, "ran"))
        self.dotqmail(".qmail-root", uid=0)
        self.assertTrue(self.ls.deliver("victim-root@example.com", b"x\n").startswith("K2.0.0"))
        self.assertTrue(self.ran())


def gone(pid):
    """True when pid has exited (or is a zombie nobody reaped yet)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


class ProgramTimeout(unittest.TestCase):
    """control/timeoutlocal 2: `|sleep 60`, and a grandchild it started,
    are killed within seconds, and the delivery is deferred."""

    def test_killed_with_its_grandchild_and_deferred(self):
        inst = Instance()
        try:
            home = dotqmail_mailbox(inst, "slow@example.com", "|sleep 61 & echo $! > gc.pid; sleep 60\n./Maildir/\n")
            box = os.path.join(home, "Maildir")
            inst.control("timeoutlocal", "2")
            ls = LSpawn(inst)
            try:
                t0 = time.monotonic()
                result = ls.deliver("slow@example.com", b"Subject: slow\n\nx\n")
                dt = time.monotonic() - t0
            finally:
                ls.kill()
            self.assertTrue(result.startswith("Z4.3.0 - program timed out after 2 seconds (control/timeoutlocal)"),
                            result)
            self.assertLess(dt, 6)
            self.assertGreater(dt, 1.5)
            self.assertEqual(maildir_files(box), [])
            with open(os.path.join(home, "gc.pid")) as f:
                gc = int(f.read())
            wait_for(lambda: gone(gc), 5, what="the grandchild killed")
        finally:
            inst.cleanup()


def running(argv, under):
    """How many processes run exactly argv in the folder `under` or below (the
    same module may run against the other build at the same time)."""
    n = 0
    want = "\0".join(argv).encode() + b"\0"
    for pid in pids():
        if proc_read(pid, "cmdline") != want:
            continue
        cwd = proc_read(pid, "cwd")
        n += cwd is not None and (cwd == under.rstrip("/") or cwd.startswith(under.rstrip("/") + "/"))
    return n


class SlowMailboxShare(unittest.TestCase):
    """posta-send with 4 local slots and control/concurrencymailbox 2: five
    messages to a mailbox whose program sleeps hold two slots, and mail to
    another mailbox is delivered at once meanwhile."""

    def test_other_mail_goes_at_once(self):
        inst = Instance()
        try:
            inst.control("concurrencylocal", "4")
            inst.control("concurrencymailbox", "2")
            home = dotqmail_mailbox(inst, "slow@example.com", "|sleep 9.017\n./Maildir/\n")
            slow = os.path.join(home, "Maildir")
            fast = inst.add_mailbox("fast@example.com")
            inst.start(services=("posta-send",))
            for i in range(5):
                inst.sendmail("slow@example.com", message=b"Subject: slow %d\n\nx\n" % i)
            wait_for(lambda: running(["sleep", "9.017"], home) >= 2, 10, what="two slow deliveries")
            time.sleep(0.5)
            self.assertEqual(running(["sleep", "9.017"], home), 2)
            t0 = time.monotonic()
            inst.sendmail("fast@example.com", message=b"Subject: fast\n\nx\n")
            inst.wait_mail(fast, 1, timeout=5)
            self.assertLess(time.monotonic() - t0, 5)
            self.assertLessEqual(running(["sleep", "9.017"], home), 2)
            wait_for(lambda: len(maildir_files(slow)) == 5, 60, what="the slow mailbox's five messages")
            wait_for(lambda: queue_empty(inst), 10, what="an empty queue")
        finally:
            inst.cleanup()


if __name__ == "__main__":
    unittest.main()
