"""posta-bounce on a real instance, as posta-s, through the real posta-queue:
the records are written by hand as posta-send writes them, and the notice is
read back from the queue (its todo record: the envelope; its mess file: the
message) and parsed with python's email package."""
import os
import time
import unittest

from bouncekit import (bounce_fields, notice_text, parse, put_message, put_record, queued, rcpt_fields, run_bounce,
                       status_blocks, todo_ids)
from posta import InstanceCase

ORIGINAL = (b"Received: (posta 1 invoked by uid 1000); 14 Nov 2023 22:13:20 -0000\n"
            b"From: Alice <alice@example.com>\n"
            b"To: Bob <bob@example.net>\n"
            b"Subject: lunch\n"
            b"Message-ID: <lunch.1@example.com>\n"
            b"\n"
            b"Shall we have lunch on Thursday?\n")
R550 = "D5.1.1 mx.example.net[127.0.0.2] 550 5.1.1 <bob@example.net>: no such user"


class NoticeTest(InstanceCase):
    @classmethod
    def prepare(cls):
        cls.me = cls.inst.control("me").strip()

    def setUp(self):
        for name in ("bouncefrom", "bouncehost", "doublebounceto", "doublebouncehost", "queuelifetime",
                     "bouncemaxbytes"):
            self.inst.remove_control(name)

    def bounce(self, fields, original=ORIGINAL, delay=False, folder=None):
        """Queues original, writes the record, runs posta-bounce; returns
        (process, msgid, record path, notices queued)."""
        msgid = put_message(self.inst, original)
        path = put_record(self.inst, folder or ("delay" if delay else "bounce"), msgid, fields)
        before = todo_ids(self.inst)
        p = run_bounce(self.inst, msgid, delay=delay)
        return p, msgid, path, queued(self.inst, before)

    def one_notice(self, fields, **kw):
        p, msgid, path, notices = self.bounce(fields, **kw)
        self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace"))
        self.assertFalse(os.path.exists(path), "the record is removed")
        self.assertEqual(len(notices), 1)
        env, data = notices[0]
        return msgid, env, data, parse(data), p.stderr.decode()

    def test_failure_notice_to_sender(self):
        arrival = int(time.time()) - 600
        msgid, env, data, msg, log = self.one_notice(
            bounce_fields("alice@example.com", arrival, [("bob@example.net", R550)]))
        self.assertEqual(env["F"], [""], "the null envelope sender")
        self.assertEqual(env["T"], ["alice@example.com"])
        self.assertEqual(msg["To"].addresses[0].addr_spec, "alice@example.com")
        self.assertIn(b"\nTo: <alice@example.com>\n", data)
        self.assertEqual(msg["From"], "Mail Delivery System <MAILER-DAEMON@%s>" % self.me)
        self.assertEqual(msg["Auto-Submitted"], "auto-replied")
        self.assertEqual(msg.get_content_type(), "multipart/report")
        self.assertEqual(msg.get_param("report-type"), "delivery-status")
        for part in msg.walk():
            self.assertEqual(part.defects, [])
        parts = list(msg.iter_parts())
        text = parts[0].get_content()
        self.assertIn("<bob@example.net>", text)
        self.assertIn("550 5.1.1 <bob@example.net>: no such user", text)
        blocks = status_blocks(msg)
        self.assertEqual(blocks[0]["Reporting-MTA"], "dns; %s" % self.me)
        self.assertEqual(blocks[0]["X-Posta-Queue-ID"], str(msgid))
        self.assertEqual(blocks[0]["Arrival-Date"],
                         time.strftime("%a, %-d %b %Y %H:%M:%S +0000", time.gmtime(arrival)))
        self.assertEqual(rcpt_fields(blocks[1]), {
            "Final-Recipient": "rfc822; bob@example.net", "Action": "failed", "Status": "5.1.1",
            "Remote-MTA": "dns; mx.example.net", "Diagnostic-Code": "smtp; 550 5.1.1 <bob@example.net>: no such user"})
        self.assertEqual(parts[2].get_content_type(), "message/rfc822")
        self.assertEqual(parts[2].get_payload()[0]["Subject"], "lunch")
        self.assertIn("Shall we have lunch", parts[2].get_payload()[0].get_content())
        self.assertIn("%d: failure notice to <alice@example.com> for 1 recipient queued" % msgid, log)
        # posta-queue's own Received line says who injected it
        self.assertTrue(data.startswith(b"Received: "), data[:80])
        for line in data.split(b"\n"):
            self.assertLessEqual(len(line), 998)

    def test_three_recipients_mixed(self):
        rcpts = [("bob@example.net", R550),
                 ("carol@%s" % self.me, "D5.2.2 - mailbox full"),
                 ("dave@example.org", "Z4.4.1 - no answer from any mail server of example.org")]
        _, env, _, msg, log = self.one_notice(bounce_fields("alice@example.com", int(time.time()) - 5 * 86400, rcpts))
        blocks = status_blocks(msg)
        self.assertEqual([b["Final-Recipient"] for b in blocks[1:]], ["rfc822; " + a for a, _ in rcpts])
        self.assertEqual([b["Status"] for b in blocks[1:]], ["5.1.1", "5.2.2", "4.4.1"])
        self.assertEqual(blocks[2]["Remote-MTA"], None)
        self.assertEqual(blocks[2]["Diagnostic-Code"], "x-posta; mailbox full")
        self.assertIn("gave up", list(msg.iter_parts())[0].get_content())
        self.assertIn("for 3 recipients queued", log)

    def test_delay_notice(self):
        self.inst.control("queuelifetime", "7200")
        arrival = int(time.time()) - 3600
        _, env, _, msg, log = self.one_notice(
            bounce_fields("alice@example.com", arrival, [("bob@example.net", "Z4.2.1 mx.example.net[127.0.0.2] 451 4.2.1 try later")], kind="d"),
            delay=True)
        self.assertEqual(env["T"], ["alice@example.com"])
        self.assertEqual(msg["Subject"], "Delayed mail (still being retried)")
        r = status_blocks(msg)[1]
        self.assertEqual(r["Action"], "delayed")
        self.assertEqual(r["Status"], "4.2.1")
        until = time.strftime("%a, %-d %b %Y %H:%M:%S +0000", time.gmtime(arrival + 7200))
        self.assertEqual(r["Will-Retry-Until"], until)
        parts = list(msg.iter_parts())
        self.assertIn(until, parts[0].get_content())
        self.assertEqual(parts[2].get_content_type(), "text/rfc822-headers")
        self.assertNotIn("Shall we have lunch", parts[2].get_content())
        self.assertIn("delay notice to <alice@example.com>", log)

    def test_delay_record_in_the_bounce_folder(self):
        # a posta-send that keeps delay notices in queue/bounce with k d
        _, env, _, msg, log = self.one_notice(
            bounce_fields("alice@example.com", int(time.time()), [("bob@example.net", "Z4.4.1 - connection refused")], kind="d"),
            folder="bounce")
        self.assertEqual(msg["Subject"], "Delayed mail (still being retried)")
        self.assertEqual(status_blocks(msg)[1]["Action"], "delayed")
        self.assertIn("delay notice to <alice@example.com>", log)

    def test_settings(self):
        self.inst.control("bouncefrom", "bounces")
        self.inst.control("bouncehost", "lists.example.com")
        _, env, _, msg, _ = self.one_notice(bounce_fields("alice@example.com", int(time.time()), [("bob@example.net", R550)]))
        self.assertEqual(msg["From"], "Mail Delivery System <bounces@lists.example.com>")
        self.assertEqual(env["F"], [""])

    def test_double_bounce_goes_to_postmaster(self):
        _, env, _, msg, log = self.one_notice(bounce_fields("", int(time.time()), [("gone@example.net", R550)]))
        self.assertEqual(env["F"], [""])
        self.assertEqual(env["T"], ["postmaster@%s" % self.me])
        self.assertEqual(msg["Subject"], "Postmaster notify: undeliverable bounce")
        self.assertIn("double bounce to <postmaster@%s>" % self.me, log)

    def test_double_bounce_settings(self):
        self.inst.control("doublebounceto", "mailadmin")
        self.inst.control("doublebouncehost", "example.org")
        _, env, _, _, _ = self.one_notice(bounce_fields("", int(time.time()), [("gone@example.net", R550)]))
        self.assertEqual(env["T"], ["mailadmin@example.org"])

    def nothing_sent(self, fields, **kw):
        p, msgid, path, notices = self.bounce(fields, **kw)
        self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace"))
        self.assertEqual(notices, [])
        self.assertFalse(os.path.exists(path), "the record is removed")
        return p.stderr.decode()

    def test_failed_double_bounce_is_dropped(self):
        log = self.nothing_sent(bounce_fields("", int(time.time()), [("postmaster@%s" % self.me, "D5.2.2 - mailbox full")]))
        self.assertIn("double bounce to <postmaster@%s> failed: dropped" % self.me, log)

    def test_failed_double_bounce_among_others(self):
        # the postmaster's failure is dropped, the other recipient's reported
        _, env, _, msg, log = self.one_notice(bounce_fields("", int(time.time()), [
            ("POSTMASTER@%s" % self.me.upper(), "D5.2.2 - mailbox full"), ("gone@example.net", R550)]))
        self.assertEqual(env["T"], ["postmaster@%s" % self.me])
        self.assertEqual([b["Final-Recipient"] for b in status_blocks(msg)[1:]], ["rfc822; gone@example.net"])
        self.assertIn("failed: dropped", log)

    def test_empty_doublebounceto_discards(self):
        self.inst.control("doublebounceto", "")
        log = self.nothing_sent(bounce_fields("", int(time.time()), [("gone@example.net", R550)]))
        self.assertIn("doublebounceto is empty", log)

    def test_no_delay_notice_for_null_sender(self):
        self.nothing_sent(bounce_fields("", int(time.time()), [("bob@example.net", "Z4.4.1 - later")], kind="d"), delay=True)

    def test_qmail_double_bounce_sender(self):
        self.nothing_sent(bounce_fields("#@[]", int(time.time()), [("bob@example.net", R550)]))

    def test_big_original_returns_headers(self):
        self.inst.control("bouncemaxbytes", "2000")
        big = ORIGINAL + b"x" * 100 + b"\n" + (b"y" * 70 + b"\n") * 100
        _, _, data, msg, _ = self.one_notice(bounce_fields("alice@example.com", int(time.time()), [("bob@example.net", R550)]),
                                             original=big)
        parts = list(msg.iter_parts())
        self.assertEqual(parts[2].get_content_type(), "text/rfc822-headers")
        self.assertIn("Subject: lunch", parts[2].get_content())
        self.assertNotIn(b"yyyy", data)
        self.assertIn("%d bytes long" % len(big), notice_text(msg))

    def test_zero_limit_still_returns_headers(self):
        self.inst.control("bouncemaxbytes", "0")
        _, _, data, msg, _ = self.one_notice(bounce_fields("alice@example.com", int(time.time()), [("bob@example.net", R550)]))
        parts = list(msg.iter_parts())
        self.assertEqual(parts[2].get_content_type(), "text/rfc822-headers")
        self.assertIn("Message-ID: <lunch.1@example.com>", parts[2].get_content())
        self.assertNotIn(b"Shall we", data)

    def test_original_gone(self):
        fields = bounce_fields("alice@example.com", int(time.time()), [("bob@example.net", R550)])
        msgid = put_message(self.inst, ORIGINAL)
        os.unlink(self.inst.qpath("mess", msgid))
        path = put_record(self.inst, "bounce", msgid, fields)
        before = todo_ids(self.inst)
        p = run_bounce(self.inst, msgid)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(path))
        (env, data), = queued(self.inst, before)
        msg = parse(data)
        self.assertEqual(len(list(msg.iter_parts())), 2)
        self.assertIn("no longer in the queue", notice_text(msg))

    def test_sender_and_arrival_from_info(self):
        # a record without F and t: the info record tells them
        arrival = int(time.time()) - 60
        msgid = put_message(self.inst, ORIGINAL)
        put_record(self.inst, "info", msgid, [("F", "carol@example.com"), ("t", arrival), ("u", 0), ("s", len(ORIGINAL)),
                                              ("d", 0), ("h", 0), ("x", 0)])
        put_record(self.inst, "bounce", msgid, [("A", "bob@example.net"), ("e", R550)])
        before = todo_ids(self.inst)
        p = run_bounce(self.inst, msgid)
        self.assertEqual(p.returncode, 0, p.stderr)
        (env, data), = queued(self.inst, before)
        self.assertEqual(env["T"], ["carol@example.com"])

    def test_hostile_texts(self):
        # record values never hold CR, LF or NUL, but may hold other controls
        rcpts = [("bob\x01@example.net", "D5.1.1 mx.example.net[127.0.0.2] 550 no\x1b[31m Subject: x\x7f"),
                 ("j\u00fcrgen@example.net", "D5.1.1 - \u00fcber " + "long " * 400)]
        _, env, data, msg, _ = self.one_notice(bounce_fields("alice@example.com", int(time.time()), rcpts))
        for part in msg.walk():
            self.assertEqual(part.defects, [])
        self.assertEqual(sorted(msg.keys()), sorted(["Received", "From", "To", "Subject", "Date", "Message-ID",
                                                     "Auto-Submitted", "MIME-Version", "Content-Type"]))
        blocks = status_blocks(msg)
        self.assertEqual(blocks[1]["Final-Recipient"], "utf-8; bob\\x{01}@example.net")
        self.assertEqual(blocks[2]["Final-Recipient"], "utf-8; j\\x{FC}rgen@example.net")
        self.assertTrue(blocks[2]["Diagnostic-Code"].startswith("x-posta; ??ber long long"))
        self.assertNotIn(b"\x1b", data)
        self.assertNotIn(b"\x01", data)
        for line in data.split(b"\n"):
            self.assertLessEqual(len(line), 998)


if __name__ == "__main__":
    unittest.main()
