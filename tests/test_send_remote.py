"""posta-send with the real posta-rspawn and posta-remote, DNS from dnsmasq
on loopback (DNSCACHEIP), peers on loopback addresses: a remote recipient
reaches a foreign SMTP server; a destination that is down is deferred, not
bounced, retried on schedule, and 200 messages for it cost about one
connection per retry, not 200 per retry."""
import time
import unittest

from dnsfix import Dns
from posta import wait_for
from sendtools import bounces, inject, log_events, need_real_remote, send_instance

try:
    from smtppeer import AioPeer, DownPeer
    _why = None
except ImportError as e:   # python3-aiosmtpd missing: make deps installs it
    AioPeer = DownPeer = None
    _why = str(e)


class SendRemoteTest(unittest.TestCase):
    N = 200
    RETRY = 2

    @classmethod
    def setUpClass(cls):
        need_real_remote(_why)
        cls.dns = Dns().mx("up.test", 10, "mx.up.test").host("mx.up.test", "127.0.0.21")
        cls.dns.mx("dead.test", 10, "mx.dead.test").host("mx.dead.test", "127.0.0.22")
        cls.dns.start()
        cls.up = AioPeer("127.0.0.21").start()
        cls.dead = DownPeer("127.0.0.22", reply=b"421 4.3.2 mx.dead.test is down for maintenance\r\n")
        cls.inst = send_instance(retry=[cls.RETRY], fake_rspawn=False)
        cls.inst.control("me", "posta.example")
        cls.inst.service_env("posta-send", DNSCACHEIP=cls.dns.addr)
        cls.inst.start(services=("posta-send",))

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()
        cls.up.stop()
        cls.dead.stop()
        cls.dns.stop()

    def test_remote_recipients_reach_the_peer_in_one_transaction(self):
        self.inst.sendmail("alice@up.test", "bob@Up.Test", sender="carol@posta.example",
                           message=b"Subject: remote\n\nto a foreign server\n")
        wait_for(lambda: self.up.messages, 10, what="the message at the peer")
        m = self.up.messages[-1]
        self.assertEqual(m["mail_from"], "carol@posta.example")
        self.assertEqual(sorted(m["rcpt_tos"]), ["alice@up.test", "bob@up.test"])
        self.assertTrue(m["content"].endswith(b"\r\n\r\nto a foreign server\r\n") or
                        m["content"].endswith(b"\n\nto a foreign server\n"), m["content"])
        ids = [m.group(1) for k, m in log_events(self.inst) if k == "info" and m.group(3) == "carol@posta.example"]
        self.assertEqual(len(ids), 1)
        wait_for(lambda: ("end", ids[0]) in [(k, m.group(1)) for k, m in log_events(self.inst) if k == "end"], 10,
                 what="the message to leave the queue")

    def test_down_destination_deferred_and_retried_per_destination(self):
        before = self.dead.connections
        t0 = time.monotonic()
        inject(self.inst, lambda i: ["user%d@dead.test" % i], self.N, threads=4)
        # several retries' worth of time
        wait_for(lambda: self.dead.connections > before, 15, what="a first connection")
        time.sleep(4 * self.RETRY + 1)
        elapsed = time.monotonic() - t0
        n = self.dead.connections - before
        retries = elapsed / self.RETRY
        # one round of at most concurrencydomain (10) connections, then one
        # per retry; per-message retries would make 200 per retry
        self.assertLessEqual(n, 10 + retries + 2)
        self.assertGreaterEqual(n, 2)
        # deferred, not bounced
        self.assertEqual(len(self.inst.queue_files("info")), self.N)
        self.assertEqual(self.inst.queue_files("bounce"), [])
        self.assertEqual(bounces(self.inst), {})
        results = [m for k, m in log_events(self.inst) if k == "result" and m.group(3).endswith("@dead.test")]
        self.assertTrue(results)
        self.assertEqual({m.group(2) for m in results}, {"deferral"})
        print("\n  %d messages to a dead destination, %.0f s with retries every %d s: %d connections"
              % (self.N, elapsed, self.RETRY, n))


if __name__ == "__main__":
    unittest.main()
