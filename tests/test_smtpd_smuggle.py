"""SMTP smuggling, sent raw: every sequence that some server has taken for
the end of the data (\\n.\\n, \\n.\\r\\n, \\r.\\r\\n, \\r\\n.\\r ...) followed by
a second, smuggled transaction. posta-smtpd must never queue more than one
message, never a message cut at the fake end, and never the smuggled one;
it answers the bare CR or LF with 421 and ends the session. Also: the data
ends only at CRLF.CRLF, and commands sent after DATA before the 354 are
thrown away, never run."""
import time
import unittest

from smtpd_harness import RELAY, RELAYLESS, SmtpdCase, clear_queue

FORMS = [b"\n.\n", b"\n.\r\n", b"\r\n.\n", b"\r.\r\n", b"\r.\r", b"\r\n.\r", b"\n.\r",
         b"\r\n.\r\r\n", b"\r\n\n.\r\n", b"\r\r\n.\r\n", b"\n\r\n.\r\n", b"\r\n.\n\r\n",
         b"\r\n\x00.\r\n", b"\n..\n", b"\r\n.\r\x00\n"]

SMUGGLED = (b"MAIL FROM:<admin@posta.test>\r\nRCPT TO:<victim@far.test>\r\nDATA\r\n"
            b"Subject: smuggled\r\n\r\nsmuggled body\r\n.\r\n")


class SmuggleTest(SmtpdCase):
    HELO = b"smuggler.test"

    def test_every_form(self):
        for form in FORMS:
            for source in (RELAYLESS, RELAY):
                with self.subTest(form=form, source=source):
                    clear_queue(self.srv)
                    c = self.start_data(source)
                    c.send(b"Subject: real\r\n\r\nbefore" + form + SMUGGLED + b"after\r\n.\r\nQUIT\r\n")
                    out = c.rest()
                    c.close()
                    # the smuggled MAIL never runs
                    self.assertNotIn(b"2.1.0", out)
                    self.assertNotIn(b"354", out)
                    if form == b"\r\n\x00.\r\n":
                        # CRLF NUL . CRLF is data; the message, which really
                        # ends after "smuggled body", holds a NUL: refused
                        self.assertTrue(out.startswith(b"554 5.6.0"), out)
                    else:
                        self.assertTrue(out.startswith(b"421 4.5.2"), out)
                        self.assertEqual(out.count(b"\r\n"), 1, out)
                    # never more than one message, never the smuggled one, never one cut short
                    q = self.srv.queued()
                    self.assertLessEqual(len(q), 1)
                    for m in q:
                        self.assertNotIn(b"smuggled", m.body)
                        self.assertIn(b"after", m.body)
                    self.assertEqual(q, [])

    def test_forms_split_across_packets(self):
        """The same bytes, one packet each: the verdict does not depend on cuts."""
        for form in (b"\n.\n", b"\r\n.\r", b"\r.\r\n"):
            clear_queue(self.srv)
            c = self.start_data()
            for byte in b"x" + form + SMUGGLED[:40]:
                try:
                    c.send(bytes([byte]))
                except OSError:
                    break
                time.sleep(0.002)
            out = c.rest()
            c.close()
            self.assertTrue(out.startswith(b"421 4.5.2"), (form, out))
            self.assertEqual(self.srv.queued(), [])

    def test_only_crlf_dot_crlf_ends(self):
        c = self.start_data()
        c.send(b"Subject: dots\r\n\r\n. \r\n.x\r\n..\r\nend\r\n")
        time.sleep(0.1)
        c.send(b".\r\n")
        c.expect(b"250 2.0.0")
        c.send(b"QUIT\r\n")
        c.expect(b"221 ")
        c.close()
        self.assertEqual(self.srv.bodies(), [b"Subject: dots\n\n \nx\n.\nend\n"])

    def test_commands_after_data_before_354_never_run(self):
        """A client that pipelines past DATA: what it sent before the 354 is
        thrown away unread, and the transaction is refused, so nothing it
        smuggled that way runs and no message missing its start is queued."""
        c = self.srv.raw(RELAYLESS)
        c.expect(b"220 ")
        c.send(b"EHLO p.test\r\nMAIL FROM:<a@far.test>\r\nRCPT TO:<alice@posta.test>\r\nDATA\r\n"
               b"RSET\r\nMAIL FROM:<b@far.test>\r\nRCPT TO:<bob@posta.test>\r\nDATA\r\n")
        c.expect(b"250-")
        c.expect(b"250 2.1.0")
        c.expect(b"250 2.1.5")
        c.expect(b"354 ")
        c.send(b"Subject: late\r\n\r\nbody\r\n.\r\n")
        c.expect(b"554 5.5.0")
        c.send(b"QUIT\r\n")
        c.expect(b"221 ")
        c.close()
        self.assertEqual(self.srv.queued(), [])

    def test_bare_lf_in_commands(self):
        for line in (b"HELO x\n", b"HELO x\r\nMAIL FROM:<a@far.test>\nRCPT TO:<alice@posta.test>\r\n",
                     b"HELO x\rMAIL FROM:<a@far.test>\r\n"):
            c = self.srv.raw(RELAYLESS)
            c.expect(b"220 ")
            c.send(line + b"NOOP\r\n")
            out = c.rest()
            c.close()
            self.assertTrue(out.endswith(b"421 4.5.2 mx.posta.test bare CR or LF received (RFC 5321 2.3.8), "
                                         b"closing connection\r\n"), out)
            self.assertNotIn(b"2.1.0", out)


if __name__ == "__main__":
    unittest.main()
