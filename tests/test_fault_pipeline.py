"""Fault injection for the whole pipeline: mail flows over SMTP through
posta-smtpd, posta-queue, posta-send, posta-clean, posta-local and
posta-remote (to a catching SMTP server behind DNS), while one daemon is
killed at its Nth call of one file-system system call (strace -e
inject=SYSCALL:signal=KILL:when=N), or sees fsync fail with EIO; then the
services restart (s6) and the test proves: every message that got a 250 is
delivered, none more than twice (doc/queue.md's window: a delivery done, its
record not yet durable), no partial file anywhere (Maildir tmp/ empty, no
queue .tmp, every delivered file whole), and the queue settles.

The daemon is armed once: its bin/PROG becomes a script that runs the real
program under strace the first time (a marker file is taken), and as itself
after, so that a restart recovers. make check runs a sample of the matrix;
`make faults` (POSTA_FAULTS=full) runs all of it. Each run prints its
matrix: daemon x call x N -> outcome.
"""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from hardkit import RELAY, World, deliver_one
from posta import IS_ROOT, maildir_files, wait_for
from sendtools import send_pid

FULL = os.environ.get("POSTA_FAULTS") == "full"
CALLS = ("openat", "write", "fsync", "rename", "link", "unlink")
DAEMONS = ("posta-smtpd", "posta-injectd", "posta-send", "posta-clean", "posta-local", "posta-remote")

# the sample make check runs: each daemon at the calls that commit its work
SAMPLE = [
    ("posta-smtpd", "write", 1), ("posta-smtpd", "write", 4), ("posta-smtpd", "openat", 3),
    # the injector daemon: the message's fsync, the record's, the rename
    ("posta-injectd", "fsync", 1), ("posta-injectd", "fsync", 2), ("posta-injectd", "rename", 1),
    ("posta-send", "fsync", 1), ("posta-send", "rename", 1), ("posta-send", "rename", 2),
    ("posta-send", "unlink", 1), ("posta-send", "openat", 9), ("posta-send", "write", 3),
    # posta-clean: todo's removal, the sync of its batch, mess's removal
    ("posta-clean", "unlink", 1), ("posta-clean", "unlink", 2), ("posta-clean", "syncfs", 1),
    ("posta-clean", "unlink", 3),
    ("posta-local", "fsync", 1), ("posta-local", "link", 1), ("posta-local", "unlink", 1),
    ("posta-local", "write", 2), ("posta-local", "openat", 4),
    ("posta-remote", "write", 1), ("posta-remote", "openat", 1),
]
# posta-send 4: the fsync of info's folder after its rename (the message was
# stranded until a restart: fixed in src/posta-send/preproc.c)
EIO = [("posta-injectd", 1), ("posta-send", 1), ("posta-send", 3), ("posta-send", 4), ("posta-local", 1), ("posta-local", 2)]
# posta-clean syncs once per batch of mess requests (syncfs): killed there,
# or the sync failing (mess kept, its todo already gone: a leftover, never
# a loss)
CLEAN_SYNCFS = [1, 2, 3]

# strace attaches to the shell, which then becomes the daemon (exec): the
# daemon keeps its pid, so s6's signals reach it, and strace ends with it.
# Counting starts at the attach; the shell makes none of CALLS before exec.
WRAPPER = r'''#!/bin/sh
# armed once by tests/test_fault_pipeline.py
if rm "%(arm)s" 2>/dev/null; then
  # in a subshell: strace is not the daemon's child (no stray SIGCHLD)
  (strace -qq -o "%(trace)s" -e trace=%(call)s -e inject=%(call)s:%(what)s:when=%(n)d -p $$ 2>/dev/null &)
  i=0
  until grep -q '^TracerPid:[[:space:]]*[1-9]' /proc/$$/status; do
    i=$((i + 1)); [ $i -gt 500 ] && break
  done
fi
exec "%(real)s" "$@"
'''

MATRIX = []


