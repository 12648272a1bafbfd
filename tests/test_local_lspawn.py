"""posta-lspawn end to end: requests over a real SOCK_SEQPACKET socketpair
naming a message of queue/mess, posta-local as the mailbox owner,
the result lines back; 2000 virtual mailboxes; uid 0 refused; bad requests;
never blocking on one delivery."""
import os
import socket
import time
import unittest

from posta import IS_ROOT, Instance, maildir_files
from lspawn import LSpawn, LSpawnCase, owner, queue_message

BODY = (b"Received: from client.example.net by mx.example.com; 1 Jan 2025 00:00:00 +0000\n"
        b"From: Bob <bob@example.net>\nTo: alice@example.com\nSubject: hello\n\n"
        b"From the start\n.\n..\nbinary \x01\x7f\xff bytes\nno final newline")


class LSpawnTest(LSpawnCase):
    @classmethod
    def prepare(cls):
        cls.box = cls.inst.add_mailbox("alice@example.com")
        cls.vuid, cls.vgid = owner("posta-v")

    def dotqmail(self, address, name, text):
        """Writes a dot-qmail file in a virtual mailbox's home, owned by posta-v."""
        home = os.path.dirname(self.inst.add_mailbox(address).rstrip("/"))
        fn = os.path.join(home, name)
        with open(fn, "w") as f:
            f.write(text)
        os.chmod(fn, 0o644)
        os.chown(fn, self.vuid, self.vgid)
        return home

    def test_virtual_mailbox_byte_exact(self):
        before = set(maildir_files(self.box))
        result = self.ls.deliver("alice@example.com", BODY, sender="bob@example.net")
        self.assertTrue(result.startswith("K2.0.0 - delivered"), result)
        new = [f for f in maildir_files(self.box) if f not in before]
        self.assertEqual(len(new), 1)
        self.assertIn("/new/", new[0])
        with open(new[0], "rb") as f:
            data = f.read()
        self.assertEqual(data, b"Return-Path: <bob@example.net>\nDelivered-To: alice@example.com\n" + BODY)
        st = os.stat(new[0])
        self.assertEqual((st.st_uid, st.st_mode & 0o777), (self.vuid, 0o600))
        self.assertEqual(os.listdir(os.path.join(self.box, "tmp")), [])
        self.assertEqual(self.ls.close(), 0)

    def test_unknown_and_extension_addresses(self):
        self.assertTrue(self.ls.deliver("nobody-here@example.com", b"x\n").startswith("D5.1.1 - Sorry, no mailbox"))
        self.assertTrue(self.ls.deliver("alice-ext@example.com", b"x\n").startswith("D5.1.1 "))
        # postmaster goes to the alias user's Maildir (posta-setup's .qmail-postmaster)
        alias = self.inst.path("alias", "Maildir")
        n = len(maildir_files(alias))
        self.assertTrue(self.ls.deliver("Postmaster@example.com", b"x\n").startswith("K2.0.0"))
        self.assertEqual(len(maildir_files(alias)), n + 1)

    def test_runs_as_the_owner(self):
        home = self.dotqmail("idcheck@example.com", ".qmail", "|id -u > id.out; id -G >> id.out\n./Maildir/\n")
        self.assertTrue(self.ls.deliver("idcheck@example.com", b"x\n").startswith("K2.0.0"))
        with open(os.path.join(home, "id.out")) as f:
            uid, groups = f.read().split("\n")[:2]
        self.assertEqual(int(uid), self.vuid)
        self.assertEqual([int(g) for g in groups.split()], [self.vgid])
        self.assertEqual(os.stat(os.path.join(home, "id.out")).st_uid, self.vuid)

    @unittest.skipUnless(IS_ROOT, "uid 0 exists only in a root-made instance")
    def test_uid_zero_refused(self):
        rootbox = self.inst.path("rootbox")
        os.makedirs(os.path.join(rootbox, "Maildir", "new"), exist_ok=True)
        with open(self.inst.path("users", "assign")) as f:
            saved = f.read()
        with open(self.inst.path("users", "assign"), "w") as f:
            f.write("=toor:root:0:0:%s:::\n" % rootbox + saved)
        p = self.inst.run("posta-newu")
        self.assertEqual(p.returncode, 0, p.stderr)
        try:
            result = self.ls.deliver("toor@example.com", b"x\n")
            self.assertTrue(result.startswith("D5.3.5 - refusing to deliver as root (uid 0)"), result)
            self.assertEqual(os.listdir(os.path.join(rootbox, "Maildir", "new")), [])
        finally:
            with open(self.inst.path("users", "assign"), "w") as f:
                f.write(saved)
            self.inst.run("posta-newu")

    def test_same_message_to_parallel_deliveries(self):
        # one message to several deliveries at once: each must read the
        # message from its start, whatever the others read. 4 MiB: many
        # reads each.
        big = BODY + b"".join(b"line %07d of a long message\n" % i for i in range(140000))
        path = queue_message(self.inst, big)
        boxes = self.inst.add_mailboxes("par%d@example.com" % i for i in range(10))
        for i in range(10):
            self.ls.request(i, "par%d@example.com" % i, path, sender="s@x.org")
        got = sorted(self.ls.response() for _ in range(10))
        self.assertEqual([g[0] for g in got], list(range(10)))
        for _, result in got:
            self.assertTrue(result.startswith("K2.0.0"), result)
        for i, box in enumerate(boxes):
            files = maildir_files(box)
            self.assertEqual(len(files), 1)
            with open(files[0], "rb") as f:
                data = f.read()
            self.assertEqual(len(data), len(big) + len(b"Return-Path: <s@x.org>\nDelivered-To: par%d@example.com\n" % i))
            self.assertTrue(data.endswith(big))

    def test_never_blocks_on_one_delivery(self):
        self.dotqmail("slow@example.com", ".qmail", "|sleep 3\n")
        t0 = time.monotonic()
        self.ls.request(0, "slow@example.com", queue_message(self.inst, b"x\n"))
        self.ls.request(1, "alice@example.com", queue_message(self.inst, b"y\n"))
        slot, result = self.ls.response()
        self.assertEqual(slot, 1)
        self.assertLess(time.monotonic() - t0, 2.5)
        # end of file while one runs: it is answered, then posta-lspawn exits 0
        self.ls.sock.shutdown(socket.SHUT_WR)
        slot, result = self.ls.response()
        self.assertEqual(slot, 0)
        self.assertTrue(result.startswith("K2.0.0"), result)
        self.assertEqual(self.ls.proc.wait(30), 0)

    def test_bad_requests(self):
        msg = queue_message(self.inst, b"x\n")
        fd = os.open(msg, os.O_RDONLY)
        mid = os.path.basename(msg).encode()
        try:
            # a descriptor: refused with its slot (posta-lspawn opens the
            # message itself); a message not in the queue
            self.ls.send_raw(b"3\0" + mid + b"\0s@x\0" b"alice@example.com\0", [fd])
            self.assertEqual(self.ls.response(), (3, "Z4.3.0 - a descriptor came with the request"))
            self.ls.send_raw(b"3\0" b"1\0" b"s@x\0" b"alice@example.com\0")
            self.assertEqual(self.ls.response(), (3, "Z4.3.0 - message not in the queue: no such file"))
            # slot beyond control/concurrencylocal (10)
            self.ls.send_raw(b"10\0" b"1\0" b"s@x\0" b"alice@example.com\0")
            self.assertEqual(self.ls.response(), (10, "Z4.3.0 - slot number too high"))
            # two recipients, a bad sender, no '@', garbage
            self.ls.send_raw(b"4\0" b"1\0" b"s@x\0" b"a@b\0" b"c@d\0")
            self.assertEqual(self.ls.response(), (4, "Z4.3.0 - more than one recipient"))
            self.ls.send_raw(b"5\0" b"1\0" b"s\r\n@x\0" b"a@b\0")
            self.assertEqual(self.ls.response(), (5, "Z4.3.0 - bad sender"))
            self.ls.send_raw(b"6\0" b"1\0" b"\0" b"nodomain\0")
            self.assertEqual(self.ls.response(), (6, "Z4.3.0 - bad recipient"))
            # no slot at all: dropped with a log line, no answer
            self.ls.send_raw(b"\xff\xfe garbage", [fd])
            self.ls.send_raw(b"x" * 70000, [fd])
            # the slot is busy while its delivery runs
            self.dotqmail("busy@example.com", ".qmail", "|sleep 1\n")
            self.ls.request(2, "busy@example.com", msg)
            self.ls.request(2, "alice@example.com", msg)
            self.assertEqual(self.ls.response(), (2, "Z4.3.0 - slot already busy"))
            slot, result = self.ls.response()
            self.assertEqual(slot, 2)
            self.assertTrue(result.startswith("K2.0.0"), result)
            # still serving
            self.assertTrue(self.ls.deliver("alice@example.com", msg).startswith("K2.0.0"))
        finally:
            os.close(fd)
        self.assertEqual(self.ls.close(), 0)
        err = self.ls.stderr()
        self.assertIn("posta-lspawn: warning: dropped a request without a slot", err)
        self.assertIn("posta-lspawn: warning: refused a request: slot already busy", err)


