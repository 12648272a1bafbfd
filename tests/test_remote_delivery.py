"""posta-remote against real SMTP peers on loopback, DNS from dnsmasq:
one transaction per domain, MX fallback, every kind of refusal, and what
happens when a server drops the connection after the final dot."""
import unittest

from remotekit import RemoteCase
from smtppeer import AioPeer, ScriptPeer

MSG = b"From: alice@me.test\nTo: bob@one.test\nSubject: hello\n\nHello Bob.\n" + (b"x" * 70 + b"\n") * 28


def crlf(b):
    return b.replace(b"\n", b"\r\n")


class RemoteDelivery(RemoteCase):
    @classmethod
    def records(cls, dns):
        dns.mx("one.test", 10, "mx.one.test").host("mx.one.test", "127.0.0.11")
        dns.mx("fall.test", 10, "mx1.fall.test").host("mx1.fall.test", "127.0.0.21")
        dns.mx("fall.test", 20, "mx2.fall.test").host("mx2.fall.test", "127.0.0.22")
        dns.mx("peer.test", 10, "mx.peer.test").host("mx.peer.test", "127.0.0.30")
        dns.mx("deny.test", 10, "mx1.deny.test").host("mx1.deny.test", "127.0.0.31")
        dns.mx("deny.test", 20, "mx2.deny.test").host("mx2.deny.test", "127.0.0.32")

    def peer(self, p):
        self.keep(p)
        return p.start() if isinstance(p, AioPeer) else p

    def send(self, domain, rcpts, msg=MSG, sender="alice@me.test"):
        r = self.home.remote(domain, sender, rcpts, msg)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(len(r.results), len(rcpts), r.out)
        return r

    def test_foreign_peer_gets_one_transaction_for_all_recipients(self):
        aio = self.peer(AioPeer("127.0.0.11"))
        rcpts = ["bob@one.test", "carol@one.test", "dave@one.test"]
        r = self.send("one.test", rcpts)
        for res in r.results:
            self.assertEqual((res.kind, res.status, res.mta), ("K", "2.0.0", "mx.one.test[127.0.0.11]"))
            self.assertEqual(res.text, "250 2.0.0 ok queued [no TLS]")
        self.assertEqual(len(aio.messages), 1)
        m = aio.messages[0]
        self.assertEqual(m["mail_from"], "alice@me.test")
        self.assertEqual(m["rcpt_tos"], rcpts)
        self.assertEqual(m["content"], crlf(MSG))
        self.assertIn("SIZE=%d" % len(crlf(MSG)), m["mail_options"])

    def test_first_exchanger_refuses_the_second_accepts(self):
        aio = self.peer(AioPeer("127.0.0.22"))
        r = self.send("fall.test", ["bob@fall.test"])
        self.assertEqual(r.results[0].kind, "K", r.out)
        self.assertEqual(r.results[0].mta, "mx2.fall.test[127.0.0.22]")
        self.assertEqual(len(aio.messages), 1)

    def test_nobody_answers_is_temporary(self):
        r = self.send("fall.test", ["bob@fall.test"])
        res = r.results[0]
        self.assertEqual((res.kind, res.status, res.mta), ("Z", "4.4.1", "-"), r.out)
        self.assertIn("connection refused", res.text)
        self.assertIn("2 tried", res.text)

    def test_greeting_421_makes_it_try_the_next_exchanger(self):
        busy = self.peer(ScriptPeer("127.0.0.31"))
        busy.greeting = b"421 4.3.2 too busy, come back later\r\n"
        aio = self.peer(AioPeer("127.0.0.32"))
        r = self.send("deny.test", ["bob@deny.test"])
        self.assertEqual(r.results[0].kind, "K", r.out)
        self.assertEqual(r.results[0].mta, "mx2.deny.test[127.0.0.32]")
        self.assertEqual(len(aio.messages), 1)
        busy.wait_idle()
        self.assertEqual(len(busy.sessions), 1)
        self.assertFalse([c for c in busy.sessions[0].commands if c.startswith(b"MAIL")])

    def test_every_exchanger_refusing_with_5xx_is_permanent(self):
        for host in ("127.0.0.31", "127.0.0.32"):
            p = self.peer(ScriptPeer(host))
            p.greeting = b"554 5.7.1 no service for you\r\n"
        r = self.send("deny.test", ["bob@deny.test"])
        res = r.results[0]
        self.assertEqual((res.kind, res.status), ("D", "5.7.1"), r.out)
        self.assertIn("554 5.7.1 no service for you", res.text)

    def test_one_5xx_greeting_and_one_4xx_is_temporary(self):
        a = self.peer(ScriptPeer("127.0.0.31"))
        a.greeting = b"554 5.7.1 no\r\n"
        b = self.peer(ScriptPeer("127.0.0.32"))
        b.greeting = b"421 4.3.2 later\r\n"
        r = self.send("deny.test", ["bob@deny.test"])
        self.assertEqual(r.results[0].kind, "Z", r.out)

    def test_4xx_for_one_recipient_250_for_another(self):
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.rcpt = lambda a: b"451 4.2.1 mailbox busy, try later\r\n" if a.startswith(b"later") else b"250 ok\r\n"
        r = self.send("peer.test", ["later@peer.test", "now@peer.test"])
        later, now = r.results
        self.assertEqual((later.kind, later.status, later.mta), ("Z", "4.2.1", "mx.peer.test[127.0.0.30]"))
        self.assertEqual(later.text, "451 4.2.1 mailbox busy, try later")
        self.assertEqual((now.kind, now.status), ("K", "2.0.0"))
        self.assertEqual(now.text, "250 2.0.0 queued as 42 [no TLS]")
        p.wait_idle()
        self.assertEqual(len(p.sessions), 1)
        self.assertIsNotNone(p.sessions[0].data)

    def test_5xx_at_rcpt_is_permanent_with_the_servers_text(self):
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.rcpt = lambda a: b"550 5.1.1 <" + a + b">: no such user\r\n" if a.startswith(b"nobody") else b"250 ok\r\n"
        r = self.send("peer.test", ["nobody@peer.test", "bob@peer.test"])
        self.assertEqual(r.results[0].line, "D5.1.1 mx.peer.test[127.0.0.30] 550 5.1.1 <nobody@peer.test>: no such user")
        self.assertEqual(r.results[1].kind, "K")

    def test_every_recipient_refused_sends_no_data(self):
        for pipelining in (True, False):
            p = ScriptPeer("127.0.0.30")
            if not pipelining:
                p.ehlo = [b"8BITMIME"]
            p.rcpt = lambda a: b"550 5.1.1 no\r\n"
            try:
                r = self.send("peer.test", ["a@peer.test", "b@peer.test"])
                self.assertEqual([x.kind for x in r.results], ["D", "D"], r.out)
                p.wait_idle()
                self.assertFalse(p.sessions[0].data)
                if not pipelining:
                    self.assertNotIn(b"DATA\r\n", p.sessions[0].commands)
            finally:
                p.stop()

    def test_5xx_after_the_data_is_permanent(self):
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.data_reply = b"554 5.6.0 content rejected\r\n"
        r = self.send("peer.test", ["a@peer.test", "b@peer.test"])
        for res in r.results:
            self.assertEqual((res.kind, res.status, res.text), ("D", "5.6.0", "554 5.6.0 content rejected"))

    def test_refusals_at_rcpt_without_enhanced_codes(self):
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.rcpt = lambda a: {b"t": b"450 greylisted\r\n", b"p": b"550 unknown\r\n"}.get(a[:1], b"250 ok\r\n")
        r = self.send("peer.test", ["t@peer.test", "p@peer.test", "ok@peer.test"])
        # about one recipient: mailbox and address statuses (posta-send's
        # test of a destination that is down looks for 4.1 and 4.2)
        self.assertEqual([(x.kind, x.status) for x in r.results], [("Z", "4.2.0"), ("D", "5.1.0"), ("K", "2.0.0")])

    def test_4xx_after_the_data_is_temporary(self):
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.data_reply = b"451 4.3.0 disk full\r\n"
        r = self.send("peer.test", ["a@peer.test"])
        self.assertEqual((r.results[0].kind, r.results[0].status), ("Z", "4.3.0"))

    def test_mail_from_refused_settles_everyone(self):
        for pipelining in (True, False):
            p = ScriptPeer("127.0.0.30")
            if not pipelining:
                p.ehlo = []
            p.replies[b"MAIL"] = b"553 5.7.1 sender refused\r\n"
            try:
                r = self.send("peer.test", ["a@peer.test", "b@peer.test"])
                for res in r.results:
                    self.assertEqual((res.kind, res.status), ("D", "5.7.1"), r.out)
                    self.assertIn("MAIL FROM refused: 553 5.7.1 sender refused", res.text)
            finally:
                p.stop()

    def test_connection_closed_after_the_final_dot(self):
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.after_dot = "close"
        r = self.send("peer.test", ["a@peer.test", "b@peer.test"])
        for res in r.results:
            self.assertEqual((res.kind, res.status), ("Z", "4.4.2"), r.out)
            self.assertIn("after the end of the data", res.text)
            self.assertIn("duplicate", res.text)
        p.wait_idle()
        self.assertTrue(p.sessions[0].data.endswith(b"\r\n.\r\n"))

    def test_connection_closed_during_the_envelope(self):
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.ehlo = []
        p.rcpt = lambda a: b"550 5.1.1 no\r\n" if a.startswith(b"gone") else b"250 ok\r\n"
        p.replies[b"DATA"] = None
        r = self.send("peer.test", ["gone@peer.test", "a@peer.test"])
        # the refusal stands; the other recipient is tried again later
        self.assertEqual((r.results[0].kind, r.results[0].status), ("D", "5.1.1"), r.out)
        self.assertEqual((r.results[1].kind, r.results[1].status), ("Z", "4.4.2"), r.out)
        self.assertIn("lost during the envelope", r.results[1].text)

    def test_pipelining_when_offered(self):
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.expect_pipelining = True
        r = self.send("peer.test", ["a@peer.test", "b@peer.test"])
        self.assertEqual([x.kind for x in r.results], ["K", "K"], r.out)
        p.wait_idle()
        self.assertTrue(p.sessions[0].pipelined)

    def test_no_pipelining_when_not_offered(self):
        self.home.set("timeoutremote", "3")
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.ehlo = [b"8BITMIME"]
        r = self.send("peer.test", ["a@peer.test", "b@peer.test"])
        self.assertEqual([x.kind for x in r.results], ["K", "K"], r.out)
        cmds = p.sessions[0].commands
        self.assertEqual([c.split(b":")[0].split(b" ")[0].strip() for c in cmds],
                         [b"EHLO", b"MAIL", b"RCPT", b"RCPT", b"DATA", b"QUIT"])
        self.assertEqual(cmds[0], b"EHLO me.test\r\n")

    def test_helo_when_ehlo_is_refused(self):
        self.home.set("helohost", "client.me.test")
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.replies[b"EHLO"] = b"500 5.5.1 what is EHLO\r\n"
        r = self.send("peer.test", ["a@peer.test"])
        self.assertEqual(r.results[0].kind, "K", r.out)
        cmds = p.sessions[0].commands
        self.assertEqual(cmds[:2], [b"EHLO client.me.test\r\n", b"HELO client.me.test\r\n"])
        self.assertEqual(cmds[2], b"MAIL FROM:<alice@me.test>\r\n")   # no SIZE without EHLO

    def test_message_larger_than_size_is_not_sent(self):
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.ehlo = [b"PIPELINING", b"SIZE 1000"]
        r = self.send("peer.test", ["a@peer.test", "b@peer.test"])
        for res in r.results:
            self.assertEqual((res.kind, res.status), ("D", "5.3.4"), r.out)
            self.assertIn("SIZE 1000", res.text)
        p.wait_idle()
        self.assertFalse([c for c in p.sessions[0].commands if c.startswith(b"MAIL")])

    def test_eight_bit_to_a_server_without_8bitmime(self):
        msg = "Subject: caf\u00e9\n\nd\u00e9j\u00e0 vu\n".encode("utf-8")
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.ehlo = [b"PIPELINING"]
        r = self.send("peer.test", ["a@peer.test"], msg=msg)
        self.assertEqual(r.results[0].kind, "K", r.out)
        self.assertIn("8-bit", r.results[0].text)
        p.wait_idle()
        self.assertEqual(p.sessions[0].data, crlf(msg) + b".\r\n")
        self.assertNotIn(b"BODY=", p.sessions[0].commands[1])

    def test_eight_bit_announced_when_offered(self):
        msg = "Subject: x\n\n\u00e9\n".encode("utf-8")
        p = self.peer(ScriptPeer("127.0.0.30"))
        r = self.send("peer.test", ["a@peer.test"], msg=msg)
        self.assertEqual(r.results[0].kind, "K")
        self.assertNotIn("8-bit", r.results[0].text)
        self.assertIn(b" BODY=8BITMIME", p.sessions[0].commands[1])
        plain = self.send("peer.test", ["a@peer.test"], msg=b"ascii only\n")
        self.assertEqual(plain.results[0].kind, "K")
        p.wait_idle()
        self.assertNotIn(b"BODY=", p.sessions[1].commands[1])

    def test_silent_server_times_out(self):
        self.home.set("timeoutremote", "1")
        p = self.peer(ScriptPeer("127.0.0.30"))
        p.greeting = None
        r = self.send("peer.test", ["a@peer.test"])
        self.assertEqual((r.results[0].kind, r.results[0].status), ("Z", "4.4.1"), r.out)
        self.assertIn("timed out", r.results[0].text)
        self.assertLess(r.elapsed, 10)


if __name__ == "__main__":
    unittest.main()
