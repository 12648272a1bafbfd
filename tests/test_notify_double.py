"""Double bounces, end to end on a real instance: a message whose local
recipient does not exist, from a sender whose domain cannot receive mail
(a null MX, RFC 7505, or a domain that does not exist), bounces; the
bounce cannot be delivered, and its failure goes to the postmaster's
mailbox as a double bounce. When the postmaster's delivery fails too, the
failed double bounce is logged and dropped: nothing loops, the queue
empties."""
import os
import time
import unittest

from bouncekit import parse, read, status_blocks
from dnsfix import Dns
from posta import IS_ROOT, maildir_files, wait_for
from sendtools import log_events, log_lines, need_real_remote, queue_empty, remote_instance

ORIGINAL = b"Subject: from nowhere\n\nwho is there?\n"


class DoubleBounceTest(unittest.TestCase):
    def setUp(self):
        need_real_remote()
        self.dns = Dns().null_mx("nullmx.test").start()
        self.addCleanup(self.dns.stop)
        self.inst = remote_instance(self.dns)
        self.addCleanup(self.inst.cleanup)
        self.inst.add_mailbox("someone@posta.example")   # makes posta.example local
        self.postmaster = self.inst.path("alias", "Maildir")

    def test_bounce_to_a_domain_without_mail(self):
        self.inst.start(services=("posta-send",))
        self.inst.sendmail("nosuch@posta.example", sender="x@nullmx.test", message=ORIGINAL)
        self.inst.sendmail("nosuch@posta.example", sender="y@nowhere.test", message=ORIGINAL)
        files = self.inst.wait_mail(self.postmaster, 2, timeout=20)
        wait_for(lambda: queue_empty(self.inst), 10, what="an empty queue")
        time.sleep(1)
        self.assertEqual(len(maildir_files(self.postmaster)), 2)
        got = {}
        for f in files:
            data = read(f)
            self.assertTrue(data.startswith(b"Return-Path: <>\n"), data[:80])
            msg = parse(data)
            self.assertEqual(msg["Subject"], "Postmaster notify: undeliverable bounce")
            self.assertEqual(msg["To"].addresses[0].addr_spec, "postmaster@posta.example")
            r = status_blocks(msg)[1]
            self.assertEqual(r["Action"], "failed")
            got[r["Final-Recipient"]] = r
            # the failed notice itself is attached, and names the original's
            # failed recipient
            inner = list(msg.iter_parts())[2]
            self.assertEqual(inner.get_content_type(), "message/rfc822")
            self.assertEqual(inner.get_payload()[0]["Subject"], "Undelivered mail returned to sender")
        self.assertEqual(sorted(got), ["rfc822; x@nullmx.test", "rfc822; y@nowhere.test"])
        self.assertEqual(got["rfc822; x@nullmx.test"]["Status"], "5.1.10")
        self.assertEqual(got["rfc822; y@nowhere.test"]["Status"], "5.1.2")
        self.assertIn("nowhere.test", got["rfc822; y@nowhere.test"]["Diagnostic-Code"])
        events = log_events(self.inst)
        self.assertEqual([line for kind, line in events if kind is None], [])
        kinds = sorted((m.group(2), m.group(3)) for k, m in events if k == "notice")
        self.assertEqual(kinds, [("double bounce", "postmaster@posta.example")] * 2
                         + [("failure notice", "x@nullmx.test"), ("failure notice", "y@nowhere.test")])

    def test_failed_double_bounce_dropped(self):
        # the postmaster's delivery fails for good: the double bounce fails
        fn = self.inst.path("alias", ".qmail-postmaster")
        with open(fn, "w") as f:
            f.write("|echo the postmaster is away; exit 100\n")
        if IS_ROOT:
            st = os.stat(self.inst.path("alias"))
            os.chown(fn, st.st_uid, st.st_gid)
        self.inst.start(services=("posta-send",))
        self.inst.sendmail("nosuch@posta.example", sender="x@nullmx.test", message=ORIGINAL)
        wait_for(lambda: any(k == "double_dropped" for k, m in log_events(self.inst)), 20,
                 what="the failed double bounce dropped")
        wait_for(lambda: queue_empty(self.inst), 10, what="an empty queue")
        n = len(log_lines(self.inst))
        time.sleep(2)
        self.assertEqual(len(log_lines(self.inst)), n, "nothing happens any more")
        self.assertEqual(maildir_files(self.postmaster), [])
        events = log_events(self.inst)
        self.assertEqual([line for kind, line in events if kind is None], [])
        # three messages in all (the original, its bounce, the double
        # bounce), and three runs of posta-bounce: the last one dropped it
        self.assertEqual(len([1 for k, m in events if k == "new"]), 3)
        self.assertEqual(len([1 for k, m in events if k == "bounce" and m.group(2).startswith("qp ")]), 3)
        dropped = [m for k, m in events if k == "double_dropped"]
        self.assertEqual(len(dropped), 1)
        self.assertEqual(dropped[0].group(2), "postmaster@posta.example")


if __name__ == "__main__":
    unittest.main()