class ManyMailboxesTest(unittest.TestCase):
    """2000 virtual mailboxes made with posta-user (import, then one add), one message each through
    posta-lspawn, 10 at a time: every one delivered, none twice."""
    N = 2000

    def test_2000_mailboxes(self):
        inst = Instance()
        try:
            t0 = time.monotonic()
            inst.add_mailboxes("user%d@dom%d.example" % (i, i % 7) for i in range(1, self.N))
            t_import = time.monotonic() - t0
            # and one more added alone, among the others
            t0 = time.monotonic()
            p = inst.run("posta-user", "add", "user0@dom0.example")
            t_add = time.monotonic() - t0
            self.assertEqual(p.returncode, 0, p.stderr)
            listed = inst.run("posta-user", "list").stdout.decode().split()
            self.assertEqual(len(listed), self.N)
            ls = LSpawn(inst)
            msgs = [queue_message(inst, b"Subject: m%d\n\nbody %d\n" % (i, i)) for i in range(self.N)]
            t0 = time.monotonic()
            free, nxt, answered, bad = list(range(10)), 0, 0, []
            inflight = {}
            while answered < self.N:
                while free and nxt < self.N:
                    s = free.pop()
                    ls.request(s, "user%d@dom%d.example" % (nxt, nxt % 7), msgs[nxt])
                    inflight[s] = nxt
                    nxt += 1
                slot, result = ls.response()
                if not result.startswith("K"):
                    bad.append((inflight[slot], result))
                del inflight[slot]
                free.append(slot)
                answered += 1
            t_dlv = time.monotonic() - t0
            self.assertEqual(ls.close(), 0)
            self.assertEqual(bad, [])
            for i in range(self.N):
                box = os.path.join(inst.home, "mailboxes", "dom%d.example" % (i % 7), "user%d" % i, "Maildir")
                files = maildir_files(box)
                self.assertEqual(len(files), 1, box)
                with open(files[0], "rb") as f:
                    self.assertTrue(f.read().endswith(b"body %d\n" % i))
            print("\n  posta-user import of %d: %.1f s, then one add: %.2f s; %d deliveries through "
                  "posta-lspawn, 10 in parallel: %.1f s (%.0f/s)"
                  % (self.N - 1, t_import, t_add, self.N, t_dlv, self.N / t_dlv))
        finally:
            inst.cleanup()


if __name__ == "__main__":
    unittest.main()
