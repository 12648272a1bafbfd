"""Relay control and recipient validation, from the network: a client
without RELAYCLIENT cannot reach a remote domain by any address form
(percent hack, bang path, quoted @ or %, source route, two @), an unknown
local recipient is 550 at RCPT, and nothing with a remote recipient is ever
queued for such a client. A RELAYCLIENT client relays, but the trick forms
still never reach the remote channel."""
import unittest

from smtpd_harness import RELAY, RELAYLESS, SmtpdCase

# (address, expected reply prefix) for a client without RELAYCLIENT
TRICKS = [
    (b"<user%far.test@backup.test>", b"553 5.7.1"),          # percent hack through a relayed domain
    (b"<user%far.test@sub.relayed.test>", b"553 5.7.1"),
    (b"<far.test!user@backup.test>", b"553 5.7.1"),          # bang path
    (b"<\"user@far.test\"@backup.test>", b"553 5.7.1"),      # quoted @
    (b"<\"user%far.test\"@backup.test>", b"553 5.7.1"),      # quoted %
    (b"<\"user@far.test\"@far.test>", b"553 5.7.1"),
    (b"<user@far.test@posta.test>", b"501 5.1.3"),          # two @
    (b"<user@far.test@far.test>", b"501 5.1.3"),
    (b"<@posta.test:user@far.test>", b"553 5.7.1"),          # source route, remote mailbox
    (b"<@posta.test,@mx.posta.test:user@far.test>", b"553 5.7.1"),
    (b"<user%far.test@posta.test>", b"550 5.1.1"),           # local domain: no such mailbox
    (b"<far.test!user@posta.test>", b"550 5.1.1"),
    (b"<\"user@far.test\"@posta.test>", b"550 5.1.1"),
    (b"<user@far.test>", b"553 5.7.1"),                      # plain relaying
    (b"<user@[192.0.2.1]>", b"553 5.7.1"),                   # an address literal
    (b"<user@relayed.test>", b"553 5.7.1"),                  # ".relayed.test" is its subdomains only
    (b"user@far.test", b"501 5.1.3"),                        # no angle brackets
    (b"<user@far.test\0@posta.test>", b"501 5.5.2"),         # a NUL in the address
    (b"<user@far.test> NOTIFY=NEVER,\x01", b"501 5.5.4"),
]


