"""posta-smtpd takes mail from real clients (python's smtplib, swaks, raw
pipelined sockets) with 1, 100 and 1000 recipients, PIPELINING on and off,
8-bit and UTF-8 bodies, and each message lands byte-exact in the queue:
CRLF turned to LF, dot-stuffing undone, our Received line first, the
envelope in the client's order."""
import os
import re
import tempfile
import unittest

from smtpd_harness import RELAYLESS, Smtpd, SmtpdCase, clear_queue, configure, strip_fields

BODY = (b"From: Alice <alice@posta.test>\r\n"
        b"To: Bob <bob@posta.test>\r\n"
        b"Subject: byte-exact\r\n"
        b"\r\n"
        b"first line\r\n"
        b".a line that starts with a dot\r\n"
        b"..two dots\r\n"
        b".\t\r\n"
        b"trailing spaces   \r\n"
        b"\r\n"
        b"\tindented\r\n"
        b"last line\r\n")


def lf(data):
    return data.replace(b"\r\n", b"\n")


class MailTest(SmtpdCase):

    def one(self):
        q = self.srv.queued()
        self.assertEqual(len(q), 1, q)
        return q[0]

    def check_body(self, q, sent):
        """The queued message is posta-queue's Received line, ours, then
        exactly what was sent."""
        self.assertEqual(strip_fields(q.body, self.srv.added_fields()), lf(sent))

    def test_smtplib_one_recipient(self):
        with self.srv.client() as c:
            c.ehlo("client.posta.test")
            self.assertTrue(c.has_extn("pipelining"))
            self.assertTrue(c.has_extn("8bitmime"))
            self.assertTrue(c.has_extn("smtputf8"))
            self.assertTrue(c.has_extn("enhancedstatuscodes"))
            self.assertEqual(c.sendmail("sender@far.test", ["alice@posta.test"], BODY), {})
        q = self.one()
        self.assertEqual(q.sender, b"sender@far.test")
        self.assertEqual(q.rcpts, [b"alice@posta.test"])
        self.check_body(q, BODY)
        self.assertRegex(q.body.decode(), r"Received: from client\.posta\.test \(\[127\.0\.0\.1\]\)\n"
                         r"\tby mx\.posta\.test \(\[127\.0\.0\.1\]\) with ESMTP\n"
                         r"\tfor <alice@posta\.test>; \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000\n")

    def test_smtplib_100_and_1000_recipients(self):
        for n in (100, 1000):
            clear_queue(self.srv)
            rcpts = ["r%d@far%d.test" % (i, i % 7) for i in range(n - 1)] + ["bob@posta.test"]
            with self.srv.client() as c:
                self.assertEqual(c.sendmail("s@far.test", rcpts, BODY), {})
            q = self.one()
            self.assertEqual(q.rcpts, [r.encode() for r in rcpts])
            self.check_body(q, BODY)
            # no "for" with many recipients: it would show each to the others
            self.assertNotIn(b"\tfor <", q.body.split(b"\n\n")[0])

    def test_raw_pipelined_1000_recipients(self):
        """One write: EHLO, MAIL, 1000 RCPT, DATA; the replies come in order."""
        rcpts = [b"p%d@far.test" % i for i in range(1000)]
        c = self.srv.raw()
        c.expect(b"220 ")
        c.send(b"EHLO pipe.test\r\nMAIL FROM:<s@far.test>\r\n" +
               b"".join(b"RCPT TO:<%s>\r\n" % r for r in rcpts) + b"DATA\r\n")
        self.assertIn(b"250-PIPELINING", c.expect(b"250-"))
        c.expect(b"250 2.1.0")
        for _ in rcpts:
            c.expect(b"250 2.1.5")
        c.expect(b"354 ")
        c.send(BODY.replace(b"\r\n.", b"\r\n..") + b".\r\nQUIT\r\n")
        c.expect(b"250 2.0.0 ok ")
        c.expect(b"221 ")
        c.close()
        q = self.one()
        self.assertEqual(q.rcpts, rcpts)
        # raw: the dots were stuffed by hand above, so compare with the
        # message as it was before stuffing
        self.check_body(q, BODY)

    def test_swaks_pipelining_on_and_off(self):
        with tempfile.NamedTemporaryFile(suffix=".eml") as f:
            # swaks ends the data with CRLF . CRLF itself: without a final
            # newline in the file, what it sends is BODY exactly
            f.write(lf(BODY)[:-1])
            f.flush()
            for pipe, n in ((True, 100), (False, 1), (True, 1), (False, 100), (True, 1000), (False, 1000)):
                clear_queue(self.srv)
                rcpts = ["w%d@sub.relayed.test" % i for i in range(n - 1)] + ["alice@posta.test"]
                args = ["--from", "swaks@far.test", "--to", ",".join(rcpts), "--data", "@" + f.name]
                args += ["--pipeline"] if pipe else []
                p = self.srv.swaks(*args, source=RELAYLESS)
                out = p.stdout.decode(errors="replace")
                self.assertEqual(p.returncode, 0, out)
                # with --pipeline swaks sends MAIL, every RCPT and DATA before
                # it reads a reply: the replies then come after the DATA line
                replies_after_data = out.index(" -> DATA") < out.index("<-  250 2.1.0")
                self.assertEqual(replies_after_data, pipe, out)
                q = self.one()
                self.assertEqual(q.rcpts, [r.encode() for r in rcpts])
                self.assertEqual(q.sender, b"swaks@far.test")
                self.check_body(q, BODY)
                self.assertIn(b"Received: from swaks.test ([127.0.0.2])", q.body)

    def test_8bit_body(self):
        body = (b"Subject: =?utf-8?q?caf=C3=A9?=\r\nContent-Type: text/plain; charset=latin1\r\n"
                b"Content-Transfer-Encoding: 8bit\r\n\r\ncaf\xe9 \xff\xfe\x80\r\n.\xe9\r\n")
        with self.srv.client() as c:
            self.assertEqual(c.sendmail("s@far.test", ["alice@posta.test"], body,
                                        mail_options=["BODY=8BITMIME"]), {})
        self.check_body(self.one(), body)

    def test_utf8_addresses_and_body(self):
        body = "Subject: héllo wörld\r\nFrom: Jörg <jörg@bücher.test>\r\n\r\nこんにちは\r\n".encode()
        with self.srv.client() as c:
            c.ehlo("utf8.test")
            self.assertEqual(c.sendmail("jörg@bücher.test", ["alice@posta.test", "zoë@x.relayed.test"], body,
                                        mail_options=["SMTPUTF8", "BODY=8BITMIME"]), {})
        q = self.one()
        self.assertEqual(q.sender, "jörg@bücher.test".encode())
        self.assertEqual(q.rcpts, [b"alice@posta.test", "zoë@x.relayed.test".encode()])
        self.check_body(q, body)
        self.assertIn(b" with UTF8SMTP", q.body)

    def test_utf8_address_needs_smtputf8(self):
        c = self.srv.raw()
        c.expect(b"220 ")
        c.send("EHLO x\r\nMAIL FROM:<jörg@bücher.test>\r\nQUIT\r\n".encode())
        c.expect(b"250-")
        c.expect(b"553 5.6.7")
        c.expect(b"221 ")
        c.close()

    def test_several_messages_one_session(self):
        with self.srv.client() as c:
            for i in range(5):
                msg = b"Subject: %d\r\n\r\nmessage %d\r\n" % (i, i)
                self.assertEqual(c.sendmail("s@far.test", ["bob@posta.test"], msg), {})
        bodies = self.srv.bodies()
        self.assertEqual(sorted(bodies), sorted(b"Subject: %d\n\nmessage %d\n" % (i, i) for i in range(5)))

    def test_null_sender_and_postmaster(self):
        with self.srv.client(RELAYLESS) as c:
            self.assertEqual(c.sendmail("<>", ["postmaster", "PostMaster@mx.posta.test"], BODY), {})
        q = self.one()
        self.assertEqual(q.sender, b"")
        self.assertEqual(q.rcpts, [b"postmaster@mx.posta.test", b"PostMaster@mx.posta.test"])

    def test_reply_and_log(self):
        with self.srv.client() as c:
            c.ehlo("x")
            c.mail("s@far.test")
            c.rcpt("alice@posta.test")
            code, text = c.data(BODY)
            self.assertEqual(code, 250)
            m = re.match(rb"2\.0\.0 ok (\d+) qp (\d+)$", text)
            self.assertTrue(m, text)
        pid = m.group(2).decode()
        self.assertRegex(self.srv.logtext(), r"posta-smtpd: info: accepted message qp %s from 127\.0\.0\.1 "
                         r"sender <s@far\.test> rcpts 1 bytes %d to <alice@posta\.test>\n" % (pid, len(lf(BODY))))


