"""Delay notices and the queue lifetime, end to end on a real instance:
posta-send, posta-rspawn and posta-remote try a destination whose MX (from
dnsmasq on loopback) is a loopback address where nothing listens; the
sender is a virtual mailbox of the instance. With control/delaywarning 2 s
and control/queuelifetime 6 s the sender gets exactly one delay notice,
then exactly one failure notice; a message from the null sender gets no
delay notice, and its failure goes to the postmaster; with delaywarning 0
there is no delay notice at all."""
import email.utils
import time
import unittest

from bouncekit import notice_text, parse, read, status_blocks
from dnsfix import Dns
from posta import maildir_files, wait_for
from sendtools import log_events, need_real_remote, queue_empty, remote_instance

ORIGINAL = b"Subject: are you there\nMessage-ID: <there.1@posta.example>\n\nHello?\n"
DEAD = "127.0.0.41"      # nothing listens here: every connection is refused
# what posta-remote says of it: refused, or not tried because it just was
# (remote/tcpto)
REFUSED = r"connection refused|failed to connect a short while ago"


def date(value):
    return email.utils.parsedate_to_datetime(str(value)).timestamp()


class DelayThenBounceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        need_real_remote()
        cls.dns = Dns().mx("dead.test", 10, "mx.dead.test").host("mx.dead.test", DEAD).start()

    @classmethod
    def tearDownClass(cls):
        cls.dns.stop()

    def setUp(self):
        self.inst = remote_instance(self.dns, delaywarning="2", queuelifetime="6")
        self.addCleanup(self.inst.cleanup)
        self.alice = self.inst.add_mailbox("alice@posta.example")
        self.postmaster = self.inst.path("alias", "Maildir")

    def test_one_delay_notice_then_one_bounce(self):
        self.inst.start(services=("posta-send",))
        t0 = time.time()
        self.inst.sendmail("bob@dead.test", sender="alice@posta.example", message=ORIGINAL)
        # a message from the null sender to the same place: no delay notice
        self.inst.sendmail("carl@dead.test", sender="", message=ORIGINAL)
        first, = self.inst.wait_mail(self.alice, 1, timeout=15)
        t_delay = time.time()
        both = self.inst.wait_mail(self.alice, 2, timeout=20)
        t_bounce = time.time()
        double = self.inst.wait_mail(self.postmaster, 1, timeout=10)
        wait_for(lambda: queue_empty(self.inst), 10, what="an empty queue")
        time.sleep(2)   # nothing more comes
        self.assertEqual(len(maildir_files(self.alice)), 2)
        self.assertEqual(len(maildir_files(self.postmaster)), 1)
        # posta-send counts in whole seconds from the arrival's second
        self.assertGreaterEqual(t_delay - t0, 1.0)
        self.assertGreaterEqual(t_bounce - t0, 5.0)

        delay = parse(read(first))
        bounce = parse(read([f for f in both if f != first][0]))
        for msg in (delay, bounce):
            self.assertEqual(msg.get_content_type(), "multipart/report")
            self.assertEqual(msg.get_param("report-type"), "delivery-status")
            self.assertEqual(msg["To"].addresses[0].addr_spec, "alice@posta.example")
            self.assertEqual(msg["Auto-Submitted"], "auto-replied")
        self.assertTrue(read(first).startswith(b"Return-Path: <>\n"))

        head, r = status_blocks(delay)
        self.assertEqual(delay["Subject"], "Delayed mail (still being retried)")
        self.assertEqual(r["Final-Recipient"], "rfc822; bob@dead.test")
        self.assertEqual(r["Action"], "delayed")
        self.assertRegex(r["Status"], r"^4\.\d+\.\d+$")
        self.assertRegex(r["Diagnostic-Code"], REFUSED)
        # until when: the arrival plus control/queuelifetime
        self.assertEqual(date(r["Will-Retry-Until"]) - date(head["Arrival-Date"]), 6)
        self.assertGreaterEqual(date(delay["Date"]) - date(head["Arrival-Date"]), 2)
        self.assertEqual(list(delay.iter_parts())[2].get_content_type(), "text/rfc822-headers")

        head, r = status_blocks(bounce)
        self.assertEqual(bounce["Subject"], "Undelivered mail returned to sender")
        self.assertEqual(r["Final-Recipient"], "rfc822; bob@dead.test")
        self.assertEqual(r["Action"], "failed")
        # given up after queuelifetime: the last temporary status, as
        # posta-bounce(8) documents, and no Will-Retry-Until
        self.assertRegex(r["Status"], r"^4\.\d+\.\d+$")
        self.assertIsNone(r["Will-Retry-Until"])
        self.assertGreaterEqual(date(bounce["Date"]) - date(head["Arrival-Date"]), 6)
        # the last attempt's own words
        self.assertRegex(r["Diagnostic-Code"], REFUSED)
        self.assertNotIn("giving up", r["Diagnostic-Code"])
        text = notice_text(bounce)
        self.assertIn("so the mail system gave up", text)
        self.assertEqual(list(bounce.iter_parts())[2].get_payload()[0]["Subject"], "are you there")

        # the null sender's message: its failure went to the postmaster
        dbl = parse(read(double[0]))
        self.assertEqual(dbl["Subject"], "Postmaster notify: undeliverable bounce")
        self.assertEqual(status_blocks(dbl)[1]["Final-Recipient"], "rfc822; carl@dead.test")

        events = log_events(self.inst)
        self.assertEqual([line for kind, line in events if kind is None], [])
        infos = [(m.group(3), m.group(1)) for k, m in events if k == "info"]
        # the first two messages: alice's, then the null sender's (the
        # notices, from <> too, come after)
        self.assertEqual([f for f, i in infos[:2]], ["alice@posta.example", ""])
        alice_id, null_id = [i for f, i in infos[:2]]
        delays = [(m.group(1), m.group(2).split(":")[0].split(" ")[0]) for k, m in events if k == "delay"]
        self.assertEqual(delays, [(alice_id, "written"), (alice_id, "qp"), (alice_id, "done")])
        notices = [(m.group(1), m.group(2), m.group(3)) for k, m in events if k == "notice"]
        self.assertIn((alice_id, "delay notice", "alice@posta.example"), notices)
        self.assertIn((alice_id, "failure notice", "alice@posta.example"), notices)
        self.assertIn((null_id, "double bounce", "postmaster@posta.example"), notices)
        self.assertEqual(len(notices), 3)
        gave_up = [m for k, m in events if k == "result" and m.group(3) == "bob@dead.test" and m.group(2) == "failure"]
        self.assertEqual(len(gave_up), 1)
        self.assertTrue(gave_up[0].group(0).endswith("(giving up: the message is older than control/queuelifetime)"))
        print("\n  delay notice %.1f s, failure notice %.1f s after the message" % (t_delay - t0, t_bounce - t0))


class NoDelayNoticeTest(unittest.TestCase):
    def setUp(self):
        need_real_remote()
        self.dns = Dns().mx("dead.test", 10, "mx.dead.test").host("mx.dead.test", DEAD).start()
        self.addCleanup(self.dns.stop)
        self.inst = remote_instance(self.dns, delaywarning="0", queuelifetime="3")
        self.addCleanup(self.inst.cleanup)
        self.alice = self.inst.add_mailbox("alice@posta.example")

    def test_delaywarning_0(self):
        self.inst.start(services=("posta-send",))
        self.inst.sendmail("bob@dead.test", sender="alice@posta.example", message=ORIGINAL)
        notice, = self.inst.wait_mail(self.alice, 1, timeout=15)
        wait_for(lambda: queue_empty(self.inst), 10, what="an empty queue")
        time.sleep(1)
        self.assertEqual(maildir_files(self.alice), [notice])
        msg = parse(read(notice))
        self.assertEqual(status_blocks(msg)[1]["Action"], "failed")
        self.assertFalse([m for k, m in log_events(self.inst) if k == "delay"])


if __name__ == "__main__":
    unittest.main()
