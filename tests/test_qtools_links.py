"""posta-qflush, posta-qhold and posta-qrm run by root, in folders posta-q
and posta-s own: what those uids put there (a link for queue/lock/trigger or
for queue/cmd, a FIFO for an info record) must never make root write to
another file, create files elsewhere, or block. Each attack runs as the uid
that owns the folder."""
import os
import stat
import subprocess
import unittest

from posta import IS_ROOT, SPLIT, Instance, as_user, base_dir

ID = 1234567


@unittest.skipUnless(IS_ROOT, "the attack needs the instance's users")
class QtoolsLinkTest(unittest.TestCase):
    def setUp(self):
        self.inst = Instance()
        self.secret = os.path.join(base_dir(), self.inst.name + "-secret")
        os.mkdir(self.secret, 0o700)

    def tearDown(self):
        self.inst.cleanup()
        for f in os.listdir(self.secret):
            os.unlink(os.path.join(self.secret, f))
        os.rmdir(self.secret)

    def tool(self, *args, timeout=20):
        return self.inst.run(*args, timeout=timeout)

    def test_trigger_link_to_a_root_fifo(self):
        fifo = os.path.join(self.secret, "initctl")
        os.mkfifo(fifo, 0o600)
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        try:
            trigger = self.inst.path("queue", "lock", "trigger")

            def swap():
                os.symlink(fifo, trigger + ".x")
                os.rename(trigger + ".x", trigger)
            as_user("posta-q", swap)
            self.tool("posta-qflush", "-t", "0", "all")
            try:
                got = os.read(reader, 16)   # b"": no writer came
            except BlockingIOError:
                got = b""                   # a writer came and wrote nothing
            self.assertEqual(got, b"", "root wrote into a FIFO posta-q linked to")
        finally:
            os.close(reader)

    def test_cmd_link_to_a_root_folder(self):
        cmd = self.inst.path("queue", "cmd")

        def swap():
            os.rename(cmd, cmd + ".old")
            os.symlink(self.secret, cmd)
        as_user("posta-q", swap)
        self.tool("posta-qflush", "-t", "0", "all")
        self.assertEqual(os.listdir(self.secret), [], "root wrote a request where posta-q's link led")

    def test_info_fifo_blocks_nothing(self):
        info = self.inst.qpath("info", ID)
        as_user("posta-s", lambda: os.mkfifo(info, 0o600))
        try:
            p = self.tool("posta-qhold", "-t", "0", str(ID), timeout=10)
        except subprocess.TimeoutExpired:
            self.fail("posta-qhold blocked on a FIFO posta-s made")
        self.assertIn(b"unreadable", p.stdout)
        self.assertEqual(p.returncode, 100)
        self.assertTrue(stat.S_ISFIFO(os.lstat(info).st_mode))

    def test_qstat_and_qread_block_on_no_fifo(self):
        # posta-q owns queue/: it can put a folder of its own in place of
        # queue/info, and owns queue/todo outright
        info = self.inst.path("queue", "info")
        todo = self.inst.qpath("todo", ID)

        def plant():
            os.rename(info, info + ".old")
            os.mkdir(info, 0o755)
            for n in range(SPLIT):
                os.mkdir(os.path.join(info, str(n)), 0o755)
            os.mkfifo(os.path.join(info, str(ID % SPLIT), str(ID)), 0o644)
            os.mkfifo(todo, 0o644)
        as_user("posta-q", plant)
        for args in (("posta-qstat", "-d"), ("posta-qread", str(ID))):
            try:
                self.tool(*args, timeout=10)
            except subprocess.TimeoutExpired:
                self.fail("%s blocked on a FIFO posta-q made" % args[0])


if __name__ == "__main__":
    unittest.main()