class RelayTest(SmtpdCase):
    CONFIGURE = {"aliases": ("user%local", "carol")}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # every trick comes in one session: test_smtpd_badrcpt.py tests the
        # limit and the wait on refused recipients, not these
        cls.srv.inst.control("maxbadrcpt", "0")
        cls.srv.inst.control("badrcptdelay", "0")

    def session(self, source, rcpts):
        """MAIL, then one RCPT each, then DATA when one was taken: the
        replies to the RCPTs, and the reply to the message (or None)."""
        c = self.srv.raw(source)
        c.expect(b"220 ")
        c.send(b"HELO client.test\r\n")
        c.expect(b"250 ")
        c.send(b"MAIL FROM:<sender@far.test>\r\n")
        c.expect(b"250 2.1.0")
        replies = []
        for r in rcpts:
            c.send(b"RCPT TO:" + r + b"\r\n")
            replies.append(c.reply())
        final = None
        if any(r.startswith(b"250") for r in replies):
            c.send(b"DATA\r\n")
            c.expect(b"354 ")
            c.send(b"Subject: relay test\r\n\r\nbody\r\n.\r\n")
            final = c.reply()
        c.send(b"QUIT\r\n")
        c.expect(b"221 ")
        c.close()
        return replies, final

    def test_tricks_refused_without_relayclient(self):
        replies, final = self.session(RELAYLESS, [a for a, _ in TRICKS])
        for (address, want), got in zip(TRICKS, replies):
            self.assertTrue(got.startswith(want), "%r: %r, not %r" % (address, got, want))
        self.assertIsNone(final)
        self.assertEqual(self.srv.queued(), [])

    def test_nothing_remote_is_queued(self):
        """Tricks mixed with a good local recipient: the message is queued
        for the local one alone."""
        replies, final = self.session(RELAYLESS, [a for a, _ in TRICKS] + [b"<alice@posta.test>"])
        self.assertTrue(replies[-1].startswith(b"250 2.1.5"))
        self.assertTrue(final.startswith(b"250 2.0.0"), final)
        q = self.srv.queued()
        self.assertEqual(len(q), 1)
        self.assertEqual(q[0].rcpts, [b"alice@posta.test"])

    def test_trick_local_parts_reach_existing_mailboxes_only(self):
        replies, final = self.session(RELAYLESS, [b"<user%local@posta.test>", b"<user%other@posta.test>"])
        self.assertTrue(replies[0].startswith(b"250"), replies)
        self.assertTrue(replies[1].startswith(b"550 5.1.1"), replies)
        self.assertEqual([q.rcpts for q in self.srv.queued()], [[b"user%local@posta.test"]])

    def test_unknown_local_recipient(self):
        # a virtual mailbox belongs to its domain only
        replies, final = self.session(RELAYLESS, [b"<nobody@posta.test>", b"<NoBody@MX.posta.test>",
                                                  b"<alice@mx.posta.test>"])
        self.assertTrue(all(r.startswith(b"550 5.1.1") for r in replies), replies)
        self.assertIsNone(final)
        self.assertEqual(self.srv.queued(), [])
        # a relay client gets the same answer for a local domain
        replies, final = self.session(RELAY, [b"<nobody@posta.test>"])
        self.assertTrue(replies[0].startswith(b"550 5.1.1"), replies)
        self.assertEqual(self.srv.queued(), [])
        self.assertIn("refused recipient nobody@posta.test from 127.0.0.2: 550 5.1.1", self.srv.logtext())

    def test_extension_addresses_need_a_dot_qmail_file(self):
        # posta-local would bounce alice-anything@ (no .qmail-anything in her
        # home): refused at RCPT, so that no bounce goes to a forged sender
        import os
        import pwd
        home = os.path.dirname(self.srv.inst.run("posta-user", "path", "bob@posta.test").stdout.decode().strip().rstrip("/"))
        fn = os.path.join(home, ".qmail-news")
        with open(fn, "w") as f:
            f.write("./Maildir/\n")
        os.chmod(fn, 0o644)
        if os.geteuid() == 0:
            pw = pwd.getpwnam("posta-v")
            os.chown(fn, pw.pw_uid, pw.pw_gid)
        try:
            replies, final = self.session(RELAYLESS, [b"<alice-anything@posta.test>", b"<bob-news@posta.test>",
                                                      b"<bob-other@posta.test>"])
            self.assertTrue(replies[0].startswith(b"550 5.1.1"), replies)
            self.assertTrue(replies[1].startswith(b"250 2.1.5"), replies)
            self.assertTrue(replies[2].startswith(b"550 5.1.1"), replies)
            self.assertEqual([q.rcpts for q in self.srv.queued()], [[b"bob-news@posta.test"]])
        finally:
            os.unlink(fn)

    def test_local_and_rcpthosts_domains(self):
        replies, final = self.session(RELAYLESS, [
            b"<alice@posta.test>", b"<ALICE@Posta.Test>", b"<CAROL@Mx.Posta.Test>", b"<postmaster>",
            b"<postmaster@posta.test>",
            b"<x@sub.relayed.test>", b"<y@backup.test>", b"<@far.test:bob@posta.test>"])
        self.assertTrue(all(r.startswith(b"250 2.1.5") for r in replies), replies)
        self.assertTrue(final.startswith(b"250 2.0.0"), final)
        self.assertEqual(self.srv.queued()[0].rcpts, [
            b"alice@posta.test", b"ALICE@posta.test", b"CAROL@mx.posta.test", b"postmaster@mx.posta.test",
            b"postmaster@posta.test",
            b"x@sub.relayed.test", b"y@backup.test", b"bob@posta.test"])

    def test_relayclient(self):
        replies, final = self.session(RELAY, [b"<user@far.test>", b"<user%far.test@backup.test>",
                                              b"<far.test!user@other.test>", b"<\"a@b\"@far.test>"])
        self.assertTrue(replies[0].startswith(b"250 2.1.5"), replies)
        for r in replies[1:]:
            self.assertTrue(r.startswith(b"553 5.7.1"), replies)
        self.assertEqual(self.srv.queued()[0].rcpts, [b"user@far.test"])

    def test_badmailfrom(self):
        self.srv.inst.control("badmailfrom", ["spam@bad.test", "@evil.test"])
        try:
            for sender, want in ((b"<spam@bad.test>", b"553 5.7.1"), (b"<x@EVIL.test>", b"553 5.7.1"),
                                 (b"<ok@bad.test>", b"250 2.1.0")):
                c = self.srv.raw(RELAY)
                c.expect(b"220 ")
                c.send(b"HELO x\r\nMAIL FROM:" + sender + b"\r\nQUIT\r\n")
                c.expect(b"250 ")
                c.expect(want)
                c.expect(b"221 ")
                c.close()
        finally:
            self.srv.inst.remove_control("badmailfrom")


if __name__ == "__main__":
    unittest.main()
