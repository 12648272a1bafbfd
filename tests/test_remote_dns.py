"""posta-remote's routing with a real DNS server (dnsmasq) on loopback:
MX order and shuffling, IPv6 first, implicit MX, null MX, loops back to
this host, NXDOMAIN, a DNS server that does not answer, smtproutes and
address literals."""
import unittest

from dnsfix import SilentDns
from remotekit import Home, RemoteCase, enable_ipv4_anyip, enable_ipv6_anyip, need_netns
from smtppeer import AioPeer, ScriptPeer


class RemoteDns(RemoteCase):
    HOME = {"me": "me.test"}

    @classmethod
    def setUpClass(cls):
        need_netns()
        enable_ipv6_anyip()
        enable_ipv4_anyip()
        super().setUpClass()

    @classmethod
    def records(cls, d):
        d.host("implicit.test", "127.0.0.50")
        d.null_mx("null.test")
        d.mx("loopname.test", 10, "me.test")
        d.mx("loopip.test", 10, "mx.loopip.test").host("mx.loopip.test", "127.0.0.1")
        d.mx("backup.test", 10, "primary.backup.test").host("primary.backup.test", "127.0.0.51")
        d.mx("backup.test", 20, "me.test")
        d.mx("backup.test", 30, "tertiary.backup.test").host("tertiary.backup.test", "127.0.0.52")
        d.args.append("--txt-record=nohost.test,nothing here")
        d.mx("six.test", 10, "mx.six.test").host("mx.six.test", "127.0.0.60", "fd00::60")
        d.mx("sixdown.test", 10, "mx.sixdown.test").host("mx.sixdown.test", "127.0.0.61", "fd00::61")
        d.mx("equal.test", 10, "a.equal.test").host("a.equal.test", "127.0.0.62")
        d.mx("equal.test", 10, "b.equal.test").host("b.equal.test", "127.0.0.63")
        d.host("relay.test", "127.0.0.64")
        d.mx("routed.test", 10, "mx.routed.test").host("mx.routed.test", "127.0.0.69")
        d.mx("direct.routed.test", 10, "mx.direct.routed.test").host("mx.direct.routed.test", "127.0.0.68")

    def peer(self, host, port=25):
        return self.keep(ScriptPeer(host, port))

    def send(self, domain, rcpts=None, dns="127.0.0.53"):
        rcpts = rcpts or ["rcpt@" + domain]
        r = self.home.remote(domain, "alice@me.test", rcpts, b"Subject: dns\n\nx\n", dns=dns)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(len(r.results), len(rcpts), r.out)
        return r

    def expect(self, r, kind, status, mta=None):
        res = r.results[0]
        self.assertEqual((res.kind, res.status), (kind, status), r.out)
        if mta is not None:
            self.assertEqual(res.mta, mta, r.out)
        return res

    def test_implicit_mx(self):
        p = self.peer("127.0.0.50")
        self.expect(self.send("implicit.test"), "K", "2.0.0", "implicit.test[127.0.0.50]")
        self.assertEqual(len(p.sessions), 1)

    def test_null_mx_is_permanent(self):
        res = self.expect(self.send("null.test"), "D", "5.1.10", "-")
        self.assertIn("null MX", res.text)

    def test_nxdomain_is_permanent(self):
        res = self.expect(self.send("nx.test"), "D", "5.1.2", "-")
        self.assertIn("does not exist", res.text)

    def test_no_mx_no_address_is_permanent(self):
        self.expect(self.send("nohost.test"), "D", "5.1.2", "-")

    def test_mx_named_like_this_host_is_a_loop(self):
        res = self.expect(self.send("loopname.test"), "D", "5.4.6", "-")
        self.assertIn("loop", res.text)
        self.assertIn("me.test", res.text)

    def test_mx_with_this_hosts_address_is_a_loop(self):
        p = self.peer("127.0.0.1")
        self.expect(self.send("loopip.test"), "D", "5.4.6", "-")
        self.assertEqual(p.sessions, [])

    def test_backup_mx_tries_only_better_exchangers(self):
        tertiary = self.peer("127.0.0.52")
        res = self.expect(self.send("backup.test"), "Z", "4.4.1")
        self.assertIn("primary.backup.test[127.0.0.51]", res.text)
        self.assertIn("1 tried", res.text)
        self.assertEqual(tertiary.sessions, [])
        primary = self.peer("127.0.0.51")
        self.expect(self.send("backup.test"), "Z", "4.4.1")   # remembered in tcpto
        self.home.cleanup()
        self.home = Home(me="me.test")
        self.expect(self.send("backup.test"), "K", "2.0.0", "primary.backup.test[127.0.0.51]")
        self.assertEqual(len(primary.sessions), 1)

    def test_ipv6_first(self):
        v4 = self.peer("127.0.0.60")
        v6 = self.peer("fd00::60")
        self.expect(self.send("six.test"), "K", "2.0.0", "mx.six.test[fd00::60]")
        self.assertEqual((len(v6.sessions), len(v4.sessions)), (1, 0))

    def test_ipv4_when_ipv6_fails(self):
        v4 = self.peer("127.0.0.61")
        self.expect(self.send("sixdown.test"), "K", "2.0.0", "mx.sixdown.test[127.0.0.61]")
        self.assertEqual(len(v4.sessions), 1)

    def test_equal_preferences_are_shuffled(self):
        a = AioPeer("127.0.0.62").start()
        b = AioPeer("127.0.0.63").start()
        try:
            for _ in range(16):
                self.expect(self.send("equal.test"), "K", "2.0.0")
            self.assertEqual(len(a.messages) + len(b.messages), 16)
            self.assertGreater(len(a.messages), 0)
            self.assertGreater(len(b.messages), 0)
        finally:
            a.stop()
            b.stop()

    def test_dns_server_that_does_not_answer_is_temporary(self):
        self.home.set("timeoutdns", "2")
        silent = SilentDns("127.0.0.54")
        try:
            r = self.send("implicit.test", dns="127.0.0.54")
        finally:
            silent.stop()
        res = self.expect(r, "Z", "4.4.3", "-")
        self.assertIn("timed out", res.text)
        self.assertGreater(silent.questions, 0)
        self.assertGreaterEqual(r.elapsed, 1.5)
        self.assertLess(r.elapsed, 8)

    def test_no_dns_server_at_all_is_temporary(self):
        self.home.set("timeoutdns", "5")
        self.expect(self.send("implicit.test", dns="127.0.0.55"), "Z", "4.4.3", "-")

    def test_smtproutes(self):
        self.home.set("smtproutes", "routed.test:relay.test:2526\n"
                      ".routed.test:[127.0.0.65]\n"
                      "direct.routed.test:\n"
                      "#comment.test:nowhere\n")
        relay = self.peer("127.0.0.64", 2526)
        sub = self.peer("127.0.0.65")
        direct = self.peer("127.0.0.68")
        self.expect(self.send("routed.test"), "K", "2.0.0", "relay.test[127.0.0.64]")
        self.expect(self.send("deep.sub.routed.test"), "K", "2.0.0", "[127.0.0.65]")
        self.expect(self.send("direct.routed.test"), "K", "2.0.0", "mx.direct.routed.test[127.0.0.68]")
        self.assertEqual([len(p.sessions) for p in (relay, sub, direct)], [1, 1, 1])

    def test_smtproutes_default_and_malformed(self):
        self.home.set("smtproutes", ":[127.0.0.66]:2527\nbroken.test:relay:port\n")
        p = self.peer("127.0.0.66", 2527)
        self.expect(self.send("implicit.test"), "K", "2.0.0", "[127.0.0.66]")
        res = self.expect(self.send("broken.test"), "Z", "4.3.5", "-")
        self.assertIn("broken.test:relay:port", res.text)
        self.assertEqual(len(p.sessions), 1)

    def test_address_literals(self):
        v4 = self.peer("198.18.0.67")
        v6 = self.peer("fd00::67")
        self.expect(self.send("[198.18.0.67]"), "K", "2.0.0", "[198.18.0.67]")
        self.expect(self.send("[IPv6:fd00::67]"), "K", "2.0.0", "[fd00::67]")
        self.assertEqual(v4.sessions[0].commands[2], b"RCPT TO:<rcpt@[198.18.0.67]>\r\n")
        self.assertEqual(len(v6.sessions), 1)
        self.expect(self.send("[127.0.0.1]"), "D", "5.4.6")
        # all of loopback is this host, an interface address or not
        lo = self.peer("127.0.0.67")
        self.expect(self.send("[127.0.0.67]"), "D", "5.4.6")
        self.assertEqual(lo.sessions, [])
        self.expect(self.send("[999.1.1.1]"), "D", "5.1.2")


if __name__ == "__main__":
    unittest.main()
