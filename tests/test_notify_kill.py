"""posta-send killed with SIGKILL at each step between a permanent failure
and the end of its bounce, then restarted by s6: the sender gets exactly
one failure notice every time. The same for the steps of a delay notice:
exactly one delay notice every time.

A first run traces posta-send (strace) through the life of one failing
message: the bounce record's rename, the recipients record's rename (B),
the fork of posta-bounce, the removal of the bounce record, the removal of
info and the fsync that makes it durable (for a delay notice: the delay
record's rename, info's rename with d set, the fork, the removal of the
delay record and its fsync). Each later run starts
posta-send under strace again, which kills it (inject=...:signal=KILL) on
entry to one of those system calls, counted as in the first run. A SIGKILL
cannot tell an fsync from the write before it (the page cache survives),
so those calls are the steps. posta-bounce itself killed, and posta-send
killed while posta-bounce runs, are tests/test_bounce_failures.py's and
tests/test_bounce_e2e.py's."""
import os
import re
import subprocess
import time
import unittest

from bouncekit import parse, status_blocks
from posta import Instance, maildir_files, wait_for
from sendtools import log_events, queue_empty, send_pid, wait_log

SYSCALLS = "rename,unlink,fsync,clone"

# posta-send as the test wants it: with SPOOL/next there (used once), it
# says its pid in SPOOL/pid and waits until the test's strace (root's: a
# tracer of posta-s could not read the memory of posta-send, which is not
# dumpable) has attached, then becomes posta-send, which keeps its pid and
# stays the supervised process and its helpers' parent. The wait makes no
# system call of SYSCALLS (no fork: builtins only), so the count of each
# starts at posta-send's own calls.
WRAPPER = """#!/bin/sh
spool=%(spool)s
if [ -f $spool/next ]; then
  rm -f $spool/next
  echo $$ > $spool/pid.tmp
  mv $spool/pid.tmp $spool/pid
  i=0
  while [ $i -lt 400000 ]; do
    i=$((i + 1))
    t=0
    while read -r k v; do
      [ "$k" = TracerPid: ] && t=$v && break
    done < /proc/$$/status
    [ "$t" != 0 ] && break
  done
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


def steps(evs, mid, first, last):
    """The kill points of message mid: (syscall, when, text) for the renames
    and unlinks of its records from the rename into queue/FIRST on, the
    fork of posta-bounce, up to the unlink from queue/LAST and the fsync
    that makes it durable."""
    count = {}
    out = []
    started = ending = False
    for name, text in evs:
        count[name] = count.get(name, 0) + 1
        ours = re.search(r"queue/\w+/\d+/%s\b" % mid, text) is not None
        if name == "rename" and ours and "queue/%s/" % first in text:
            started = True
        if not started:
            continue
        if ending and name == "fsync" and "queue/%s/" % last in text:
            out.append((name, count[name], text))
            break
        if (name in ("rename", "unlink") and ours) or (name == "clone" and not any(n == "clone" for n, _, _ in out)):
            out.append((name, count[name], text))
            ending = name == "unlink" and "queue/%s/" % last in text
    return out


def shape(points):
    """[(syscall, folder)] of kill points, "-" for a call without a path."""
    out = []
    for name, _, text in points:
        m = re.search(r"queue/(\w+)/", text)
        out.append((name, m.group(1) if m else "-"))
    return out


def original_subject(msg):
    """The Subject of the message a notice is about: its third part is the
    message (a failure notice) or its header section (a delay notice)."""
    part = list(msg.iter_parts())[2]
    if part.get_content_type() == "message/rfc822":
        return part.get_payload()[0]["Subject"]
    return parse(part.get_payload(decode=True))["Subject"]


class KillTest(unittest.TestCase):
    def setUp(self):
        self.inst = Instance()
        self.inst.control("retryschedule", ["1"])
        self.alice = self.inst.add_mailbox("alice@example.com")
        self.slow = self.inst.add_mailbox("slow@example.com")
        self.spool = self.inst.path("spool")
        os.makedirs(self.spool)
        os.chmod(self.spool, 0o777)
        real = self.inst.bin("posta-send.real")
        os.rename(self.inst.bin("posta-send"), real)
        with open(self.inst.bin("posta-send"), "w") as f:
            f.write(WRAPPER % {"spool": self.spool, "syscalls": SYSCALLS})
        os.chmod(self.inst.bin("posta-send"), 0o755)
        self.runs = 0
        self.straces = []

    def tearDown(self):
        self.inst.cleanup()
        for p in self.straces:
            p.wait(10)

    def attach(self, spec):
        """Root's strace on the posta-send that the wrapper started, as spec
        says ("trace", or an inject spec): its output in SPOOL/trace.N."""
        pidfile = os.path.join(self.spool, "pid")
        wait_for(lambda: os.path.exists(pidfile), 20, what="the wrapper's pid")
        with open(pidfile) as f:
            pid = f.read().strip()
        os.unlink(pidfile)
        out = os.path.join(self.spool, "trace.%d" % len(self.straces))
        cmd = ["strace", "-q", "-y", "-o", out, "-e", "trace=" + SYSCALLS]
        if spec != "trace":
            cmd += ["-e", "inject=%s:signal=KILL" % spec]
        self.straces.append(subprocess.Popen(cmd + ["-p", pid], stdin=subprocess.DEVNULL))

    def restart_with(self, spec):
        """Restarts posta-send, under strace as spec says (None: as it is);
        returns its pid."""
        if spec:
            with open(os.path.join(self.spool, "next"), "w") as f:
                f.write(spec)
        old = send_pid(self.inst)
        before = list(self.straces)
        self.inst.svc("posta-send", "-t")
        if spec:
            self.attach(spec)
        pid = self.wait_new(old)
        # the old posta-send is gone: its strace ends and has written the
        # whole trace only once it has exited
        for p in before:
            p.wait(30)
        return pid

    def wait_new(self, old, timeout=20):
        pid = wait_for(lambda: send_pid(self.inst) not in (None, old) and send_pid(self.inst), timeout,
                       what="posta-send started again")
        self.inst.wait_service("posta-send")
        return pid

    def notices(self, subject, kind):
        """alice's notices (Action failed or delayed) about the message with
        this Subject."""
        out = []
        for f in maildir_files(self.alice):
            with open(f, "rb") as fh:
                msg = parse(fh.read())
            if original_subject(msg) == subject and status_blocks(msg)[1]["Action"] == kind:
                out.append(msg)
        return out

    def life(self, subject, send, finish, kind):
        """One message: send(subject) queues it, finish() lets it end once
        its notice came; returns its notices of the kind."""
        send(subject)
        wait_for(lambda: self.notices(subject, kind), 30, what="the notice of %r" % subject)
        finish()
        wait_for(lambda: queue_empty(self.inst), 60, what="an empty queue")
        time.sleep(0.5)
        return self.notices(subject, kind)

    def killed_at_each_step(self, send, finish, kind, first, last, want):
        """Traces one message's life, then kills posta-send at each of its
        steps (steps(): from the rename into queue/FIRST to the removal from
        queue/LAST) in the life of another message: one notice each time."""
        self.inst.start(services=("posta-send",))
        self.restart_with("trace")
        self.assertEqual(len(self.life("traced", send, finish, kind)), 1)
        infos = [m.group(1) for k, m in log_events(self.inst) if k == "info" and m.group(3) == "alice@example.com"]
        self.restart_with(None)   # strace ends with posta-send: the trace is whole
        points = steps(events(os.path.join(self.spool, "trace.0")), infos[0], first, last)
        self.assertEqual(shape(points), want, points)
        for i, (name, when, text) in enumerate(points, 1):
            subject = "kill %d" % i
            pid = self.restart_with("%s:when=%d" % (name, when))
            send(subject)
            # killed at that call, and started again by s6
            self.wait_new(pid)
            with open(os.path.join(self.spool, "trace.%d" % i), errors="replace") as f:
                tail = f.read().splitlines()[-2:]
            self.assertEqual(tail[-1], "+++ killed by SIGKILL +++", tail)
            self.assertEqual(LINE.match(tail[0]).group(1), name, tail)
            wait_for(lambda: self.notices(subject, kind), 30, what="the notice of %r" % subject)
            finish()
            wait_for(lambda: queue_empty(self.inst), 20, what="an empty queue")
            time.sleep(0.5)
            got = self.notices(subject, kind)
            self.assertEqual(len(got), 1, "killed at %s(%s: %d notices" % (name, text, len(got)))
        print("\n  killed at %d steps, one notice each: %s" % (len(points), ", ".join("%s %s" % (n, "posta-bounce" if f == "-" else f) for n, f in want)))

    def test_failure_notice(self):
        def send(subject):
            self.inst.sendmail("nosuch@example.com", sender="alice@example.com",
                               message=b"Subject: %s\n\nbody\n" % subject.encode())
        self.killed_at_each_step(send, lambda: None, "failed", "bounce", "info",
                                 [("rename", "bounce"), ("rename", "local"), ("clone", "-"),
                                  ("unlink", "bounce"), ("unlink", "info"), ("fsync", "info")])

    def test_delay_notice(self):
        # slow@'s Maildir cannot be written: deferred, and tried again only
        # at SIGALRM; the delay notice goes a second after the arrival
        self.inst.control("delaywarning", "1")
        self.inst.control("retryschedule", ["3600"])
        tmp = os.path.join(self.slow, "tmp")

        def send(subject):
            os.chmod(tmp, 0o500)
            self.inst.sendmail("slow@example.com", sender="alice@example.com",
                               message=b"Subject: %s\n\nbody\n" % subject.encode())

        def finish():
            os.chmod(tmp, 0o700)
            self.inst.svc("posta-send", "-a")
        self.killed_at_each_step(send, finish, "delayed", "delay", "delay",
                                 [("rename", "delay"), ("rename", "info"), ("clone", "-"),
                                  ("unlink", "delay"), ("fsync", "delay")])
        self.assertEqual(len(maildir_files(self.slow)), len(maildir_files(self.alice)))


class AlarmDuringNoticeTest(unittest.TestCase):
    """SIGALRM while a message's delay notice runs: that message too is
    tried at once when the notice ends (it was then in memory, in no index,
    and waited for its next retry, an hour on: test_delay_notice's life
    ended only then when its finish() came before posta-bounce's end)."""

    def test_alarm_reaches_a_message_whose_notice_runs(self):
        inst = Instance()
        self.addCleanup(inst.cleanup)
        inst.control("delaywarning", "1")
        inst.control("retryschedule", ["3600"])
        inst.add_mailbox("alice@example.com")
        slow = inst.add_mailbox("slow@example.com")
        gate = inst.path("gate")
        os.makedirs(gate)
        os.chmod(gate, 0o777)
        # posta-bounce waits for gate/go: its notice runs as long as the test wants
        os.rename(inst.bin("posta-bounce"), inst.bin("posta-bounce.real"))
        with open(inst.bin("posta-bounce"), "w") as f:
            f.write("#!/bin/sh\nuntil [ -e %s/go ]; do sleep 0.05; done\nexec bin/posta-bounce.real \"$@\"\n" % gate)
        os.chmod(inst.bin("posta-bounce"), 0o755)
        inst.start(services=("posta-send",))
        tmp = os.path.join(slow, "tmp")
        os.chmod(tmp, 0o500)
        inst.sendmail("slow@example.com", sender="alice@example.com", message=b"Subject: wait\n\nbody\n")
        wait_log(inst, r"^delay msg \d+ qp \d+$", 15)
        os.chmod(tmp, 0o700)
        inst.svc("posta-send", "-a")
        wait_log(inst, r"SIGALRM: trying everything now$")
        open(os.path.join(gate, "go"), "w").close()
        wait_for(lambda: queue_empty(inst), 20, what="an empty queue")
        self.assertEqual(len(maildir_files(slow)), 1)


if __name__ == "__main__":
    unittest.main()
