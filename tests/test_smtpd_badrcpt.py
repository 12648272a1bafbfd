"""Address harvesting over RCPT (issue 15, item 11): RCPT says 250 to a
mailbox that exists and 550 to one that does not, so a client could try
names one after the other. After control/maxbadrcpt recipients refused for
good (default 10) the next RCPT ends the session with 421 4.7.0, and each
refusal after the third waits control/badrcptdelay seconds more than the
one before. A client that only mistyped a few addresses is not concerned."""
import time
import unittest

from smtpd_harness import RELAYLESS, SmtpdCase


class BadRcptTest(SmtpdCase):
    def setUp(self):
        super().setUp()
        # no waiting but where a test measures it
        self.srv.inst.control("badrcptdelay", "0")

    def tearDown(self):
        for name in ("badrcptdelay", "maxbadrcpt"):
            self.srv.inst.remove_control(name)

    def harvest(self, names):
        """A raw session trying each name at posta.test: the replies, and
        what came after the last one (b'' when the server closed)."""
        c = self.ehlo(RELAYLESS)
        c.send(b"MAIL FROM:<harvester@far.test>\r\n")
        c.expect(b"250 2.1.0")
        replies = []
        for n in names:
            c.send(b"RCPT TO:<%s@posta.test>\r\n" % n)
            r = c.reply()
            replies.append(r)
            if not r or r.startswith(b"421"):
                break
        return c, replies

    def test_eleven_unknown_recipients_end_the_session(self):
        c, replies = self.harvest([b"guess%d" % i for i in range(11)] + [b"alice"])
        self.assertEqual(len(replies), 11, replies)
        for r in replies[:10]:
            self.assertTrue(r.startswith(b"550 5.1.1"), r)
        self.assertTrue(replies[10].startswith(b"421 4.7.0 "), replies[10])
        self.assertIn(b"too many refused recipients", replies[10])
        # closed: the existing alice was never answered
        self.assertEqual(c.rest(), b"")
        c.close()
        self.assertIn("closing session from 127.0.0.2: too many refused recipients", self.srv.logtext())

    def test_limit_is_per_session_not_per_transaction(self):
        c = self.ehlo(RELAYLESS)
        for i in range(10):
            c.send(b"MAIL FROM:<h@far.test>\r\nRCPT TO:<guess%d@posta.test>\r\nRSET\r\n" % i)
            c.expect(b"250 2.1.0")
            c.expect(b"550 5.1.1")
            c.expect(b"250 2.0.0")
        c.send(b"MAIL FROM:<h@far.test>\r\nRCPT TO:<alice@posta.test>\r\n")
        c.expect(b"250 2.1.0")
        c.expect(b"421 4.7.0")
        self.assertEqual(c.rest(), b"")
        c.close()

    def test_a_few_typos_still_deliver(self):
        """A legitimate client with the default settings (the delay too):
        three typos, then the good recipient; the message is queued."""
        self.srv.inst.remove_control("badrcptdelay")
        with self.srv.client(RELAYLESS) as c:
            refused = c.sendmail("carol@far.test", ["alcie@posta.test", "bob@posta.test", "bbo@posta.test",
                                                    "alice@posta.tset"],
                                 b"Subject: typos\r\n\r\nhello\r\n")
        self.assertEqual(sorted(refused), ["alcie@posta.test", "alice@posta.tset", "bbo@posta.test"])
        (q,) = self.srv.queued()
        self.assertEqual(q.rcpts, [b"bob@posta.test"])

    def test_maxbadrcpt_setting(self):
        self.srv.inst.control("maxbadrcpt", "3")
        c, replies = self.harvest([b"a", b"b", b"c", b"alice"])
        self.assertEqual([r[:3] for r in replies], [b"550", b"550", b"550", b"421"])
        c.close()
        # 0: no limit of its own (maxrcpt's, 1000, still holds)
        self.srv.inst.control("maxbadrcpt", "0")
        c, replies = self.harvest([b"guess%d" % i for i in range(30)] + [b"alice"])
        self.assertTrue(all(r.startswith(b"550") for r in replies[:30]), replies)
        self.assertTrue(replies[30].startswith(b"250 2.1.5"), replies[30])
        c.close()

    def test_refusals_after_the_third_wait(self):
        """badrcptdelay 1: the 4th refusal waits 1 second, the 5th 2, the
        6th 3. Only a lower bound is checked (a busy machine is slower)."""
        self.srv.inst.control("badrcptdelay", "1")
        c = self.ehlo(RELAYLESS)
        c.send(b"MAIL FROM:<h@far.test>\r\n")
        c.expect(b"250 2.1.0")
        took = []
        for i in range(6):
            t0 = time.monotonic()
            c.send(b"RCPT TO:<guess%d@posta.test>\r\n" % i)
            c.expect(b"550 5.1.1")
            took.append(time.monotonic() - t0)
        c.close()
        self.assertGreaterEqual(took[3], 0.9, took)
        self.assertGreaterEqual(took[4], 1.9, took)
        self.assertGreaterEqual(took[5], 2.9, took)
        self.assertGreaterEqual(sum(took), 5.9, took)


if __name__ == "__main__":
    unittest.main()
