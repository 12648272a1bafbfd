"""posta-queue killed (SIGKILL) at each of its system calls in turn, and
failing (EIO, ENOSPC) at each of its file-system calls in turn, through
strace's fault injection: whatever happens, a todo record is never there
without its whole message, every run that exited 0 left its message whole
in the queue, and every run that failed left no todo.

Under strace the setuid bit does not apply: posta-queue runs as root and
becomes the queue's owner itself, as it does whenever root runs it."""
import collections
import os
import re
import subprocess
import unittest

from posta import FreshInstanceCase, base_dir
import qrecord
from qrecord import field
from qtools import envelope, split_received

KILL_CALLS = ("openat", "newfstatat", "fstat", "stat", "statfs", "read", "write", "fsync", "close",
              "link", "unlink", "rename", "chdir", "lseek", "exit_group")
FAIL_CALLS = ("openat", "write", "fsync", "close", "link", "rename", "statfs", "newfstatat", "read")


def message(n):
    return b"Subject: run %d\n\n" % n + b"body of run %d\n" % n * (n % 7 * 900 + 1)


class KillAnywhere(FreshInstanceCase):
    def setUp(self):
        super().setUp()
        self.runs = 0
        self.ok = set()

    def inputs(self, n):
        d = os.path.join(base_dir(), "kill-%d" % os.getpid())
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "msg"), "wb") as f:
            f.write(message(n))
        with open(os.path.join(d, "env"), "wb") as f:
            f.write(envelope("run%d@example.com" % n, ["rcpt%d@example.org" % n]))
        return open(os.path.join(d, "msg"), "rb"), open(os.path.join(d, "env"), "rb")

    def strace(self, n, *opts):
        """One run of posta-queue under strace (no shell between: the
        injection counters count its calls alone), message n; returns the
        exit code (-9 when killed)."""
        msg, env = self.inputs(n)
        with msg, env:
            p = subprocess.run(["strace", "-f", "-qq"] + list(opts) + [self.inst.bin("posta-queue")],
                               stdin=msg, stdout=env, stderr=subprocess.PIPE, env=self.inst.env(), timeout=60)
        return p.returncode

    def calls(self):
        """How many times a clean run makes each system call."""
        t = os.path.join(base_dir(), "trace-%d" % os.getpid())
        self.assertEqual(self.strace(0, "-o", t), 0)
        counts = collections.Counter()
        for line in open(t):
            m = re.match(r"\d+\s+(\w+)\(", line)
            if m:
                counts[m.group(1)] += 1
        return counts

    def check_queue(self):
        """Every todo parses and has its whole message; returns the runs queued."""
        queued = set()
        for mid in self.inst.queue_files("todo"):
            fields = qrecord.load(self.inst, "todo", mid)
            n = int(re.match(rb"run(\d+)@", field(fields, "F")).group(1))
            _, body = split_received(qrecord.read(self.inst, "mess", mid))
            self.assertEqual(body, message(n), "todo %d: message of run %d is not whole" % (mid, n))
            self.assertEqual(field(fields, "T"), b"rcpt%d@example.org" % n)
            queued.add(n)
        return queued

    def run_all(self, names, counts, action):
        outcomes = collections.Counter()
        for name in names:
            for k in range(1, counts.get(name, 0) + 1):
                self.runs += 1
                n = self.runs
                rc = self.strace(n, "-o", "/dev/null", "-e", "inject=%s:%s:when=%d" % (name, action, k))
                queued = self.check_queue()
                if rc == 0:
                    self.assertIn(n, queued, "%s #%d: exit 0 but not queued" % (name, k))
                elif action.startswith("error"):
                    self.assertNotIn(n, queued, "%s #%d: exit %d but queued" % (name, k, rc))
                outcomes[rc] += 1
        return outcomes

    def test_killed_at_each_call(self):
        counts = self.calls()
        self.assertGreater(counts["fsync"], 3)      # message, intd, mess/N, todo/N
        out = self.run_all(KILL_CALLS, counts, "signal=KILL")
        self.assertEqual(sum(out.values()), sum(counts[c] for c in KILL_CALLS))
        # every run but the one killed at exit_group died without an exit code
        self.assertEqual(out[0], 0, out)

    def test_failing_at_each_call(self):
        counts = self.calls()
        for error in ("EIO", "ENOSPC"):
            out = self.run_all(FAIL_CALLS, counts, "error=%s" % error)
            self.assertIn(53, out)                   # write and fsync failures


if __name__ == "__main__":
    unittest.main()
