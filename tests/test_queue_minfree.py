"""control/queueminfree holds when many posta-queue run at once.

posta-queue measured the free space once, at its start: 24 local users
injecting at the same moment each saw the whole room and together left the
queue's file system with much less than the reserve. Now every run measures
again once its message and record are written (and every MiB while it
writes): the runs that would eat into the reserve give up with 53 and leave
no file behind, the others are committed, and the reserve is free at the
end.

The queue is moved onto a tmpfs in a private mount namespace (root only):
16 MiB, queueminfree 8 MiB, 24 messages of 512 KiB (they fit on the disk
all together, no ENOSPC, but only about 15 above the reserve); and 24 MiB,
12 MiB, 5 messages of 3 MiB (measured again while they are written)."""
import json
import os
import subprocess
import sys
import unittest

from posta import IS_ROOT, TMPFS_OVER, FreshInstanceCase

# Runs in the namespace: starts N posta-queue as nobody, lets every one of
# them measure the free space and wait on its input, then feeds them all;
# prints the exit codes, the free space and the queue's files as JSON.
DRIVER = r'''
import json, os, subprocess, sys, time
q, prog, n, body = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
procs = []
for i in range(n):
    r, w = os.pipe()
    p = subprocess.Popen(["s6-setuidgid", "nobody", prog], stdin=subprocess.PIPE, stdout=r,
                         stderr=subprocess.PIPE, cwd="/")
    os.close(r)
    procs.append((p, w))
time.sleep(1.0)          # each has done its statvfs and reads its message
msg = b"Subject: m\n\n" + (b"x" * 99 + b"\n") * (body // 100)
def feed(f, data):
    try:
        f(data)
    except BrokenPipeError:      # it gave up while reading (53)
        pass
for p, w in procs:
    feed(p.stdin.write, msg)
for p, w in procs:
    feed(lambda _: p.stdin.close(), None)
for i, (p, w) in enumerate(procs):
    feed(lambda d: os.write(w, d), b"Fnobody@posta.test\0Tr%d@posta.test\0\0" % i)
    os.close(w)
codes, errs = [], []
for p, w in procs:
    errs.append(p.stderr.read().decode(errors="replace"))
    codes.append(p.wait(60))
sv = os.statvfs(q)
files = {k: sum(len(f) for _, _, f in os.walk(os.path.join(q, k))) for k in ("pid", "mess", "intd", "todo")}
print(json.dumps({"codes": codes, "errs": errs, "free": sv.f_bavail * sv.f_frsize, "files": files}))
'''


@unittest.skipUnless(IS_ROOT, "mounts a tmpfs in a private mount namespace")
class ConcurrentReserve(FreshInstanceCase):
    def run_all(self, size, n, body):
        script = TMPFS_OVER + 'set -e\ntmpfs_over "$1" "$2"\nshift 2\nexec "$@"\n'
        p = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
                            self.inst.path("queue"), size, sys.executable, "-c", DRIVER,
                            self.inst.path("queue"), self.inst.bin("posta-queue"), str(n), str(body)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace"))
        return json.loads(p.stdout)

    def check(self, size, minfree, n, body):
        self.inst.control("queueminfree", str(minfree))
        r = self.run_all(size, n, body)
        codes = r["codes"]
        ok = codes.count(0)
        refused = [e for c, e in zip(codes, r["errs"]) if c == 53]
        self.assertEqual(ok + len(refused), n, "exit codes %s: %s" % (codes, set(r["errs"])))
        # writers that overlap each count the others' data as used: under
        # load all of them may refuse (a temporary 53, retried), never more
        # than fits
        self.assertGreater(len(refused), 0, "every run queued: %d bytes free" % r["free"])
        for e in refused:
            self.assertIn("control/queueminfree", e)
        # the reserve is free at the end
        self.assertGreaterEqual(r["free"], minfree, "%d committed, %d bytes free" % (ok, r["free"]))
        # nothing half-written: one todo per message queued, no pid or intd
        self.assertEqual(r["files"], {"pid": 0, "intd": 0, "mess": ok, "todo": ok})

    def test_many_small(self):
        self.check("16m", 8 << 20, 24, 512 << 10)

    def test_few_big(self):
        self.check("24m", 12 << 20, 5, 3 << 20)


if __name__ == "__main__":
    unittest.main()
