"""Notices end to end, on a running instance: posta-send finds the failure,
writes the bounce record and runs posta-bounce; the notice goes through
posta-queue and local delivery into the sender's virtual mailbox, or the
postmaster's. Also: a dot-qmail program exiting 100 for one of three
recipients, double bounces and a failed double bounce (dropped, no loop),
and posta-send killed while posta-bounce runs."""
import os
import time
import unittest

from bouncekit import parse, status_blocks
from lspawn import dotqmail_mailbox, write_dotqmail
from posta import FreshInstanceCase, maildir_files, wait_for
from sendtools import queue_empty, send_pid

ORIGINAL = b"Subject: lunch\nMessage-ID: <lunch.1@example.com>\n\nShall we have lunch on Thursday?\n"


class EndToEndTest(FreshInstanceCase):
    def setUp(self):
        super().setUp()
        self.me = self.inst.control("me").strip()
        self.alice = self.inst.add_mailbox("alice@example.com")
        self.alias = self.inst.path("alias", "Maildir")
        self.inst.control("retryschedule", ["1"])

    def dotqmail(self, address, text, name=".qmail", user="posta-v"):
        if user == "posta-v":
            dotqmail_mailbox(self.inst, address, text, name)
        else:
            write_dotqmail(self.inst.path("alias"), name, text, user)

    def notices(self, maildir, n=1, timeout=20):
        files = self.inst.wait_mail(maildir, n, timeout=timeout)
        return [open(f, "rb").read() for f in files]

    def queue_empty(self):
        return queue_empty(self.inst)

    def test_unknown_local_recipient(self):
        self.inst.start(services=("posta-send",))
        self.inst.sendmail("nosuch@example.com", sender="alice@example.com", message=ORIGINAL)
        data, = self.notices(self.alice)
        self.assertTrue(data.startswith(b"Return-Path: <>\nDelivered-To: alice@example.com\n"), data[:100])
        msg = parse(data)
        self.assertEqual(msg.get_content_type(), "multipart/report")
        self.assertEqual(msg["Auto-Submitted"], "auto-replied")
        r = status_blocks(msg)[1]
        self.assertEqual(r["Final-Recipient"], "rfc822; nosuch@example.com")
        self.assertEqual(r["Action"], "failed")
        self.assertEqual(r["Status"], "5.1.1")
        orig = list(msg.iter_parts())[2]
        self.assertEqual(orig.get_content_type(), "message/rfc822")
        self.assertEqual(orig.get_payload()[0]["Subject"], "lunch")
        wait_for(self.queue_empty, 10, what="an empty queue")
        self.assertIn("failure notice to <alice@example.com> for 1 recipient queued", self.inst.log("posta-send"))

    def test_program_exits_100_for_one_of_three(self):
        self.dotqmail("carol@example.com", "|echo 'mailbox over quota'; exit 100\n")
        bob = self.inst.add_mailbox("bob@example.com")
        dave = self.inst.add_mailbox("dave@example.com")
        self.inst.start(services=("posta-send",))
        self.inst.sendmail("bob@example.com", "carol@example.com", "dave@example.com",
                           sender="alice@example.com", message=ORIGINAL)
        self.inst.wait_mail(bob, 1)
        self.inst.wait_mail(dave, 1)
        data, = self.notices(self.alice)
        blocks = status_blocks(parse(data))
        self.assertEqual([b["Final-Recipient"] for b in blocks[1:]], ["rfc822; carol@example.com"])
        self.assertIn("mailbox over quota", blocks[1]["Diagnostic-Code"])
        self.assertTrue(blocks[1]["Diagnostic-Code"].startswith("x-posta; "))
        self.assertEqual(blocks[1]["Status"][0], "5")
        wait_for(self.queue_empty, 10, what="an empty queue")
        time.sleep(0.5)
        self.assertEqual(len(maildir_files(self.alice)), 1, "one notice, for carol only")

    def test_double_bounce_to_postmaster(self):
        before = len(maildir_files(self.alias))
        self.inst.start(services=("posta-send",))
        self.inst.sendmail("nosuch@example.com", sender="", message=ORIGINAL)
        files = self.inst.wait_mail(self.alias, before + 1, timeout=20)
        msg = parse(open(files[-1], "rb").read())
        self.assertEqual(msg["Subject"], "Postmaster notify: undeliverable bounce")
        self.assertEqual(msg["To"].addresses[0].addr_spec, "postmaster@%s" % self.me)
        self.assertEqual(status_blocks(msg)[1]["Final-Recipient"], "rfc822; nosuch@example.com")
        self.assertIn("double bounce to <postmaster@%s>" % self.me, self.inst.log("posta-send"))

    def test_failed_double_bounce_is_dropped(self):
        # the postmaster's own delivery fails: the double bounce fails, and
        # posta-bounce drops it instead of sending a third notice
        self.dotqmail(None, "|exit 100\n", name=".qmail-postmaster", user="posta-alias")
        self.inst.start(services=("posta-send",))
        self.inst.sendmail("nosuch@example.com", sender="", message=ORIGINAL)
        wait_for(lambda: "failed: dropped" in self.inst.log("posta-send"), 20, what="the drop in the log")
        wait_for(self.queue_empty, 10, what="an empty queue")
        time.sleep(1)
        self.assertEqual(self.inst.log("posta-send").count("double bounce to <"), 2,
                         "one double bounce queued, its failure dropped")
        self.assertTrue(self.queue_empty())

    def test_posta_send_killed_while_posta_bounce_runs(self):
        # a one-shot posta-bounce kills posta-send (its parent) and puts the
        # real one back: the restarted posta-send finds the bounce record
        real = self.inst.bin("posta-bounce.real")
        os.rename(self.inst.bin("posta-bounce"), real)
        with open(self.inst.bin("posta-bounce"), "w") as f:
            f.write("#!/bin/sh\nkill -KILL $PPID\n")
        os.chmod(self.inst.bin("posta-bounce"), 0o755)
        self.inst.start(services=("posta-send",))
        pid = send_pid(self.inst)
        self.inst.sendmail("nosuch@example.com", sender="alice@example.com", message=ORIGINAL)
        wait_for(lambda: send_pid(self.inst) not in (pid, None), 20, what="posta-send killed and restarted")
        self.assertTrue(self.inst.queue_files("bounce"), "the record outlived posta-send")
        os.rename(real, self.inst.bin("posta-bounce"))
        data, = self.notices(self.alice, timeout=30)
        self.assertEqual(status_blocks(parse(data))[1]["Final-Recipient"], "rfc822; nosuch@example.com")
        wait_for(self.queue_empty, 10, what="an empty queue")
        time.sleep(1)
        self.assertEqual(len(maildir_files(self.alice)), 1)


if __name__ == "__main__":
    unittest.main()