class FilterTest(unittest.TestCase):
    """QMAILQUEUE: a filter in front of posta-queue (qmail's hook)."""

    FILTER = """#!/bin/sh
# refuses messages that say REJECTME (31: permanent), queues the rest
f=$(mktemp) || exit 71
cat > "$f" || exit 54
if grep -q REJECTME "$f"; then rm -f "$f"; exit 31; fi
exec < "$f"
rm -f "$f"
exec %s
"""

    def test_filter(self):
        srv = Smtpd()
        self.addCleanup(srv.cleanup)
        configure(srv.inst)
        script = srv.inst.path("filter")
        with open(script, "w") as f:
            f.write(self.FILTER % srv.inst.bin("posta-queue"))
        os.chmod(script, 0o755)
        srv.env["QMAILQUEUE"] = script
        srv.start()
        with srv.client() as c:
            c.ehlo("x")
            c.mail("s@far.test")
            c.rcpt("alice@posta.test")
            code, text = c.data(b"Subject: bad\r\n\r\nREJECTME\r\n")
            self.assertEqual(code, 554)
            self.assertTrue(text.startswith(b"5.3.0 "), text)
            self.assertTrue(text.endswith(b"(exit 31)"), text)
            self.assertEqual(c.sendmail("s@far.test", ["alice@posta.test"], BODY), {})
        q = srv.queued()
        self.assertEqual(len(q), 1)
        self.assertEqual(strip_fields(q[0].body, srv.added_fields()), lf(BODY))


if __name__ == "__main__":
    unittest.main()
