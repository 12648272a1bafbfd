"""Integration tests of the benchmark's instrument (bench/lib): that what
make bench prints is measured right.

A known server stands in for posta and Postfix: tests/lib/benchsink.py,
which fsyncs exactly once per delivery and can be told to lose or duplicate
given messages, run in a cgroup as bench/bench runs a server; the load comes
from tests/lib/fake-smtp-source (smtp-source's options and numbering), or
from the real smtp-source when Postfix's package is installed. Checked: the
recipients reach exactly mailboxes 1..B, arrivals are counted by inotify
(links and renames, not dot files), CPU time of exited processes is
counted, a lost message and a duplicated one are reported, and perf counts
exactly one fsync per message. The cgroup and perf tests need root and
cgroup v2 (perf: Debian's linux-perf), and say so when they skip.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "bench", "lib"))
sys.path.insert(0, os.path.join(HERE, "lib"))

import cgroup  # noqa: E402  (bench/lib)
import load  # noqa: E402
import maildirs  # noqa: E402
import perfcount  # noqa: E402
import report  # noqa: E402
import runs  # noqa: E402
from posta import free_port, wait_for  # noqa: E402

FAKE_SOURCE = os.path.join(HERE, "lib", "fake-smtp-source")
SINK = os.path.join(HERE, "lib", "benchsink.py")
CGROUP2 = os.geteuid() == 0 and cgroup.cgroup2_root() is not None


def make_boxes(root, n):
    out = []
    for k in range(1, n + 1):
        d = os.path.join(root, "%du" % k)
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(d, sub))
        out.append(d)
    return out


class Cfg:
    def __init__(self, boxes, source=FAKE_SOURCE, perf_ok=False):
        self.boxes = boxes
        self.domain = "bench.test"
        self.source = source
        self.perf_ok = perf_ok


class SinkServer:
    """benchsink.py in its own cgroup, with the interface runs.py uses."""
    name = "sink"

    def __init__(self, root, nboxes, group, drop=(), dup=()):
        self.ip, self.port = "127.0.0.1", free_port()
        self.maildirs = make_boxes(root, nboxes)
        self.group = group
        cmd = [sys.executable, SINK, str(self.port), root, "--drop", ",".join(map(str, drop)),
               "--dup", ",".join(map(str, dup))]
        self.proc = subprocess.Popen(group.wrap(cmd), stdout=subprocess.PIPE)
        if hasattr(group, "set_root"):
            group.set_root(self.proc.pid)
        assert self.proc.stdout.readline().strip() == b"ready"

    def queue_size(self):
        return 0

    def wait_queue_empty(self, timeout=0):
        return True

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.group.remove()


class TestReport(unittest.TestCase):
    def test_median_percentile_ratio(self):
        xs = list(range(1, 101))
        self.assertEqual(report.median([3, None, 1, 2]), 2)
        self.assertEqual(report.percentile(xs, 99), 99)
        self.assertEqual(report.percentile(xs, 50), 50)
        self.assertEqual(report.percentile([7.0], 99), 7.0)
        self.assertIsNone(report.median([None]))
        self.assertEqual(report.ratio(1.0, 4.0), "0.25")
        self.assertEqual(report.ratio(None, 4.0), "-")
        self.assertEqual(report.ratio(1.0, 0), "-")
        self.assertEqual(report.fmt(None), "n/a")


class TestArrivals(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="posta-bench-test-")
        self.boxes = make_boxes(self.dir, 3)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def put(self, box, name, how):
        tmp = os.path.join(box, "tmp", name)
        with open(tmp, "w") as f:
            f.write("x\n")
        if how == "link":
            os.link(tmp, os.path.join(box, "new", name))
            os.unlink(tmp)
        else:
            os.rename(tmp, os.path.join(box, "new", name))

    def test_links_and_renames_count_dot_files_do_not(self):
        with maildirs.Arrivals(self.boxes) as arr:
            t0 = time.monotonic()
            self.put(self.boxes[0], "a", "link")
            self.put(self.boxes[1], "b", "rename")
            self.put(self.boxes[2], ".hidden", "rename")
            self.put(self.boxes[2], "c", "link")
            t = arr.wait(3, timeout=5)
            self.assertIsNotNone(t)
            self.assertGreaterEqual(t, t0)
            self.assertIsNone(arr.wait(4, timeout=0.5))
            self.assertEqual(arr.count(), 3)
        self.assertEqual(maildirs.count_files(self.boxes), 3)
        self.assertTrue(os.path.exists(os.path.join(self.boxes[2], "new", ".hidden")))
        maildirs.empty(self.boxes)
        self.assertEqual([os.listdir(os.path.join(b, sub)) for b in self.boxes for sub in ("new", "tmp")], [[]] * 6)


@unittest.skipUnless(CGROUP2, "needs root and cgroup v2")
class TestGroup(unittest.TestCase):
    def test_cpu_of_dead_children_and_kill(self):
        g = cgroup.make_group("test-cpu")
        try:
            busy = "import time\nt=time.process_time()\nwhile time.process_time()-t<0.3: pass\n"
            c0 = g.cpu_usec()
            subprocess.run(g.wrap(["sh", "-c", 'python3 -c "$0" & wait', busy]), check=True)
            self.assertGreaterEqual(g.cpu_usec() - c0, 280000)
            self.assertEqual(g.pids(), [])
            p = subprocess.Popen(g.wrap(["sleep", "60"]))
            wait_for(lambda: g.pids() == [p.pid], 10, what="sleep in the group")
            s = cgroup.PssSampler(g)
            self.assertGreater(s.sample(), 0)
            self.assertTrue(g.kill())
            p.wait()
            self.assertEqual(g.pids(), [])
        finally:
            g.remove()
            cgroup.remove_parent()
        self.assertFalse(os.path.exists(g.path))


@unittest.skipUnless(CGROUP2, "needs root and cgroup v2")
class TestMeasuredRun(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="posta-bench-test-")
        os.chmod(self.dir, 0o755)
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        cgroup.remove_parent()
        shutil.rmtree(self.dir)

    def sink(self, nboxes, **kw):
        s = SinkServer(os.path.join(self.dir, "s%d" % len(self.servers)), nboxes,
                       cgroup.make_group("sink%d" % len(self.servers)), **kw)
        self.servers.append(s)
        return s

    def per_box(self, s):
        return [len(os.listdir(os.path.join(m, "new"))) for m in s.maildirs]

    def test_every_mailbox_once_per_round_and_figures(self):
        s = self.sink(10)
        perf_ok = perfcount.available(s.group) == ""
        r = runs.measured_run(s, 25, 4, 2048, Cfg(10, perf_ok=perf_ok))
        self.assertNotIn("error", r)
        self.assertEqual(r["dups"], 0)
        self.assertEqual(self.per_box(s), [3] * 5 + [2] * 5)
        self.assertGreater(r["accept"], 0)
        self.assertGreater(r["e2e"], 0)
        self.assertGreater(r["cpu_ms"], 0)
        self.assertGreater(r["pss_mib"], 1)
        if perf_ok:
            self.assertEqual(r["fsync"], 1.0)
            self.assertGreater(r["syscalls"], 10)

    def test_lost_message_is_reported(self):
        s = self.sink(10, drop=(5,))
        t0 = time.monotonic()
        r = runs.measured_run(s, 10, 2, 2048, Cfg(10))
        self.assertIn("lost", r.get("error", ""))
        self.assertIn("only 9 of 10", r["error"])
        self.assertLess(time.monotonic() - t0, 30)

    def test_duplicate_is_reported(self):
        s = self.sink(10, dup=(4,))
        r = runs.measured_run(s, 10, 2, 2048, Cfg(10))
        self.assertNotIn("error", r)
        self.assertEqual(r["dups"], 1)

    def test_refused_recipient_fails_the_run(self):
        s = self.sink(5)
        r = runs.measured_run(s, 6, 1, 2048, Cfg(6))
        self.assertIn("exited", r.get("error", ""))

    @unittest.skipUnless(load.have_smtp_source(), "smtp-source (Debian package postfix) is not installed")
    def test_real_smtp_source_numbers_as_the_bench_assumes(self):
        s = self.sink(7)
        r = runs.measured_run(s, 16, 3, 500, Cfg(7, source="smtp-source"))
        self.assertNotIn("error", r)
        self.assertEqual(self.per_box(s), [3, 3] + [2] * 5)


if __name__ == "__main__":
    unittest.main()
