"""posta-send with the real posta-lspawn and posta-local: a message queued
by sendmail reaches its virtual mailbox at once and byte for byte; a Maildir
that cannot be written is retried on schedule and delivered once; as root,
posta-send cannot write a Maildir itself; the log tells a message's life in
doc/log-format.md's lines, posta-bounce's included, and the bounce of a
failed recipient reaches the sender's mailbox."""
import os
import pwd
import subprocess
import time
import unittest

from bouncekit import parse, status_blocks
from posta import IS_ROOT, maildir_files, wait_for
from sendtools import log_events, queue_empty, send_instance, send_pid, wait_log

BODY = (b"From: Bob <bob@example.net>\nTo: alice@example.com\nSubject: exact\n\n"
        b"line one\n.\n..\nFrom the start\ntabs\tand trailing spaces   \n"
        b"binary \x01\x7f\xfe bytes\n")


class SendLocalTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = send_instance(retry=[1])
        cls.box = cls.inst.add_mailbox("alice@example.com")
        cls.inst.start(services=("posta-send",))

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()

    def test_sendmail_to_virtual_mailbox(self):
        before = len(maildir_files(self.box))
        t0 = time.monotonic()
        p = self.inst.run("sendmail", "-i", "-f", "bob@example.net", "alice@example.com", input=BODY)
        self.assertEqual(p.returncode, 0, p.stderr)
        t1 = time.monotonic()
        files = wait_for(lambda: len(maildir_files(self.box)) > before and maildir_files(self.box),
                         5, interval=0.005, what="the message in the Maildir")
        elapsed = time.monotonic() - t1
        self.assertLess(elapsed, 1.0)
        new = [f for f in files if "/new/" in f]
        self.assertEqual(len(new), before + 1)
        with open(sorted(new, key=os.path.getmtime)[-1], "rb") as f:
            data = f.read()
        head, _, rest = data.partition(b"\n")
        self.assertEqual(head, b"Return-Path: <bob@example.net>")
        self.assertTrue(rest.startswith(b"Delivered-To: alice@example.com\n"), rest[:200])
        # the body exactly as given to sendmail
        self.assertTrue(data.endswith(b"\n\nline one\n.\n..\nFrom the start\ntabs\tand trailing spaces   \n"
                                      b"binary \x01\x7f\xfe bytes\n"), data)
        wait_for(lambda: queue_empty(self.inst), 5, what="an empty queue")
        print("\n  sendmail exit to new/: %.1f ms (sendmail ran %.1f ms)" % (elapsed * 1000, (t1 - t0) * 1000))

    def test_log_tells_the_whole_life(self):
        # the sender has a mailbox here, so that the bounce is delivered too
        # and its life (posta-bounce's line included) is in the log
        carol = self.inst.add_mailbox("carol@example.com")
        self.inst.sendmail("alice@example.com", "nobody-here@example.com", sender="carol@example.com")
        info = wait_for(lambda: [m for k, m in log_events(self.inst) if k == "info" and m.group(3) == "carol@example.com"],
                        10, what="the message's info line")
        self.assertEqual(len(info), 1)
        mid = info[0].group(1)
        wait_log(self.inst, r"^end msg %s$" % mid)
        # the failure notice reaches carol, and then the queue is empty
        notice, = self.inst.wait_mail(carol, 1)
        with open(notice, "rb") as f:
            msg = parse(f.read())
        self.assertEqual(status_blocks(msg)[1]["Final-Recipient"], "rfc822; nobody-here@example.com")
        wait_for(lambda: queue_empty(self.inst), 5, what="an empty queue")
        events = log_events(self.inst)
        undocumented = [line for kind, line in events if kind is None]
        self.assertEqual(undocumented, [])
        # the message's life, in order
        life = [(k, m) for k, m in events
                if (k in ("new", "info", "end", "bounce") and m.group(1) == mid)
                or (k == "start" and m.group(2) == mid)]
        kinds = [k for k, m in life]
        self.assertEqual(kinds[:2], ["new", "info"])
        self.assertEqual(kinds[-1], "end")
        self.assertEqual(kinds.count("start"), 2)
        numbers = {m.group(1): m.group(4) for k, m in life if k == "start"}
        results = {m.group(1): m for k, m in events if k == "result" and m.group(1) in numbers}
        self.assertEqual(len(results), 2)
        outcome = {m.group(3): m.group(2) for m in results.values()}
        self.assertEqual(outcome["alice@example.com"], "success")
        # no such mailbox: a permanent failure, recorded for posta-bounce,
        # which queued the notice before the message ended
        self.assertEqual(outcome["nobody-here@example.com"], "failure")
        self.assertEqual([m.group(2).split(" ")[0] for k, m in life if k == "bounce"], ["qp", "done"])
        notices = [m for k, m in events if k == "notice" and m.group(1) == mid]
        self.assertEqual([(m.group(2), m.group(3), m.group(4)) for m in notices],
                         [("failure notice", "carol@example.com", "1")])
        self.assertTrue(any(k == "status" for k, m in events))

    def test_unwritable_maildir_deferred_then_delivered_once(self):
        box = self.inst.add_mailbox("locked@example.com")
        tmp = os.path.join(box, "tmp")
        os.chmod(tmp, 0o500)
        try:
            self.inst.sendmail("locked@example.com", message=b"Subject: locked\n\nwait for me\n")
            wait_log(self.inst, r"^delivery \d+: msg \d+: deferral: <locked@example\.com> ", count=2, timeout=10)
            self.assertEqual(maildir_files(box), [])
        finally:
            os.chmod(tmp, 0o700)
        files = wait_for(lambda: maildir_files(box), 10, what="the delivery after the fix")
        time.sleep(1.5)
        self.assertEqual(len(maildir_files(box)), 1)
        with open(files[0], "rb") as f:
            self.assertTrue(f.read().endswith(b"wait for me\n"))
        lines = [m for k, m in log_events(self.inst) if k == "result" and m.group(3) == "locked@example.com"]
        self.assertEqual([m.group(2) for m in lines][-1], "success")
        self.assertGreaterEqual(len(lines), 3)
        wait_for(lambda: queue_empty(self.inst), 5, what="an empty queue")

    @unittest.skipUnless(IS_ROOT, "privilege separation needs root")
    def test_posta_send_cannot_write_a_maildir(self):
        pid = send_pid(self.inst)
        self.assertIsNotNone(pid)
        with open("/proc/%d/status" % pid) as f:
            uids = [l.split()[1:] for l in f if l.startswith("Uid:")][0]
        s = pwd.getpwnam("posta-s").pw_uid
        self.assertEqual(set(int(u) for u in uids), {s})
        # as posta-s, with posta-send's groups: no file can be made in the Maildir
        for sub in ("tmp", "new"):
            target = os.path.join(self.box, sub, "posta-send-was-here")
            p = subprocess.run(["s6-setuidgid", "posta-s", "sh", "-c", ": > '%s'" % target],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertNotEqual(p.returncode, 0)
            self.assertFalse(os.path.exists(target))


if __name__ == "__main__":
    unittest.main()
