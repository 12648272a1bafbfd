"""The virtual-mailbox workers under posta-send, as an operator runs them:
a worker killed with a delivery in flight makes it a temporary failure,
posta-send retries it on schedule, a fresh worker delivers it, once; and
messages to a virtual mailbox reach it with posta-lspawn starting no
process."""
import os
import signal
import time
import unittest

from posta import IS_ROOT, maildir_files, wait_for
from opstools import instance_processes
from sendtools import log_lines, queue_empty, send_instance

BODY = b"From: Bob <bob@example.net>\nTo: alice@example.com\nSubject: killed\n\nbody\n"


def worker_pids(inst):
    return sorted(p for p, c in instance_processes(inst.home) if c == "posta-vworker")


@unittest.skipUnless(IS_ROOT, "the workers run as posta-v under root's posta-lspawn")
class VWorkerSendTest(unittest.TestCase):
    def setUp(self):
        self.inst = send_instance(retry=[1], concurrencylocal="1")
        self.addCleanup(self.inst.cleanup)
        self.box = self.inst.add_mailbox("alice@example.com")
        self.inst.start(services=("posta-send",))

    def test_killed_worker_delivery_is_retried_once(self):
        [pid] = wait_for(lambda: len(worker_pids(self.inst)) == 1 and worker_pids(self.inst), 10, what="a worker")
        os.kill(pid, signal.SIGSTOP)   # it gets the delivery and cannot make it
        self.inst.sendmail("alice@example.com", message=BODY, sender="bob@example.net")
        time.sleep(1)
        self.assertEqual(maildir_files(self.box), [])
        os.kill(pid, signal.SIGKILL)
        files = self.inst.wait_mail(self.box, 1, timeout=20)
        self.assertEqual(len(files), 1)
        with open(files[0], "rb") as f:
            data = f.read()
        self.assertIn(b"Subject: killed\n", data)
        self.assertTrue(data.endswith(b"\n\nbody\n"), data)
        wait_for(lambda: queue_empty(self.inst), 10, what="an empty queue")
        self.assertEqual(len(maildir_files(self.box)), 1)
        log = "\n".join(log_lines(self.inst))
        self.assertIn("killed by signal 9", log)
        [fresh] = worker_pids(self.inst)
        self.assertNotEqual(fresh, pid)

    def test_deliveries_start_no_process(self):
        wait_for(lambda: len(worker_pids(self.inst)) == 1, 10, what="a worker")
        [lspawn] = [p for p, c in instance_processes(self.inst.home) if c == "posta-lspawn"]
        with open("/proc/%d/task/%d/children" % (lspawn, lspawn)) as f:
            before = f.read().split()
        for i in range(20):
            self.inst.sendmail("alice@example.com", message=BODY, sender="bob@example.net")
        self.inst.wait_mail(self.box, 20, timeout=30)
        with open("/proc/%d/task/%d/children" % (lspawn, lspawn)) as f:
            self.assertEqual(f.read().split(), before)
        # the same one worker made the 20 (test_local_vworker.py counts
        # posta-lspawn's forks with strace)
        self.assertEqual(worker_pids(self.inst), [int(p) for p in before])


if __name__ == "__main__":
    unittest.main()
