"""posta-local killed at each of its file-system calls in turn (strace
-e inject=SYSCALL:signal=KILL:when=N): new/ never holds a partial file, and
a retry leaves exactly one complete copy."""
import collections
import os
import shutil
import subprocess
import unittest

from posta import IS_ROOT, Instance, maildir_files
from lspawn import owner, run_local, write_message

SYSCALLS = ("openat", "read", "write", "lseek", "fsync", "close", "link", "unlink", "chdir", "newfstatat")
MSG = b"Received: from a by b\nSubject: crash\n\n" + b"".join(b"line %05d\n" % i for i in range(20000))
WANT = b"Return-Path: <s@x.org>\nDelivered-To: alice@example.com\n" + MSG


@unittest.skipUnless(shutil.which("strace"), "strace is not installed")
class CrashTest(unittest.TestCase):
    def setUp(self):
        self.inst = Instance()
        self.box = self.inst.add_mailbox("alice@example.com")
        self.home = os.path.dirname(self.box.rstrip("/"))
        self.user = "posta-v" if IS_ROOT else None
        # one queue file for every attempt: a retry is of the same message
        self.msg = write_message(self.inst, MSG, 0o644)

    def tearDown(self):
        self.inst.cleanup()

    def deliver(self, strace=None):
        return run_local(self.inst, self.home, "alice", "example.com", self.msg, sender="s@x.org",
                         user=self.user, strace=strace)

    def empty_maildir(self):
        for sub in ("new", "cur", "tmp"):
            d = os.path.join(self.box, sub)
            for f in os.listdir(d):
                os.unlink(os.path.join(d, f))

    def calls(self):
        """How often posta-local makes each of SYSCALLS in one delivery."""
        out = os.path.join(self.home, "strace.out")  # the owner can write there
        code, text = self.deliver(["strace", "-qq", "-o", out, "-e", "trace=" + ",".join(SYSCALLS)])
        self.assertEqual(code, 0, text)
        counts = collections.Counter()
        with open(out) as f:
            for line in f:
                name = line.split("(", 1)[0]
                if name in SYSCALLS:
                    counts[name] += 1
        os.unlink(out)
        return counts

    def test_killed_at_every_call(self):
        counts = self.calls()
        for name in ("openat", "write", "fsync", "link", "unlink"):
            self.assertGreater(counts[name], 0, name)
        trials = 0
        for name in SYSCALLS:
            for n in range(1, counts[name] + 1):
                self.empty_maildir()
                code, _ = self.deliver(["strace", "-qq", "-o", "/dev/null",
                                        "-e", "inject=%s:signal=KILL:when=%d" % (name, n)])
                self.assertNotEqual(code, 0, "%s #%d was not reached" % (name, n))
                new = maildir_files(self.box)
                self.assertLessEqual(len(new), 1, "%s #%d" % (name, n))
                for fn in new:
                    with open(fn, "rb") as f:
                        self.assertEqual(f.read(), WANT, "partial file after a kill at %s #%d" % (name, n))
                code, text = self.deliver()
                self.assertEqual(code, 0, "retry after %s #%d: %s" % (name, n, text))
                new = maildir_files(self.box)
                self.assertEqual(len(new), 1, "retry after a kill at %s #%d made %d copies" % (name, n, len(new)))
                with open(new[0], "rb") as f:
                    self.assertEqual(f.read(), WANT)
                trials += 1
        self.assertGreater(trials, 20)
        print("\n  %d kills: %s" % (trials, dict(counts)))


if __name__ == "__main__":
    unittest.main()