@unittest.skipUnless(IS_ROOT and shutil.which("strace"), "needs root (a full instance) and strace")
class FaultPipeline(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.marks = tempfile.mkdtemp(prefix="posta-fault-")
        os.chmod(cls.marks, 0o777)
        cls.w = World(retryschedule="1", timeoutsmtpd="10")
        cls.addClassCleanup(shutil.rmtree, cls.marks, True)
        cls.addClassCleanup(cls.w.cleanup)
        cls.addClassCleanup(cls.print_matrix)
        for d in DAEMONS:
            real = cls.w.inst.bin(d) + ".real"
            os.rename(cls.w.inst.bin(d), real)
            shutil.copymode(real, real)
        cls.arm(None, None, None, None)
        # posta-lspawn runs posta-local's code in its child; this makes it
        # execute bin/posta-local (the wrapper) for each delivery instead
        with open(cls.w.inst.path("svc", "posta-send", "env", "POSTA_LSPAWN_EXEC"), "w") as f:
            f.write("1\n")
        cls.w.start(services=("posta-send", "posta-injectd", "posta-smtpd"))
        cls.seq = 0

    @classmethod
    def print_matrix(cls):
        if MATRIX:
            print("\nfault matrix (daemon, call, N: outcome):")
            for row in MATRIX:
                print("  %-13s %-7s %3s  %s" % row)

    @classmethod
    def arm(cls, daemon, call, n, what):
        """Writes every daemon's wrapper; daemon's is armed for call #n."""
        for d in DAEMONS:
            real = cls.w.inst.bin(d) + ".real"
            tag = "%s-%s-%s-%s" % (d, call, n, what and what.split("=")[-1])
            text = WRAPPER % dict(arm=os.path.join(cls.marks, "arm-" + d), trace=os.path.join(cls.marks, "trace-" + tag),
                                  call=call or "none", what=what or "signal=KILL", n=n or 1, real=real)
            fn = cls.w.inst.bin(d)
            with open(fn + ".tmp", "w") as f:
                f.write(text)
            os.chmod(fn + ".tmp", 0o755)
            os.rename(fn + ".tmp", fn)
        if daemon:
            open(os.path.join(cls.marks, "arm-" + daemon), "w").close()

    def traced(self, daemon, call, n, what):
        tag = "%s-%s-%s-%s" % (daemon, call, n, what.split("=")[-1])
        fn = os.path.join(self.marks, "trace-" + tag)
        try:
            with open(fn, errors="replace") as f:
                text = f.read()
        except FileNotFoundError:
            return "not run"
        if "killed by SIGKILL" in text:
            return "killed"
        if "(INJECTED)" in text:
            return "EIO"
        return "not reached"

    def flow(self, daemon, call, n, what="signal=KILL"):
        """Arms the fault, sends three messages (two local, one remote),
        waits for the pipeline to settle, checks the invariants."""
        w = self.w
        t0 = time.monotonic()
        self.__class__.seq += 1
        tag = b"fault-%d" % self.seq
        self.arm(daemon, call, n, what)
        if daemon in ("posta-send", "posta-clean"):
            # posta-start runs them: restart the service so the armed one runs
            old = send_pid(w.inst)
            w.inst.svc("posta-send", "-r")
            wait_for(lambda: send_pid(w.inst) not in (old, None), 30, what="posta-send restarted")
            w.inst.wait_service("posta-send", 30)
        if daemon in ("posta-injectd", "posta-smtpd"):
            # long-lived (posta-smtpd: the pool's workers): the service is
            # restarted so that the armed wrapper runs them
            old = send_pid(w.inst, daemon)
            w.inst.svc(daemon, "-r")
            wait_for(lambda: send_pid(w.inst, daemon) not in (old, None), 30, what="%s restarted" % daemon)
            w.inst.wait_service(daemon, 30)
        # what earlier cases left (a mess file kept by a failed sync)
        kept = {k: set(w.inst.queue_files(k)) for k in ("mess", "local", "remote")}
        accepted = {}
        retried = 0
        for rcpt in (b"alice@posta.test", b"bob@posta.test", b"x@far.test"):
            body = b"Subject: %s\r\n\r\n%s to %s\r\nlast line\r\n.\r\n" % (tag, tag, rcpt)
            for attempt in (1, 2):
                # a client whose connection broke before the 250 tries again,
                # as any SMTP client does: the second attempt must work
                try:
                    m, r, d = deliver_one(w, b"<" + rcpt + b">", body, source=RELAY)
                except (OSError, AssertionError):
                    d = b""
                if d.startswith(b"250"):
                    break
                retried += 1
            accepted[rcpt] = d.startswith(b"250")
            self.assertTrue(accepted[rcpt], "the service did not recover: %r" % d)
        w.wait_queue_empty(90)
        # mess files go in batches (a second at most after the last
        # delivery), and posta-send removes the local and remote records on
        # posta-clean's answer: wait for both before reading the outcome, or
        # an armed daemon's last calls would come during the next case
        def settled():
            return not any(set(w.inst.queue_files(k)) - kept[k] for k in kept)
        try:
            wait_for(settled, 5, interval=0.1)
        except AssertionError:
            pass   # mess kept (a failed sync, a kill): a leftover, never a loss
        try:
            os.unlink(os.path.join(self.marks, "arm-" + daemon))
        except FileNotFoundError:
            pass
        outcome = self.traced(daemon, call, n, what)
        self.assertNotEqual(outcome, "not run", "%s was never run with the fault armed" % daemon)
        counts, leftovers = self.check(tag, accepted, daemon == "posta-local" and outcome == "killed")
        dups = sum(c - 1 for c in counts.values() if c > 1)
        MATRIX.append((daemon, call, n, "%s; %d client retr%s; all 3 delivered%s%s; %.1f s" % (
            outcome, retried, "y" if retried == 1 else "ies", ", %d duplicate(s)" % dups if dups else "",
            ", %d file(s) left in Maildir/tmp" % leftovers if leftovers else "", time.monotonic() - t0)))

    def check(self, tag, accepted, local_killed):
        """Counts each recipient's copies; returns them and the number of
        files a killed posta-local left in Maildir/tmp (where Maildir keeps
        deliveries in progress: readers remove them after 36 hours; never in
        new/ or cur/), which are then removed."""
        w = self.w
        counts = {}
        leftovers = 0
        for rcpt, box in ((b"alice@posta.test", w.alice), (b"bob@posta.test", w.bob)):
            mine = [m for m in w.mail(box) if tag + b"\n" in m]
            for m in mine:
                self.assertTrue(m.endswith(b"last line\n"), m[-200:])   # whole
            counts[rcpt] = len(mine)
            tmp = os.listdir(os.path.join(box, "tmp"))
            if not local_killed:
                self.assertEqual(tmp, [], "partial file in %stmp" % box)
            for f in tmp:
                os.unlink(os.path.join(box, "tmp", f))
            leftovers += len(tmp)
        remote = [m for m in w.peer.messages if tag + b"\r\n" in m["content"] or tag + b"\n" in m["content"]]
        for m in remote:
            self.assertTrue(m["content"].rstrip(b"\r\n").endswith(b"last line"))
        counts[b"x@far.test"] = len(remote)
        for rcpt, ok in accepted.items():
            if ok:
                wait_for(lambda: self.count(tag, rcpt) >= 1, 30, what="%s delivered" % rcpt)
                counts[rcpt] = self.count(tag, rcpt)
            self.assertLessEqual(counts[rcpt], 2, rcpt)
        for root, dirs, files in os.walk(w.inst.path("queue")):
            for f in files:
                self.assertFalse(f.endswith(".tmp"), os.path.join(root, f))
        # doc/queue.md: todo exists => mess is complete (and so does info)
        mess = set(w.inst.queue_files("mess"))
        for kind in ("todo", "info"):
            for i in w.inst.queue_files(kind):
                self.assertIn(i, mess, "%s/%d without its message" % (kind, i))
        return counts, leftovers

    def count(self, tag, rcpt):
        w = self.w
        if rcpt == b"x@far.test":
            return len([m for m in w.peer.messages if tag in m["content"]])
        box = w.alice if rcpt.startswith(b"alice") else w.bob
        return len([m for m in w.mail(box) if tag + b"\n" in m])

    def test_kill_matrix(self):
        cases = [(d, c, n) for d in DAEMONS for c in CALLS for n in range(1, 9)] if FULL else SAMPLE
        if FULL:
            cases += [("posta-clean", "syncfs", n) for n in CLEAN_SYNCFS]
        for daemon, call, n in cases:
            with self.subTest(daemon=daemon, call=call, n=n):
                self.flow(daemon, call, n)

    def test_fsync_eio(self):
        cases = [(d, n) for d in ("posta-send", "posta-local") for n in range(1, 7)] if FULL else EIO
        for daemon, n in cases:
            with self.subTest(daemon=daemon, n=n):
                self.flow(daemon, "fsync", n, "error=EIO")

    def test_clean_syncfs_eio(self):
        for n in CLEAN_SYNCFS if FULL else CLEAN_SYNCFS[:1]:
            with self.subTest(n=n):
                self.flow("posta-clean", "syncfs", n, "error=EIO")


if __name__ == "__main__":
    unittest.main()
