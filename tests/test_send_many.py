"""posta-send under load, with the real posta-lspawn and posta-local:
2000 virtual mailboxes get one message each, every one delivered, none
twice; and posta-send killed with SIGKILL in the middle of 500 deliveries
loses nothing when s6 restarts it: the only duplicates are deliveries that
were in flight at the kill, and the test counts them."""
import os
import re
import signal
import time
import unittest

from posta import maildir_files, wait_for
from sendtools import inject, log_lines, queue_empty, send_instance, send_pid


def subjects(box):
    """The Subject of every message in a Maildir."""
    out = []
    for f in maildir_files(box):
        with open(f, "rb") as fh:
            m = re.search(rb"^Subject: (.*)$", fh.read(), re.M)
            out.append(m.group(1).decode() if m else None)
    return out


class ManyMailboxesTest(unittest.TestCase):
    N = 2000

    def test_2000_mailboxes_one_message_each(self):
        inst = send_instance()
        try:
            t0 = time.monotonic()
            boxes = inst.add_mailboxes("u%d@d%d.example" % (i, i % 10) for i in range(self.N))
            t_boxes = time.monotonic() - t0
            # queued through posta-injectd, as SMTP's messages are: the
            # load is posta-send's, not 2000 sendmail and posta-queue runs
            inst.start(services=("posta-send", "posta-injectd"))
            t0 = time.monotonic()
            inject(inst, lambda i: ["u%d@d%d.example" % (i, i % 10)], self.N, threads=4,
                   message_of=lambda i: b"Subject: m%d\n\nbody %d\n" % (i, i), via="injectd")
            t1 = time.monotonic()
            wait_for(lambda: queue_empty(inst), 120, interval=0.2, what="every message delivered")
            t2 = time.monotonic()
            for i, box in enumerate(boxes):
                self.assertEqual(subjects(box), ["m%d" % i], box)
            print("\n  %d mailboxes imported in %.1f s; %d messages injected in %.1f s, all delivered %.1f s "
                  "after the first" % (self.N, t_boxes, self.N, t1 - t0, t2 - t0))
        finally:
            inst.cleanup()


class KillTest(unittest.TestCase):
    N = 500

    def test_sigkill_in_the_middle_loses_nothing(self):
        # 500 messages to 50 mailboxes, ten deliveries at a time: the kill
        # falls, once a third are delivered, with deliveries in flight
        inst = send_instance(concurrencylocal="10")
        try:
            boxes = inst.add_mailboxes("k%d@kill.example" % i for i in range(50))
            inst.start(services=("posta-send",))
            inject(inst, lambda i: ["k%d@kill.example" % (i % 50)], self.N, threads=4,
                   message_of=lambda i: b"Subject: s%d\n\nbody %d\n" % (i, i))
            wait_for(lambda: sum(len(maildir_files(b)) for b in boxes) >= self.N // 3, 60,
                     interval=0.005, what="a third of the deliveries")
            pid = send_pid(inst)
            os.kill(pid, signal.SIGKILL)
            killed_at = len(log_lines(inst))
            wait_for(lambda: send_pid(inst) not in (None, pid), 20, what="s6 restarting posta-send")
            wait_for(lambda: queue_empty(inst), 120, interval=0.2, what="every message delivered")
            lines = log_lines(inst)[:killed_at]
            started = {m.group(1) for m in (re.match(r"^starting delivery (\d+): ", l) for l in lines) if m}
            ended = {m.group(1) for m in (re.match(r"^delivery (\d+): ", l) for l in lines) if m}
            in_flight = len(started - ended)
            counts = {}
            for b in boxes:
                for s in subjects(b):
                    counts[s] = counts.get(s, 0) + 1
            missing = [i for i in range(self.N) if "s%d" % i not in counts]
            self.assertEqual(missing, [])
            duplicates = sum(c - 1 for c in counts.values())
            self.assertLessEqual(duplicates, in_flight)
            self.assertLessEqual(in_flight, 10)
            print("\n  killed with %d deliveries in flight: %d duplicate(s), none lost" % (in_flight, duplicates))
        finally:
            inst.cleanup()


if __name__ == "__main__":
    unittest.main()
