"""posta-queue under load: 1000 messages from 20 concurrent injectors all
land whole in the queue, each with its own id, its todo record whole and
matching its envelope, its message file byte for byte what was sent."""
import os
import re
import threading
import unittest

from posta import IS_ROOT, FreshInstanceCase
import qrecord
from qrecord import field, rcpts_of, todo_records
from qtools import envelope, inject, split_received

INJECTORS = 20
PER_INJECTOR = 50


def message(i):
    # sizes from a few hundred bytes to past posta-queue's 64 KiB chunk
    pad = (b"line %d of message %d\n" % (i, i)) * ((i * 37) % 200 + 1)
    if i % 97 == 0:
        pad += b"x" * 70000 + b"\n"
    return b"Subject: message %d\nMessage-ID: <%d@test>\n\n" % (i, i) + pad


def rcpts(i):
    return ["r%d-%d@example.org" % (i, k) for k in range(i % 5 + 1)]


class ConcurrentInjection(FreshInstanceCase):
    def test_1000_messages_20_injectors(self):
        users = [None, "nobody", "posta-d", "posta-s"] if IS_ROOT else [None]
        failures = []

        def worker(w):
            user = users[w % len(users)]
            for k in range(PER_INJECTOR):
                i = w * PER_INJECTOR + k
                rc, err = inject(self.inst, message(i), envelope("s%d@example.com" % i, rcpts(i)), user=user)
                if rc != 0:
                    failures.append((i, rc, err))

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(INJECTORS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])

        recs = todo_records(self.inst)             # every one parses whole
        self.assertEqual(len(recs), INJECTORS * PER_INJECTOR)
        self.assertEqual(sorted(recs), self.inst.queue_files("mess"))
        self.assertEqual(self.inst.queue_files("intd"), [])
        self.assertEqual(os.listdir(self.inst.path("queue", "pid")), [])
        seen = set()
        for mid, fields in recs.items():
            i = int(re.match(rb"s(\d+)@", field(fields, "F")).group(1))
            self.assertNotIn(i, seen)
            seen.add(i)
            self.assertEqual(rcpts_of(fields), rcpts(i))
            received, body = split_received(qrecord.read(self.inst, "mess", mid))
            self.assertEqual(body, message(i), "message %d (id %d)" % (i, mid))
            self.assertIn(b"(posta %s " % field(fields, "p"), received)
        self.assertEqual(len(seen), INJECTORS * PER_INJECTOR)


if __name__ == "__main__":
    unittest.main()
