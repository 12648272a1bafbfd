"""Load: 1000 SMTP connections held open (control/concurrencyincoming
raised for the test) while 20 other clients send mail. Mail keeps flowing,
every message is delivered once, the held connections still answer at the
end, and memory stays bounded: the sum of the RSS of every process of the
instance stays under a per-connection bound the test asserts. Against the
sanitizer build (each process several times larger) it holds 200."""
import os
import resource
import socket
import threading
import time
import unittest

from hardkit import RELAY, RELAYLESS, World, deliver_one, instance_pids, rss_kb
from posta import BUILD, maildir_files, wait_for

SANITIZED = "asan" in os.path.basename(BUILD.rstrip("/"))
HELD = 200 if SANITIZED else 1000
SENDERS = 20
PER_SENDER = 10
# kB of RSS allowed per held session, plus the fixed part (posta-send and
# its helpers, tcpserver, s6, loggers)
PER_SESSION_KB = 12000 if SANITIZED else 2000
FIXED_KB = 200000


class LoadTest(unittest.TestCase):
    def test_held_connections_and_flow(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * HELD)), hard))
        w = World(dns=False, catch=False, concurrencyincoming=str(HELD + SENDERS + 20), timeoutsmtpd="300",
                  concurrencyperip="0")   # every held client comes from one address
        self.addCleanup(w.cleanup)
        w.start()
        held = []
        self.addCleanup(lambda: [s.close() for s in held])
        t0 = time.monotonic()
        for i in range(HELD):
            s = socket.create_connection((w.inst.ip, w.inst.smtp_port), 30, source_address=(RELAYLESS, 0))
            held.append(s)
        # every held session has greeted: they are real, running sessions
        for s in held:
            self.assertTrue(s.recv(512).startswith(b"220 "))
        for s in held[::10]:
            s.sendall(b"EHLO held.test\r\n")
        for s in held[::10]:
            self.assertIn(b"250", s.recv(4096))
        t_held = time.monotonic() - t0
        pids = instance_pids(w.inst)
        rss_held = rss_kb(pids)

        errors = []
        peak = [rss_held]

        def sender(k):
            for i in range(PER_SENDER):
                rcpt = b"<alice@posta.test>" if (k + i) % 2 else b"<bob@posta.test>"
                try:
                    m, r, d = deliver_one(w, rcpt, b"Subject: load %d-%d\r\n\r\nload %d-%d\r\n.\r\n" % (k, i, k, i),
                                          source=RELAY)
                    if not d.startswith(b"250"):
                        errors.append(d)
                except Exception as e:  # noqa: a failure of any kind is counted
                    errors.append(repr(e))

        def sampler(stop):
            while not stop.is_set():
                peak[0] = max(peak[0], rss_kb(instance_pids(w.inst)))
                time.sleep(0.5)

        stop = threading.Event()
        smp = threading.Thread(target=sampler, args=(stop,))
        smp.start()
        t1 = time.monotonic()
        threads = [threading.Thread(target=sender, args=(k,)) for k in range(SENDERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        t_send = time.monotonic() - t1
        total = SENDERS * PER_SENDER
        wait_for(lambda: len(maildir_files(w.alice)) + len(maildir_files(w.bob)) >= total, 120,
                 what="%d messages delivered" % total)
        t_all = time.monotonic() - t1
        stop.set()
        smp.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(maildir_files(w.alice)) + len(maildir_files(w.bob)), total)
        # the held sessions still answer
        for s in held[::50]:
            s.sendall(b"NOOP\r\n")
            self.assertTrue(s.recv(512).startswith(b"250"))
        bound = FIXED_KB + PER_SESSION_KB * HELD
        print("\nload: %d held sessions (%d processes) in %.1f s, RSS %d MB held, peak %d MB (bound %d MB); "
              "%d messages from %d clients accepted in %.1f s (%.0f/s), all delivered in %.1f s"
              % (HELD, len(pids), t_held, rss_held // 1024, peak[0] // 1024, bound // 1024, total, SENDERS,
                 t_send, total / t_send, t_all))
        self.assertLess(peak[0], bound)
        # and while mail flows it grows by the senders' own processes (a
        # session, an injector, a delivery each), not with the mail
        self.assertLess(peak[0] - rss_held, 3 * SENDERS * PER_SESSION_KB + 50 * 1024)


if __name__ == "__main__":
    unittest.main()
