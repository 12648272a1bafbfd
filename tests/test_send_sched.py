"""posta-send's scheduling, driven through fake spawners (tests/lib/
fakespawn.py) that answer what the test chooses and count what they get:
a dead destination costs one attempt per retry, not one per message; the
recipients of a message at one domain travel together; SIGHUP, SIGALRM and
SIGTERM do what posta-send(8) says; a large deferred queue delays neither
readiness nor new mail."""
import os
import signal
import time
import unittest

from posta import maildir_files, wait_for
from sendtools import (bounces, fabricate_deferred, inject, log_events, log_lines, queue_empty, requests,
                       rss_kb, send_instance, send_pid, wait_log)


def remote_requests(inst):
    return [r for r in requests(inst) if r[0] == "posta-rspawn"]


class DeadDestinationTest(unittest.TestCase):
    N = 200

    def test_200_messages_one_attempt_per_retry(self):
        inst = send_instance(retry=[2, 2], fake_rspawn=True)
        try:
            inst.start(services=("posta-send",))
            t0 = time.monotonic()
            inject(inst, lambda i: ["down%d@dead.example" % i], self.N, threads=4)
            # let several retries go by
            time.sleep(9)
            elapsed = time.monotonic() - t0
            reqs = [r for r in remote_requests(inst) if r[4][0].endswith("@dead.example")]
            retries = elapsed / 2
            # a first round of at most concurrencydomain (10), then one probe
            # per retry: about 10 + 5, against 200 x 5 for per-message retries
            self.assertLessEqual(len(reqs), 10 + retries + 2, reqs)
            self.assertGreaterEqual(len(reqs), 3)
            # deferred, never bounced
            self.assertEqual(bounces(inst), {})
            self.assertEqual(len(inst.queue_files("info")), self.N)
            self.assertFalse([m for k, m in log_events(inst) if k == "result" and m.group(2) != "deferral"])
            print("\n  %d messages to a dead domain, %.0f s: %d delivery attempts" % (self.N, elapsed, len(reqs)))
            # it comes back: at its next try the probe succeeds, and then
            # every waiting message goes, without waiting for its own retry
            open(os.path.join(inst.spool, "up"), "w").close()
            t1 = time.monotonic()
            wait_for(lambda: queue_empty(inst), 30, interval=0.1, what="every message delivered")
            self.assertLess(time.monotonic() - t1, 10)
            delivered = os.listdir(os.path.join(inst.spool, "deliveries"))
            self.assertEqual(len(delivered), self.N)
        finally:
            inst.cleanup()

    def test_recipients_of_a_domain_travel_together(self):
        inst = send_instance(fake_rspawn=True)
        try:
            inst.start(services=("posta-send",))
            rcpts = ["u%d@big.example" % i for i in range(150)] + ["a@one.example", "b@One.Example"]
            inst.sendmail(*rcpts)
            wait_for(lambda: queue_empty(inst), 10, what="delivery")
            reqs = remote_requests(inst)
            sizes = sorted(len(r[4]) for r in reqs)
            self.assertEqual(sizes, [2, 50, 100])
            got = sorted(a for r in reqs for a in r[4])
            self.assertEqual(got, sorted(rcpts[:150] + ["a@one.example", "b@one.example"]))
            delivered = os.listdir(os.path.join(inst.spool, "deliveries"))
            self.assertEqual(len(delivered), 152)
        finally:
            inst.cleanup()


class SignalsTest(unittest.TestCase):
    def test_hup_alrm_term(self):
        inst = send_instance(retry=[3600], fake_rspawn=True, fake_lspawn=True, concurrencyremote="5")
        inst.service_env("posta-send", FAKESPAWN_DELAY="0.5")
        try:
            inst.start(services=("posta-send",))
            # HUP: concurrencyremote 1, never more than one in flight; 9 is
            # above the value at start, which the spawners' slots are sized by
            inst.control("concurrencyremote", "1")
            inst.svc("posta-send", "-h")
            wait_log(inst, r"^posta-send: info: control files read again$")
            inject(inst, lambda i: ["r%d@d%d.example" % (i, i)], 6, threads=1)
            wait_for(lambda: queue_empty(inst), 15, what="delivery")
            with open(os.path.join(inst.spool, "posta-rspawn.maxinflight")) as f:
                self.assertEqual(int(f.read()), 1)
            self.assertTrue(any(l.endswith("remote 1/1") for l in log_lines(inst) if l.startswith("status: ")))
            inst.control("concurrencyremote", "9")
            inst.svc("posta-send", "-h")
            wait_log(inst, r"^posta-send: info: control/concurrencyremote above its value at start takes effect"
                           r" at the next restart$")
            wait_log(inst, r"^posta-send: info: control files read again$", count=2)
            # a deferral an hour away: SIGALRM tries it now
            inst.sendmail("defer@later.example")
            wait_log(inst, r"^delivery \d+: msg \d+: deferral: <defer@later\.example> ")
            n = len(remote_requests(inst))
            self.assertTrue(any(l.endswith("remote 1/5") for l in log_lines(inst) if l.startswith("status: ")))
            inst.svc("posta-send", "-a")
            wait_for(lambda: len(remote_requests(inst)) > n, 10, what="the retry after SIGALRM")
            # SIGTERM with a delivery in flight: its result is recorded, exit 0
            inst.sendmail("late@here.example" if False else "late@slow.example")
            wait_log(inst, r"^starting delivery \d+: msg \d+ to remote <late@slow\.example>$")
            inst.svc("posta-send", "-d")
            wait_log(inst, r"^posta-send: info: stopped$")
            lines = log_lines(inst)
            self.assertTrue(any(l.startswith("delivery ") and "<late@slow.example>" in l for l in lines))
            st = wait_for(lambda: inst.svstat("posta-send").startswith("down") and inst.svstat("posta-send"), 10,
                          what="posta-send down")
            self.assertIn("exitcode 0", st)
        finally:
            inst.cleanup()


class LargeQueueTest(unittest.TestCase):
    N = 20000

    def test_deferred_queue_does_not_delay_new_mail(self):
        inst = send_instance(fake_rspawn=True)
        try:
            box = inst.add_mailbox("fresh@example.com")
            t0 = time.monotonic()
            fabricate_deferred(inst, self.N, lambda i: "x%d@gone%d.example" % (i, i % 100), int(time.time()) + 3600)
            t_fab = time.monotonic() - t0
            t0 = time.monotonic()
            inst.start(services=("posta-send",))
            t_ready = time.monotonic() - t0
            # new mail while the whole queue is being looked at
            t1 = time.monotonic()
            inst.sendmail("fresh@example.com")
            wait_for(lambda: maildir_files(box), 5, interval=0.005, what="the new message")
            latency = time.monotonic() - t1
            self.assertLess(latency, 1.0)
            self.assertLess(t_ready, 5.0)
            # every deferred one stays, none tried before its time
            time.sleep(2)
            self.assertEqual(remote_requests(inst), [])
            self.assertEqual(len(inst.queue_files("info")), self.N)
            rss = rss_kb(send_pid(inst))
            print("\n  %d deferred messages (written in %.1f s): ready in %.2f s, new mail delivered in %.0f ms,"
                  " posta-send RSS %d KiB" % (self.N, t_fab, t_ready, latency * 1000, rss))
        finally:
            inst.cleanup()


if __name__ == "__main__":
    unittest.main()
