"""posta-send killed with SIGKILL at each step between a permanent failure
and the end of its bounce, then restarted by s6: the sender gets exactly
one failure notice every time.

A first run traces posta-send (strace) through the life of one failing
message: the bounce record's rename, the recipients record's rename (B),
the fork of posta-bounce, the removal of the bounce record, the removal of
info and the fsync that makes it durable. Each later run starts
posta-send under strace again, which kills it (inject=...:signal=KILL) on
entry to one of those system calls, counted as in the first run. A SIGKILL
cannot tell an fsync from the write before it (the page cache survives),
so those calls are the steps. posta-bounce itself killed, and posta-send
killed while posta-bounce runs, are tests/test_bounce_failures.py's and
tests/test_bounce_e2e.py's."""
import os
import re
import time
import unittest

from bouncekit import parse, status_blocks
from posta import Instance, maildir_files, wait_for
from sendtools import log_events, queue_empty, send_pid

SYSCALLS = "rename,unlink,fsync,clone"

WRAPPER = """#!/bin/sh
# posta-send as the test wants it (tests/test_notify_kill.py): the spec in
# SPOOL/next, used once, says how strace runs it; without one, as it is.
# strace -D: posta-send stays the supervised process and its helpers'
# parent, the tracer runs beside it
spool=%(spool)s
if [ -f $spool/next ]; then
  spec=$(cat $spool/next)
  rm -f $spool/next
  n=$(ls $spool | grep -c '^trace')
  if [ "$spec" = trace ]; then
    exec strace -D -y -o $spool/trace.$n -e trace=%(syscalls)s bin/posta-send.real "$@"
  fi
  exec strace -D -y -o $spool/trace.$n -e trace=%(syscalls)s -e inject=$spec:signal=KILL bin/posta-send.real "$@"
fi
exec bin/posta-send.real "$@"
"""

LINE = re.compile(r"^(\w+)\((.*)$")


def events(path):
    """The traced calls of one run: [(syscall, text)], in order."""
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if m and m.group(1) in SYSCALLS.split(","):
                out.append((m.group(1), m.group(2)))
    return out


def steps(evs, mid):
    """The kill points of message mid: (syscall, when, text) for the renames
    and unlinks of its bounce record, recipients record and info, the fork
    of posta-bounce, and the fsync that makes info's removal durable."""
    count = {}
    out = []
    started = False
    after_info = False
    for name, text in evs:
        count[name] = count.get(name, 0) + 1
        ours = re.search(r"queue/\w+/\d+/%s\b" % mid, text) is not None
        if name == "rename" and ours and "queue/bounce/" in text:
            started = True
        if not started:
            continue
        if after_info and name == "fsync" and "queue/info/" in text:
            out.append((name, count[name], text))
            break
        if (name in ("rename", "unlink") and ours) or (name == "clone" and not any(n == "clone" for n, _, _ in out)):
            out.append((name, count[name], text))
            after_info = name == "unlink" and "queue/info/" in text
    return out


