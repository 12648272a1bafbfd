"""Load: 200 concurrent connections, each sending 10 messages in one
session, all at the same time. Every message is queued exactly once, whole,
with its own envelope. Against the sanitizer build, 3 messages each: the
same 200 sessions at once, the same code, a third of the CPU (the 2000
messages took 60 to 85 s there, the longest module but one of make
check)."""
import threading
import time
import unittest

from smtpd_harness import RELAY, RELAYLESS, Smtpd, configure

CONNECTIONS = 200
MESSAGES = 10
ASAN_MESSAGES = 3


class LoadTest(unittest.TestCase):
    def setUp(self):
        self.srv = Smtpd(concurrency=CONNECTIONS + 10)
        self.addCleanup(self.srv.cleanup)
        configure(self.srv.inst)
        # 100 clients share 127.0.0.2: the per-address limit is
        # test_smtpd_pool.py's business, not this test's
        self.srv.inst.control("concurrencyperip", "0")
        self.srv.start()
        self.messages = ASAN_MESSAGES if self.srv.asan() else MESSAGES

    def test_200_connections_10_messages_each(self):
        start = threading.Barrier(CONNECTIONS)
        errors = []

        def client(n):
            try:
                with self.srv.client(RELAYLESS if n % 2 else RELAY, timeout=300) as c:
                    c.ehlo("load%d.test" % n)
                    start.wait(120)
                    for m in range(self.messages):
                        body = b"Subject: %d.%d\r\nMessage-ID: <%d.%d@load.test>\r\n\r\n%s\r\n" % (
                            n, m, n, m, b"line %d.%d\r\n" % (n, m) * 50)
                        rcpt = "alice@posta.test" if m % 2 else "bob@posta.test"
                        refused = c.sendmail("c%d@far.test" % n, [rcpt], body)
                        if refused:
                            errors.append((n, m, refused))
            except Exception as e:
                errors.append((n, repr(e)))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CONNECTIONS)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        elapsed = time.monotonic() - t0
        self.assertEqual(errors, [])
        q = self.srv.queued()
        self.assertEqual(len(q), CONNECTIONS * self.messages)
        seen = {}
        for msg in q:
            sender = msg.sender.decode()
            n = int(sender[1:sender.index("@")])
            ids = [l for l in msg.body.split(b"\n") if l.startswith(b"Message-ID:")]
            self.assertEqual(len(ids), 1)
            key = ids[0]
            self.assertNotIn(key, seen, "queued twice")
            seen[key] = msg
            nn, m = map(int, key[len(b"Message-ID: <"):-len(b"@load.test>")].split(b"."))
            self.assertEqual(nn, n)
            self.assertEqual(msg.rcpts, [b"alice@posta.test" if m % 2 else b"bob@posta.test"])
            self.assertTrue(msg.body.endswith(b"line %d.%d\n" % (n, m) * 50 + b"\n"))
        self.assertEqual(len(seen), CONNECTIONS * self.messages)
        print("\n%d messages over %d connections in %.1f s" % (len(q), CONNECTIONS, elapsed))


if __name__ == "__main__":
    unittest.main()
