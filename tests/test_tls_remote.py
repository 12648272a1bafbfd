"""Outbound TLS in posta-remote: STARTTLS whenever offered, plain text only
after a failed handshake (logged), control/tlsdestinations makes TLS
mandatory; and instance A delivering to instance B with and without a
certificate at B, as a whole (posta-send, posta-remote, B's posta-tlsd and
posta-smtpd, B's Maildir)."""
import os
import unittest

from dnsfix import Dns
from posta import IS_ROOT, Instance, maildir_files, wait_for
from remotekit import RemoteCase, need_netns
from sendtools import log_lines
from smtppeer import ScriptPeer
from tlskit import Ca, TlsSmtpd, install_cert, remove_cert

B_IP = "127.0.0.62"


class RemoteAlone(RemoteCase):
    """posta-remote by itself against peers that misbehave on purpose."""

    @classmethod
    def records(cls, dns):
        dns.mx("peer.test", 10, "mx.peer.test").host("mx.peer.test", "127.0.0.61")

    def setUp(self):
        super().setUp()
        self.peer = self.keep(ScriptPeer("127.0.0.61"))
        self.peer.ehlo = [b"PIPELINING", b"STARTTLS"]
        # says go ahead, then answers the handshake as if it were SMTP
        self.peer.replies[b"STARTTLS"] = b"220 2.0.0 go ahead\r\n"

    def test_failed_handshake_falls_back_to_plain_text(self):
        run = self.home.remote("peer.test", "a@me.test", ["b@peer.test"], b"Subject: x\n\nbody\n")
        (res,) = run.results
        self.assertEqual(res.kind, "K", run.out)
        self.assertTrue(res.line.endswith("[no TLS]"), res.line)
        self.assertIn("TLS handshake with mx.peer.test[127.0.0.61] failed", run.err)
        self.assertIn("trying again in plain text", run.err)
        self.peer.wait_idle()
        first, second = self.peer.sessions[:2]
        self.assertIn(b"STARTTLS\r\n", bytes(first.raw))
        self.assertNotIn(b"MAIL FROM", bytes(first.raw))
        self.assertNotIn(b"STARTTLS", bytes(second.raw))
        self.assertIn(b"body", bytes(second.raw))

    def test_tlsdestinations_never_plain_text(self):
        self.home.set("tlsdestinations", "peer.test")
        run = self.home.remote("peer.test", "a@me.test", ["b@peer.test"], b"Subject: x\n\nbody\n")
        (res,) = run.results
        self.assertEqual((res.kind, res.status), ("Z", "4.7.5"), run.out)
        self.assertIn("TLS is required for this domain", run.err)
        self.peer.ehlo = [b"PIPELINING"]
        run = self.home.remote("peer.test", "a@me.test", ["b@peer.test"], b"Subject: x\n\nbody\n")
        (res,) = run.results
        self.assertEqual((res.kind, res.status), ("Z", "4.7.5"), run.out)
        self.assertIn("does not offer STARTTLS", res.line)
        self.peer.wait_idle()
        for s in self.peer.sessions:
            self.assertNotIn(b"MAIL FROM", bytes(s.raw))
            self.assertNotIn(b"body", bytes(s.raw))

    def test_subdomain_entry(self):
        self.home.set("tlsdestinations", ".test")
        self.peer.ehlo = [b"PIPELINING"]
        run = self.home.remote("peer.test", "a@me.test", ["b@peer.test"], b"Subject: x\n\nbody\n")
        self.assertEqual(run.results[0].kind, "Z", run.out)

    def test_refused_starttls_goes_on_in_plain_text(self):
        self.peer.replies[b"STARTTLS"] = b"454 4.7.0 TLS not available\r\n"
        run = self.home.remote("peer.test", "a@me.test", ["b@peer.test"], b"Subject: x\n\nbody\n")
        self.assertEqual(run.results[0].kind, "K", run.out)
        self.peer.wait_idle()
        self.assertEqual(len(self.peer.sessions), 1)


