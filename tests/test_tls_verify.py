"""control/tlsdestinations verifies: a listed destination's certificate must
chain to the system's store or to the line's ca= file, be valid now, and
name the exchanger (or a name= of the line). An active attacker in the
path (here: a peer with a certificate of its own making) gets a deferral
(4.7.5) with the reason, never the message. Unlisted destinations keep
opportunistic TLS, unverified."""
import os
import shutil
import tempfile

from remotekit import RemoteCase
from smtppeer import AioPeer
from tlskit import Ca

PEER = "127.0.0.141"
MSG = b"Subject: secret\n\nfor the bank only\n"


class TlsVerify(RemoteCase):
    @classmethod
    def records(cls, dns):
        dns.mx("bank.test", 10, "mx.bank.test").host("mx.bank.test", PEER)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="posta-tlsverify-")
        cls.ca = Ca(os.path.join(cls.tmp, "ca"))
        os.chmod(cls.tmp, 0o755)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def serve(self, pem, key):
        return self.keep(AioPeer(PEER, tls=self.ca.server_context(pem, key)).start())

    def send(self):
        run = self.home.remote("bank.test", "a@me.test", ["b@bank.test"], MSG)
        self.assertEqual(run.rc, 0, run.err)
        (res,) = run.results
        return res, run

    def assert_deferred(self, peer, why):
        res, run = self.send()
        self.assertEqual((res.kind, res.status), ("Z", "4.7.5"), run.out)
        self.assertIn("failed the TLS handshake", res.text)
        self.assertIn(why, res.text)
        self.assertIn("requires TLS with a verified certificate", res.text)
        self.assertIn("TLS handshake with mx.bank.test[%s] failed" % PEER, run.err)
        self.assertIn(why, run.err)
        self.assertEqual(peer.messages, [])

    def test_good_certificate_from_the_lines_ca_is_delivered(self):
        peer = self.serve(*self.ca.server("mx.bank.test"))
        self.home.set("tlsdestinations", "bank.test ca=%s" % self.ca.cert)
        res, run = self.send()
        self.assertEqual(res.kind, "K", run.out)
        self.assertRegex(res.text, r"\[TLS TLSv1\.[23] \S+ verified\]$")
        self.assertTrue(peer.messages[0]["tls"])

    def test_certificate_not_in_the_system_store_is_deferred(self):
        peer = self.serve(*self.ca.server("mx.bank.test"))
        self.home.set("tlsdestinations", "bank.test")
        self.assert_deferred(peer, "certificate verif")

    def test_self_signed_certificate_is_deferred(self):
        peer = self.serve(*self.ca.self_signed("mx.bank.test"))
        self.home.set("tlsdestinations", "bank.test ca=%s" % self.ca.cert)
        self.assert_deferred(peer, "certificate verif")

    def test_certificate_for_another_name_is_deferred(self):
        peer = self.serve(*self.ca.server("www.elsewhere.test"))
        self.home.set("tlsdestinations", "bank.test ca=%s" % self.ca.cert)
        self.assert_deferred(peer, "the certificate does not name mx.bank.test")

    def test_a_name_of_the_line_is_accepted(self):
        peer = self.serve(*self.ca.server("smtp.bank-hosting.test"))
        self.home.set("tlsdestinations", "bank.test ca=%s name=other.test,smtp.bank-hosting.test" % self.ca.cert)
        res, run = self.send()
        self.assertEqual(res.kind, "K", run.out)
        self.assertTrue(res.text.endswith(" verified]"), res.text)
        self.assertEqual(len(peer.messages), 1)

    def test_expired_certificate_is_deferred(self):
        peer = self.serve(*self.ca.server("mx.bank.test", days=-1))
        self.home.set("tlsdestinations", "bank.test ca=%s" % self.ca.cert)
        self.assert_deferred(peer, "expired")

    def test_unlisted_domain_keeps_opportunistic_tls(self):
        peer = self.serve(*self.ca.self_signed("anything.test"))
        self.home.set("tlsdestinations", "other.test")
        res, run = self.send()
        self.assertEqual(res.kind, "K", run.out)
        self.assertRegex(res.text, r"\[TLS TLSv1\.[23] \S+\]$")
        self.assertNotIn("verified", res.text)
        self.assertTrue(peer.messages[0]["tls"])

    def test_malformed_line_and_missing_ca_file_defer_before_connecting(self):
        peer = self.serve(*self.ca.server("mx.bank.test"))
        self.home.set("tlsdestinations", "bank.test verify=none")
        res, run = self.send()
        self.assertEqual((res.kind, res.status), ("Z", "4.3.5"), run.out)
        self.assertIn("control/tlsdestinations: malformed line: bank.test verify=none", res.text)
        self.home.set("tlsdestinations", "bank.test ca=/nonexistent/ca.pem")
        res, run = self.send()
        self.assertEqual((res.kind, res.status), ("Z", "4.3.5"), run.out)
        self.assertIn("unable to read the CA file /nonexistent/ca.pem", res.text)
        self.assertEqual(peer.messages, [])
