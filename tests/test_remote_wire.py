"""The bytes posta-remote puts on the wire and what it survives reading:
a raw-socket peer records everything. Line ends are CRLF only, dots are
stuffed, the data ends exactly once; hostile replies never crash it."""
import unittest

from remotekit import RemoteCase
from smtppeer import ScriptPeer


class RemoteWire(RemoteCase):
    @classmethod
    def records(cls, dns):
        dns.mx("wire.test", 10, "mx.wire.test").host("mx.wire.test", "127.0.0.40")
        dns.mx("two.test", 10, "mx1.two.test").host("mx1.two.test", "127.0.0.41")
        dns.mx("two.test", 20, "mx2.two.test").host("mx2.two.test", "127.0.0.42")

    def peer(self, host="127.0.0.40"):
        return self.keep(ScriptPeer(host))

    def send(self, rcpts, msg, sender="alice@me.test", domain="wire.test"):
        r = self.home.remote(domain, sender, rcpts, msg)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(len(r.results), len(rcpts), r.out)
        for p in self.peers:
            p.wait_idle()
        return r

    def test_line_ends_and_dots_exactly(self):
        p = self.peer()
        msg = (b"Subject: wire\n\nbare LF\nbare CR\rCRLF\r\n.\n..two dots\n.leading\n"
               b"mid.dle\n\r\n\n\rlast line without end")
        want = (b"Subject: wire\r\n\r\nbare LF\r\nbare CR\r\nCRLF\r\n..\r\n...two dots\r\n"
                b"..leading\r\nmid.dle\r\n\r\n\r\n\r\nlast line without end\r\n.\r\n")
        r = self.send(["a@wire.test"], msg)
        self.assertEqual(r.results[0].kind, "K", r.out)
        s = p.sessions[0]
        self.assertEqual(s.data, want)
        # after the one end of data, only QUIT
        raw = bytes(s.raw)
        self.assertEqual(raw.count(b"\r\n.\r\n"), 1)
        self.assertTrue(raw.endswith(b"\r\n.\r\nQUIT\r\n"), raw[-40:])
        # no bare CR or LF anywhere in the session
        self.assertEqual(raw.count(b"\n"), raw.count(b"\r\n"))
        self.assertEqual(raw.count(b"\r"), raw.count(b"\r\n"))

    def test_message_that_is_a_lone_dot_and_empty_message(self):
        p = self.peer()
        self.send(["a@wire.test"], b".\n")
        self.send(["a@wire.test"], b"")
        self.assertEqual(p.sessions[0].data, b"..\r\n.\r\n")
        self.assertEqual(p.sessions[1].data, b".\r\n")

    def test_commands_exactly(self):
        p = self.peer()
        p.ehlo = [b"SIZE 1000000"]
        msg = b"Subject: x\n\nbody\n"
        self.send(["john smith@wire.test", "plain@wire.test"], msg, sender="")
        self.assertEqual(p.sessions[0].commands, [
            b"EHLO me.test\r\n",
            b"MAIL FROM:<> SIZE=%d\r\n" % len(msg.replace(b"\n", b"\r\n")),
            b"RCPT TO:<\"john smith\"@wire.test>\r\n",
            b"RCPT TO:<plain@wire.test>\r\n",
            b"DATA\r\n",
            b"QUIT\r\n",
        ])

    def test_pipelined_commands_in_one_write(self):
        p = self.peer()
        p.expect_pipelining = True
        self.send(["a@wire.test", "b@wire.test", "c@wire.test"], b"x\n")
        s = p.sessions[0]
        self.assertTrue(s.pipelined)
        self.assertIn(b"MAIL FROM:<alice@me.test> SIZE=3\r\nRCPT TO:<a@wire.test>\r\n"
                      b"RCPT TO:<b@wire.test>\r\nRCPT TO:<c@wire.test>\r\nDATA\r\n", bytes(s.raw))

    def test_hostile_but_valid_replies(self):
        p = self.peer()
        p.greeting = (b"220-wire.test \x00 ESMTP\r\n220-" + b"y" * 5000 + b"\r\n"
                      b"220-\r\n220\r\n")
        p.ehlo_reply = b"250-wire.test\r\n250-PIPELINING\n250-8BITMIME\r\n250 SIZE\r\n"
        p.rcpt = lambda a: b"250\r\n"
        p.data_reply = b"250-first\r\n299 last line's code decides \x01\r\n"
        r = self.send(["a@wire.test"], b"x\n")
        res = r.results[0]
        self.assertEqual((res.kind, res.status), ("K", "2.0.0"), r.out)
        self.assertEqual(res.text, "250-first 299 last line's code decides   [no TLS]")

    def test_malformed_reply_is_temporary_and_tries_the_next(self):
        bad = self.peer("127.0.0.41")
        bad.greeting = b"hello, I am not SMTP\r\n"
        good = self.peer("127.0.0.42")
        r = self.send(["a@two.test"], b"x\n", domain="two.test")
        self.assertEqual((r.results[0].kind, r.results[0].mta), ("K", "mx2.two.test[127.0.0.42]"), r.out)
        self.assertEqual(len(good.sessions), 1)

    def test_malformed_reply_everywhere(self):
        p = self.peer()
        p.data_reply = b"2x0 what\r\n"
        r = self.send(["a@wire.test"], b"x\n")
        res = r.results[0]
        self.assertEqual((res.kind, res.status), ("Z", "4.4.2"), r.out)
        self.assertIn("malformed", res.text)

    def test_endless_reply_is_bounded(self):
        p = self.peer()
        p.greeting = b"220-" + b"z" * 200000 + b"\r\n220 ok\r\n"
        r = self.send(["a@wire.test"], b"x\n")
        res = r.results[0]
        self.assertEqual((res.kind, res.status), ("Z", "4.4.1"), r.out)
        self.assertIn("malformed", res.text)

    def test_connection_closed_in_mid_reply(self):
        p = self.peer()
        p.replies[b"MAIL"] = b"250-part of a rep"
        p.close_after.add(b"MAIL")
        p.ehlo = []
        r = self.send(["a@wire.test"], b"x\n")
        res = r.results[0]
        self.assertEqual((res.kind, res.status), ("Z", "4.4.2"), r.out)
        self.assertIn("closed by the server", res.text)

    def test_server_text_is_cleaned_and_bounded(self):
        p = self.peer()
        p.rcpt = lambda a: b"550-5.1.1 " + b"w" * 3000 + b"\r\n550 5.1.1 \x1b[31mred\r\n"
        r = self.send(["a@wire.test"], b"x\n")
        line = r.results[0].line
        self.assertEqual(r.results[0].status, "5.1.1")
        self.assertLessEqual(len(r.results[0].text), 1000)
        self.assertFalse([c for c in line if ord(c) < 32 or ord(c) == 127], line)

    def test_recipient_with_crlf_is_never_sent(self):
        p = self.peer()
        r = self.send(["evil@wire.test\r\nRSET", "ok@wire.test"], b"x\n")
        self.assertEqual((r.results[0].kind, r.results[0].status), ("D", "5.1.3"), r.out)
        self.assertEqual(r.results[1].kind, "K")
        self.assertNotIn(b"RSET", bytes(p.sessions[0].raw))


if __name__ == "__main__":
    unittest.main()