class KillTest(unittest.TestCase):
    def setUp(self):
        self.inst = Instance()
        self.inst.control("retryschedule", ["1"])
        self.alice = self.inst.add_mailbox("alice@example.com")
        self.spool = self.inst.path("spool")
        os.makedirs(self.spool)
        os.chmod(self.spool, 0o777)
        real = self.inst.bin("posta-send.real")
        os.rename(self.inst.bin("posta-send"), real)
        with open(self.inst.bin("posta-send"), "w") as f:
            f.write(WRAPPER % {"spool": self.spool, "syscalls": SYSCALLS})
        os.chmod(self.inst.bin("posta-send"), 0o755)
        self.inst.start(services=("posta-send",))

    def tearDown(self):
        self.inst.cleanup()

    def restart_with(self, spec):
        """Restarts posta-send, under strace as spec says (None: as it is);
        returns its pid."""
        if spec:
            with open(os.path.join(self.spool, "next"), "w") as f:
                f.write(spec)
        old = send_pid(self.inst)
        self.inst.svc("posta-send", "-t")
        return self.wait_new(old)

    def wait_new(self, old, timeout=20):
        pid = wait_for(lambda: send_pid(self.inst) not in (None, old) and send_pid(self.inst), timeout,
                       what="posta-send started again")
        self.inst.wait_service("posta-send")
        return pid

    def notices(self, subject):
        """The failure notices in alice's mailbox about the message with
        this Subject."""
        out = []
        for f in maildir_files(self.alice):
            with open(f, "rb") as fh:
                msg = parse(fh.read())
            if list(msg.iter_parts())[2].get_payload()[0]["Subject"] == subject:
                out.append(msg)
        return out

    def one_message(self, subject):
        """Sends a message that fails (no such mailbox), waits until it and
        its notice are gone from the queue; returns its notices."""
        self.inst.sendmail("nosuch@example.com", sender="alice@example.com",
                           message=b"Subject: %s\n\nbody\n" % subject.encode())
        wait_for(lambda: self.notices(subject), 30, what="the notice of %r" % subject)
        wait_for(lambda: queue_empty(self.inst), 20, what="an empty queue")
        time.sleep(0.5)
        return self.notices(subject)

    def message_id(self, subject_index):
        infos = [m.group(1) for k, m in log_events(self.inst) if k == "info" and m.group(3) == "alice@example.com"]
        return infos[subject_index]

    def test_killed_at_each_step(self):
        # the life of one failing message, traced
        self.restart_with("trace")
        self.assertEqual(len(self.one_message("traced")), 1)
        mid = self.message_id(0)
        self.restart_with(None)   # strace ends with posta-send: the trace is whole
        points = steps(events(os.path.join(self.spool, "trace.0")), mid)
        kinds = [(n, re.sub(r"\d+", "N", t.split(",")[0])) for n, _, t in points]
        self.assertEqual([n for n, _ in kinds], ["rename", "rename", "clone", "unlink", "unlink", "fsync"], points)
        self.assertIn("queue/bounce/N/N.tmp", kinds[0][1])
        self.assertIn("queue/local/N/N.tmp", kinds[1][1])
        self.assertIn("queue/bounce/N/N", kinds[3][1])
        self.assertIn("queue/info/N/N", kinds[4][1])
        report = []
        for i, (name, when, text) in enumerate(points, 1):
            subject = "kill %d" % i
            pid = self.restart_with("%s:when=%d" % (name, when))
            self.inst.sendmail("nosuch@example.com", sender="alice@example.com",
                               message=b"Subject: %s\n\nbody\n" % subject.encode())
            # killed at that call, and started again by s6
            self.wait_new(pid)
            trace = os.path.join(self.spool, "trace.%d" % i)
            with open(trace, errors="replace") as f:
                tail = f.read().splitlines()[-2:]
            self.assertEqual(tail[-1], "+++ killed by SIGKILL +++", tail)
            hit = LINE.match(tail[0])
            self.assertEqual(hit.group(1), name, tail)
            wait_for(lambda: self.notices(subject), 30, what="the notice of %r" % subject)
            wait_for(lambda: queue_empty(self.inst), 20, what="an empty queue")
            time.sleep(0.5)
            got = self.notices(subject)
            self.assertEqual(len(got), 1, "killed at %s(%s: %d notices" % (name, text, len(got)))
            r = status_blocks(got[0])[1]
            self.assertEqual(r["Final-Recipient"], "rfc822; nosuch@example.com")
            self.assertEqual(r["Action"], "failed")
            folder = re.search(r"queue/(\w+)/", tail[0])
            report.append("%s %s" % (name, folder.group(1) if folder else "posta-bounce"))
        print("\n  killed at %d steps, one notice each: %s" % (len(points), ", ".join(report)))


if __name__ == "__main__":
    unittest.main()
