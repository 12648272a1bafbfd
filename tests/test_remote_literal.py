"""Address literals and this host's addresses in posta-remote.

A local user (nobody, through the setuid posta-queue) sends to
victim@[127.0.0.3]: all of 127.0.0.0/8 reaches this host, so posta-remote
must not connect there (a service listening on loopback only trusts its
callers), but bounce it as a loop (5.4.6), as for an interface address.
control/moreipme adds addresses of this host that are no interface's; an
MX or a literal on one of them is a loop too. Literals follow
control/smtproutes like any domain: their own line ([10.9.9.9]:relay) or
the default route (:relay)."""
import unittest

from dnsfix import Dns
from posta import IS_ROOT, wait_for
from qtools import envelope, inject
from remotekit import RemoteCase
from sendtools import log_lines, need_real_remote, remote_instance
from smtppeer import ScriptPeer

LOOPBACK_SERVICE = "127.0.0.3"   # something of this host, on loopback
ROUTED = "127.0.0.152"           # the relay of [10.9.9.9]'s own line
MOREIPME = "127.0.0.154"         # this host, says control/moreipme


@unittest.skipUnless(IS_ROOT, "needs the users of a privilege-separated instance")
class LiteralsFromALocalUser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        need_real_remote()
        cls.dns = Dns().mx("far.test", 10, "mx.far.test").host("mx.far.test", MOREIPME).start()
        cls.inst = remote_instance(cls.dns, smtproutes=["[10.9.9.9]:[%s]" % ROUTED],
                                   moreipme=["192.0.2.200", MOREIPME])
        cls.service = ScriptPeer(LOOPBACK_SERVICE)
        cls.routed = ScriptPeer(ROUTED)
        cls.nat = ScriptPeer(MOREIPME)
        cls.inst.start(services=("posta-send",))

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()
        for p in (cls.service, cls.routed, cls.nat):
            p.stop()
        cls.dns.stop()

    def inject_as_nobody(self, rcpt):
        rc, err = inject(self.inst, b"Subject: literal\n\nhello\n", envelope("nobody@posta.example", [rcpt]),
                         user="nobody")
        self.assertEqual(rc, 0, err)

    def outcome(self, addr):
        return wait_for(lambda: [l for l in log_lines(self.inst) if "<%s>" % addr in l
                                 and (" success: " in l or " failure: " in l or " deferral: " in l)], 30,
                        what="the outcome for %s" % addr)[0]

    def test_loopback_literal_is_this_host(self):
        self.inject_as_nobody("victim@[%s]" % LOOPBACK_SERVICE)
        line = self.outcome("victim@[%s]" % LOOPBACK_SERVICE)
        self.assertIn(" failure: ", line)
        self.assertIn(" 5.4.6 ", line)
        self.assertIn("loop back to myself", line)
        self.assertEqual(self.service.sessions, [])

    def test_ipv6_loopback_literal_is_this_host(self):
        self.inject_as_nobody("victim@[IPv6:::1]")
        line = self.outcome("victim@[ipv6:::1]")
        self.assertIn(" 5.4.6 ", line)

    def test_moreipme_address_is_this_host(self):
        self.inject_as_nobody("someone@far.test")
        line = self.outcome("someone@far.test")
        self.assertIn(" failure: ", line)
        self.assertIn(" 5.4.6 ", line)
        self.inject_as_nobody("victim@[%s]" % MOREIPME)
        self.assertIn(" 5.4.6 ", self.outcome("victim@[%s]" % MOREIPME))
        self.assertEqual(self.nat.sessions, [])

    def test_literal_follows_its_smtproutes_line(self):
        self.inject_as_nobody("user@[10.9.9.9]")
        line = self.outcome("user@[10.9.9.9]")
        self.assertIn(" success: ", line)
        self.assertIn("[%s]" % ROUTED, line)
        self.routed.wait_idle()
        self.assertIn(b"RCPT TO:<user@[10.9.9.9]>\r\n", bytes(self.routed.sessions[0].raw))


class LiteralsAndTheDefaultRoute(RemoteCase):
    @classmethod
    def records(cls, dns):
        pass

    def test_default_route_applies_to_literals(self):
        smarthost = self.keep(ScriptPeer("127.0.0.151"))
        self.home.set("smtproutes", ":[127.0.0.151]")
        run = self.home.remote("[10.9.9.9]", "a@me.test", ["b@[10.9.9.9]"], b"Subject: x\n\nx\n")
        (res,) = run.results
        self.assertEqual((res.kind, res.mta), ("K", "[127.0.0.151]"), run.out)
        # the operator's relay is the operator's choice, loopback or not
        run = self.home.remote("[127.0.0.3]", "a@me.test", ["b@[127.0.0.3]"], b"Subject: x\n\nx\n")
        self.assertEqual(run.results[0].kind, "K", run.out)
        smarthost.wait_idle()
        self.assertEqual(len(smarthost.sessions), 2)

    def test_an_exception_line_sends_a_literal_straight_to_it(self):
        self.keep(ScriptPeer("127.0.0.151"))
        self.home.set("smtproutes", "[127.0.0.3]:\n:[127.0.0.151]\n")
        run = self.home.remote("[127.0.0.3]", "a@me.test", ["b@[127.0.0.3]"], b"Subject: x\n\nx\n")
        self.assertEqual((run.results[0].kind, run.results[0].status), ("D", "5.4.6"), run.out)

    def test_malformed_moreipme_defers(self):
        self.home.set("moreipme", "192.0.2.1/40")
        run = self.home.remote("[10.9.9.9]", "a@me.test", ["b@[10.9.9.9]"], b"Subject: x\n\nx\n")
        (res,) = run.results
        self.assertEqual((res.kind, res.status), ("Z", "4.3.5"), run.out)
        self.assertIn("control/moreipme: malformed line: 192.0.2.1/40", res.text)


if __name__ == "__main__":
    unittest.main()
