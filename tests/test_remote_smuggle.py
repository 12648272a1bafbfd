"""ESMTP parameters smuggled through an address: posta-queue takes nearly
any bytes as a sender or a recipient from any local user, and posta-remote
sends the domain part as it is. A domain holding a space or '>' would add
parameters to MAIL or RCPT (NOTIFY=, ORCPT=, RET=...) at the smarthost. The
attack runs as an ordinary local user (nobody) through the setuid
posta-queue; a raw-socket peer, the instance's smarthost, records the bytes."""
import unittest

from dnsfix import Dns
from posta import IS_ROOT, wait_for
from qtools import envelope, inject
from sendtools import log_lines, need_real_remote, remote_instance
from smtppeer import ScriptPeer

RELAY = "127.0.0.131"


@unittest.skipUnless(IS_ROOT, "needs the users of a privilege-separated instance")
class SmuggleThroughSmarthost(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        need_real_remote()
        cls.dns = Dns().start()
        cls.inst = remote_instance(cls.dns, smtproutes=":[%s]" % RELAY)
        cls.peer = ScriptPeer(RELAY)
        cls.inst.start(services=("posta-send",))

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()
        cls.peer.stop()
        cls.dns.stop()

    def inject_as_nobody(self, sender, rcpts, subject):
        rc, err = inject(self.inst, b"Subject: %s\n\nhello\n" % subject, envelope(sender, rcpts), user="nobody")
        self.assertEqual(rc, 0, err)

    def outcome(self, addr):
        """The delivery line posta-send logged for the address that begins
        with addr (as the log writes it: a space is \\x20, '>' \\x3e)."""
        return wait_for(lambda: [l for l in log_lines(self.inst) if "<%s" % addr in l
                                 and (" success: " in l or " failure: " in l or " deferral: " in l)], 30,
                        what="the outcome for %s" % addr)[0]

    def wire(self, before):
        """The bytes of the peer's sessions since the before-th."""
        self.peer.wait_idle()
        return b"".join(bytes(s.raw) for s in self.peer.sessions[before:])

    def test_recipient_domain_cannot_add_rcpt_parameters(self):
        before = len(self.peer.sessions)
        evil = "victim@far.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;spy+40evil.test"
        good = "friend@far.test"
        self.inject_as_nobody("nobody@posta.example", [evil, good], b"rcpt")
        line = self.outcome("victim@")
        self.assertIn(" failure: ", line)
        self.assertIn(" 5.1.3 ", line)
        self.assertIn("domain", line)
        self.assertIn(" success: ", self.outcome(good + ">"))
        raw = self.wire(before)
        self.assertNotIn(b"NOTIFY", raw.upper())
        self.assertNotIn(b"ORCPT", raw.upper())
        self.assertIn(b"RCPT TO:<friend@far.test>\r\n", raw)

    def test_sender_domain_cannot_add_mail_parameters(self):
        before = len(self.peer.sessions)
        evil = "spy@evil.test> RET=FULL ENVID=x"
        self.inject_as_nobody(evil, ["friend2@far.test"], b"sender")
        line = self.outcome("friend2@far.test>")
        self.assertIn(" failure: ", line)
        self.assertIn(" 5.1.7 ", line)
        raw = self.wire(before)
        self.assertNotIn(b"RET=", raw.upper())
        self.assertNotIn(b"ENVID", raw.upper())

    def test_local_part_is_quoted_not_refused(self):
        before = len(self.peer.sessions)
        odd = "a> NOTIFY=NEVER@far.test"
        self.inject_as_nobody("nobody@posta.example", [odd], b"local")
        self.assertIn(" success: ", self.outcome("a\\x3e\\x20NOTIFY"))
        raw = self.wire(before)
        self.assertIn(b'RCPT TO:<"a> NOTIFY=NEVER"@far.test>\r\n', raw)


if __name__ == "__main__":
    unittest.main()