@unittest.skipUnless(IS_ROOT, "needs the users of privilege-separated instances")
class InstanceToInstance(unittest.TestCase):
    """A (posta-send, posta-remote) delivers to B (svc/posta-smtpd: tcpserver,
    posta-tlsd, posta-smtpd; then posta-send into a Maildir)."""

    @classmethod
    def setUpClass(cls):
        need_netns()
        cls.dns = Dns().mx("b.test", 10, "mx.b.test").host("mx.b.test", B_IP).start()
        cls.b = Instance("b", ip=B_IP, smtp_port=25)
        cls.b.control("me", "mx.b.test")
        cls.box = cls.b.add_mailbox("user@b.test")
        cls.ca = Ca(cls.b.path("ca"))
        install_cert(cls.b, *cls.ca.server("mx.b.test"))
        cls.b.start(services=("posta-send", "posta-smtpd"))
        cls.a = Instance("a")
        cls.a.control("me", "a.test")
        cls.a.service_env("posta-send", DNSCACHEIP=cls.dns.addr)
        cls.a.start(services=("posta-send",))

    @classmethod
    def tearDownClass(cls):
        cls.a.cleanup()
        cls.b.cleanup()
        cls.dns.stop()

    def send(self, subject):
        n = len(maildir_files(self.box))
        self.a.sendmail("user@b.test", sender="me@a.test", message=b"Subject: %s\n\nhello\n" % subject.encode())
        return n

    def delivered(self, n, subject):
        files = self.b.wait_mail(self.box, n + 1, timeout=30)
        for fn in files:
            with open(fn, "rb") as f:
                msg = f.read()
            if b"Subject: " + subject.encode() in msg:
                return msg
        raise AssertionError("no message %s in %s" % (subject, files))

    def success_line(self, subject_n):
        return wait_for(lambda: [l for l in log_lines(self.a) if "success: <user@b.test>" in l][subject_n:], 30,
                        what="success %d in A's log" % subject_n)[0]

    def test_1_with_tls_at_b(self):
        msg = self.delivered(self.send("with-tls"), "with-tls")
        self.assertRegex(msg, rb"by mx\.b\.test \(\[127\.0\.0\.62\]\) with ESMTPS \(TLSv1\.[23] cipher [A-Z0-9_-]+\)")
        self.assertRegex(self.success_line(0), r"mx\.b\.test\[127\.0\.0\.62\] 250 .* \[TLS TLSv1\.[23] ")

    def test_2_without_tls_at_b(self):
        remove_cert(self.b)
        try:
            msg = self.delivered(self.send("plain"), "plain")
            self.assertRegex(msg, rb"by mx\.b\.test \(\[127\.0\.0\.62\]\) with ESMTP\n")
            self.assertTrue(self.success_line(1).endswith("[no TLS]"))
        finally:
            install_cert(self.b, *self.ca.server("mx.b.test"))

    def test_2a_tlsdestinations_verified_with_a_ca_file(self):
        # before test_3, whose deferral makes posta-send wait before b.test again
        # posta-remote runs as posta-r: the ca= file is one it can read
        ca = self.a.path("control", "b-ca.pem")
        with open(self.ca.cert, "rb") as src, open(ca, "wb") as dst:
            dst.write(src.read())
        os.chmod(ca, 0o644)
        self.a.control("tlsdestinations", "b.test ca=%s" % ca)
        try:
            self.delivered(self.send("verified"), "verified")
            line = wait_for(lambda: [l for l in log_lines(self.a) if "success: <user@b.test>" in l and " verified]" in l],
                            30, what="a verified success in A's log")[0]
            self.assertRegex(line, r"\[TLS TLSv1\.[23] \S+ verified\]$")
        finally:
            self.a.remove_control("tlsdestinations")

    def test_3_tlsdestinations_and_no_tls_at_b(self):
        remove_cert(self.b)
        self.a.control("tlsdestinations", "b.test")
        try:
            n = self.send("must-be-tls")
            line = wait_for(lambda: [l for l in log_lines(self.a) if "deferral: <user@b.test>" in l], 30,
                            what="a deferral in A's log")[0]
            self.assertIn(" 4.7.5 ", line)
            self.assertIn("does not offer STARTTLS", line)
            self.assertEqual(len(maildir_files(self.box)), n)
            self.assertNotIn("must-be-tls", self.b.log("posta-smtpd"))
        finally:
            self.a.remove_control("tlsdestinations")
            install_cert(self.b, *self.ca.server("mx.b.test"))


if __name__ == "__main__":
    unittest.main()
