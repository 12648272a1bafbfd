"""posta-bounce exits 100 (the record is unusable) on a running instance:
posta-send logs it once, sets the record aside as queue/bounce/N/ID.bad
where the operator finds it, never runs posta-bounce on it again, and the
message leaves the queue."""
import os
import time
import unittest

from posta import SPLIT, FreshInstanceCase, wait_for
from sendtools import log_events, queue_empty

# posta-bounce damages the record it is given, once, then runs the real one,
# which refuses it (exit 100)
WRAPPER = """#!/bin/sh
id=$1; n=$((id %% %(split)d))
[ -f %(spool)s/damaged ] || { printf 'posta bounce 1\\ngarbage' > queue/bounce/$n/$id; : > %(spool)s/damaged; }
exec bin/posta-bounce.real "$@"
"""


class SetAsideTest(FreshInstanceCase):
    def setUp(self):
        super().setUp()
        self.inst.control("retryschedule", ["1"])
        self.alice = self.inst.add_mailbox("alice@example.com")
        spool = self.inst.path("spool")
        os.makedirs(spool)
        os.chmod(spool, 0o777)
        os.rename(self.inst.bin("posta-bounce"), self.inst.bin("posta-bounce.real"))
        with open(self.inst.bin("posta-bounce"), "w") as f:
            f.write(WRAPPER % {"spool": spool, "split": SPLIT})
        os.chmod(self.inst.bin("posta-bounce"), 0o755)

    def test_unusable_record_set_aside(self):
        self.inst.start(services=("posta-send",))
        self.inst.sendmail("nosuch@example.com", sender="alice@example.com")
        wait_for(lambda: any(k == "bounce" and "set aside" in m.group(2) for k, m in log_events(self.inst)), 15,
                 what="the record set aside")
        wait_for(lambda: queue_empty(self.inst), 10, what="an empty queue")
        time.sleep(2)   # retries would come within a second
        events = log_events(self.inst)
        self.assertEqual([line for kind, line in events if kind is None], [])
        mid = [m.group(1) for k, m in events if k == "info" and m.group(3) == "alice@example.com"][0]
        runs = [m.group(2) for k, m in events if k == "bounce" and m.group(1) == mid]
        path = self.inst.qpath("bounce", int(mid)) + ".bad"
        rel = os.path.relpath(path, self.inst.home)
        self.assertEqual(len(runs), 2, runs)
        self.assertTrue(runs[0].startswith("qp "))
        self.assertEqual(runs[1], "set aside: posta-bounce exited 100, the record is now " + rel)
        fatal = [m.group(0) for k, m in events if k == "bounce_note"]
        self.assertEqual(len(fatal), 1)
        self.assertIn("not a bounce record of version 1", fatal[0])
        # the record, as it was, for the operator; nothing else is left
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"posta bounce 1\ngarbage")
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        self.assertTrue(any(k == "end" and m.group(1) == mid for k, m in events))
        self.assertEqual(os.listdir(os.path.join(self.alice, "new")), [])


if __name__ == "__main__":
    unittest.main()
