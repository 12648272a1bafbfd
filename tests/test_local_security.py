"""Attacks on local delivery, each run as the uid that would make it.

posta-lspawn runs as root and takes requests from posta-send (posta-s):
posta-s must not be able to make it read a file posta-s cannot read, by
handing it a descriptor (an O_PATH one needs no read permission), by
naming an id outside the queue, or (as posta-q, which owns queue/mess) by
putting a symlink, a FIFO or a hard link where a message goes. Issue 15,
item 2."""
import os
import socket
import time
import unittest

from posta import IS_ROOT, Instance, maildir_files
from lspawn import SPLIT, LSpawn, owner, queue_message


def as_user(name, func, *args):
    """Runs func(*args) in a child with only the uid, gid and group of
    user name; returns what it returned (a short bytes), or raises."""
    uid, gid = owner(name)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        out = b"!"
        try:
            os.setgroups([gid])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
            out = b"=" + (func(*args) or b"")
        except BaseException as e:  # noqa: B902 - reported to the parent
            out = b"!" + repr(e).encode()
        finally:
            os.write(w, out)
            os._exit(0)
    os.close(w)
    data = b""
    while True:
        b = os.read(r, 4096)
        if not b:
            break
        data += b
    os.close(r)
    os.waitpid(pid, 0)
    if not data.startswith(b"="):
        raise AssertionError("%s as %s failed: %s" % (func.__name__, name, data[1:].decode(errors="replace")))
    return data[1:]


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
class LSpawnDescriptorAttack(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()
        cls.box = cls.inst.add_mailbox("alice@example.com")
        cls.secret = b"TOP-SECRET-%d-root-only" % os.getpid()
        cls.secretfn = cls.inst.path("root-secret")
        with open(cls.secretfn, "wb") as f:
            f.write(b"Subject: stolen\n\n" + cls.secret + b"\n")
        os.chmod(cls.secretfn, 0o600)

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()

    def setUp(self):
        self.ls = LSpawn(self.inst)

    def tearDown(self):
        self.ls.kill()

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


if __name__ == "__main__":
    unittest.main()
