"""posta-qstat and posta-qread on a real queue: counts of mess and todo,
one block per message with its recipients, records written by posta-send
(info, local, remote) read as doc/queue.md defines them, a torn record
reported and not believed, and anyone but root and posta-s refused."""
import os
import pwd
import re
import subprocess
import unittest

from posta import IS_ROOT, FreshInstanceCase
import qrecord
from qtools import envelope, inject


class QueueReaders(FreshInstanceCase):
    def put(self, kind, mid, data):
        fn = self.inst.qpath(kind, mid)
        with open(fn, "wb") as f:
            f.write(data)
        st = os.stat(self.inst.path("queue", kind))
        os.chown(fn, st.st_uid, st.st_gid)

    def test_counts_and_blocks(self):
        for i in range(3):
            rc, err = inject(self.inst, b"Subject: %d\n\nbody\n" % i, envelope("s%d@example.com" % i, ["a%d@x.example" % i, "b%d@y.example" % i]))
            self.assertEqual(rc, 0, err)
        ids = self.inst.queue_files("todo")
        # the first one moves on as posta-send would: info, local, remote, no todo
        mid = ids[0]
        size = os.path.getsize(self.inst.qpath("mess", mid))
        self.put("info", mid, qrecord.build("info", [("F", b"s0@example.com"), ("t", b"1700000000"), ("u", b"0"),
                                               ("s", b"%d" % size), ("d", b"0"), ("h", b"0"), ("x", b"0")]))
        self.put("local", mid, qrecord.build("rcpt", [("A", b"a0@x.example"), ("S", b"D"), ("n", b"1"), ("w", b"0"),
                                                ("e", b"K2.0.0 - delivered")]))
        self.put("remote", mid, qrecord.build("rcpt", [("A", b"b0@y.example"), ("S", b"P"), ("n", b"2"),
                                                 ("w", b"1700003600"), ("e", b"Z4.4.1 - connection refused")]))
        os.unlink(self.inst.qpath("todo", mid))

        p = self.inst.run("posta-qstat")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.decode(), "messages in queue: 3\nmessages in queue but not yet preprocessed: 2\n")

        p = self.inst.run("posta-qread")
        self.assertEqual(p.returncode, 0, p.stderr)
        blocks = p.stdout.decode().split("\n\n")
        self.assertEqual(blocks[-1], "")
        blocks = {int(re.match(r"message (\d+)\n", b).group(1)): b for b in blocks[:-1]}
        self.assertEqual(sorted(blocks), ids)
        self.assertEqual(blocks[mid],
                         "message %d\n  arrival: Tue, 14 Nov 2023 22:13:20 +0000\n  size: %d\n"
                         "  sender: <s0@example.com>\n  injected by: uid 0\n  state: preprocessed\n"
                         "  local <a0@x.example>: delivered, attempts 1, last result: K2.0.0 - delivered\n"
                         "  remote <b0@y.example>: pending, attempts 2, next attempt Tue, 14 Nov 2023 23:13:20 +0000, "
                         "last result: Z4.4.1 - connection refused" % (mid, size))
        for other in ids[1:]:
            i = int(re.search(r"sender: <s(\d)@", blocks[other]).group(1))
            size = os.path.getsize(self.inst.qpath("mess", other))
            self.assertRegex(blocks[other],
                             r"^message %d\n  arrival: \w{3}, \d+ \w{3} \d{4} \d\d:\d\d:\d\d \+0000\n  size: %d\n"
                             r"  sender: <s%d@example.com>\n  injected by: uid \d+\n  state: not yet preprocessed\n"
                             r"  recipient <a%d@x.example>: not yet preprocessed\n"
                             r"  recipient <b%d@y.example>: not yet preprocessed$" % (other, size, i, i, i))

    def test_torn_record(self):
        rc, err = inject(self.inst, b"Subject: t\n\nx\n", envelope("a@b", ["c@d"]))
        self.assertEqual(rc, 0, err)
        mid = self.inst.queue_files("todo")[0]
        fn = self.inst.qpath("todo", mid)
        data = open(fn, "rb").read()
        with open(fn, "wb") as f:
            f.write(data[:-5])
        p = self.inst.run("posta-qread")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.decode(), "message %d\n  unreadable todo record\n\n" % mid)

    def test_empty_queue(self):
        p = self.inst.run("posta-qread")
        self.assertEqual((p.returncode, p.stdout), (0, b""))
        p = self.inst.run("posta-qstat")
        self.assertEqual(p.stdout, b"messages in queue: 0\nmessages in queue but not yet preprocessed: 0\n")

    @unittest.skipUnless(IS_ROOT, "needs the instance's users")
    def test_who_may(self):
        rc, err = inject(self.inst, b"Subject: w\n\nx\n", envelope("a@b", ["c@d"]))
        self.assertEqual(rc, 0, err)
        for prog in ("posta-qstat", "posta-qread"):
            p = self.inst.run(prog, user="posta-s")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn(b"1", p.stdout)
            for user in ("nobody", "posta-d", "posta-q"):
                p = self.inst.run(prog, user=user)
                self.assertEqual(p.returncode, 100)
                self.assertEqual(p.stderr.decode(), "%s: fatal: only root and posta-s may read the queue\n" % prog)
                self.assertEqual(p.stdout, b"")
        self.assertEqual(self.inst.run("posta-qstat", "extra").returncode, 100)


if __name__ == "__main__":
    unittest.main()
