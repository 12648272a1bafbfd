"""posta-send killed with SIGKILL at each step between a permanent failure
and the end of its bounce, then restarted by s6: the sender gets exactly
one failure notice every time. The same for the steps of a delay notice:
exactly one delay notice every time.

A first run traces posta-send (strace) through the life of one failing
message: the bounce record's rename, the recipients record's rename (B),
the fork of posta-bounce, the removal of the bounce record, the removal of
info (made durable by posta-clean's sync before mess goes: posta-send has no
fsync there) (for a delay notice: the delay
record's rename, info's rename with d set, the fork, the removal of the
delay record and its fsync). Each later run starts
posta-send under strace again, which kills it (inject=...:signal=KILL) on
entry to one of those system calls, counted as in the first run; its trace
shows whether the kill came at that step of the message (other work, such
as the notice's own delivery, may come before or after a step as timing
has it: then that step is tried again in another life). A SIGKILL
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
# lives tried for one step
ATTEMPTS = 6

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


def normalized(evs):
    """The calls of a life as (key, done): key is (syscall, folder, who),
    who "M0", "M1"... in the order the queue first shows a message's id (M0:
    the life's own message, the queue being empty at its start); the fsync
    of a folder is the message's whose record in it was touched last; a
    clone is ("clone", "-", "-"). done: the call returned (not killed on
    entry). Also {who: id}."""
    ids, last, out = {}, {}, []
    for name, text in evs:
        m = re.search(r"queue/(\w+)/(\d+)/(\d+)", text)
        if m:
            who = ids.setdefault(m.group(3), "M%d" % len(ids))
            last[m.group(1), m.group(2)] = who
            key = (name, m.group(1), who)
        else:
            m = re.search(r"queue/(\w+)/(\d+)>", text)
            key = (name, m.group(1), last.get((m.group(1), m.group(2)), "?")) if m else (name, "-", "-")
        out.append((key, not text.rstrip().endswith("= ?")))
    return out, {v: k for k, v in ids.items()}


def steps(calls, first, last):
    """The kill points of message M0: (syscall, when, key, nth) for the
    renames and unlinks of its records from the rename into queue/FIRST on,
    the fork of posta-bounce, up to the unlink from queue/LAST and the fsync
    that makes it durable when posta-send makes one right after (info's
    removal has none: posta-clean's sync makes it durable before mess goes);
    when counts the syscall from the start (strace's
    count), nth the key's occurrences (the key's own count)."""
    count, seen, out = {}, {}, []
    started = ending = False
    for key, _ in calls:
        name, folder, who = key
        count[name] = count.get(name, 0) + 1
        seen[key] = seen.get(key, 0) + 1
        if key == ("rename", first, "M0"):
            started = True
        if not started:
            continue
        if ending:
            if key == ("fsync", last, "M0"):
                out.append((name, count[name], key, seen[key]))
                break
            if name in ("rename", "unlink") and who == "M0":
                break
            continue
        if (name in ("rename", "unlink") and who == "M0") or (name == "clone" and not any(k[0] == "clone" for _, _, k, _ in out)):
            out.append((name, count[name], key, seen[key]))
            ending = key == ("unlink", last, "M0")
    return out


def reached(calls, key, nth):
    """How many calls of key's syscall a life made up to key's nth
    occurrence, which returned; None when it did not."""
    n = k = 0
    for c, done in calls:
        n += c[0] == key[0]
        k += c == key
        if k == nth:
            return n if done else None
    return None


def landed(calls, key, nth):
    """Whether the life was killed on entry to key's nth occurrence: the
    step meant, not a call of the same syscall that came earlier or later
    in this life (its other calls need not come in the traced order)."""
    return bool(calls) and not calls[-1][1] and calls[-1][0] == key and [c for c, _ in calls].count(key) == nth


def shape(points):
    """[(syscall, folder)] of kill points, "-" for a call without a path."""
    return [(key[0], key[1]) for _, _, key, _ in points]


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

    def wait_new(self, old, timeout=60):
        pid = wait_for(lambda: send_pid(self.inst) not in (None, old) and send_pid(self.inst), timeout,
                       what="posta-send started again")
        self.inst.wait_service("posta-send", timeout)
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
        calls, ids = normalized(events(os.path.join(self.spool, "trace.0")))
        self.assertEqual(ids.get("M0"), infos[0])
        points = steps(calls, first, last)
        self.assertEqual(shape(points), want, points)
        again = 0
        for i, (name, when, key, nth) in enumerate(points, 1):
            # the calls of other work (the notice's own delivery, whether a
            # message takes the fast path, which hangs on the second of its
            # arrival) come before or after the step as timing has it: a
            # life killed elsewhere, or not at all, is tried again, counted
            # as that life went
            for attempt in range(ATTEMPTS):
                spec = "%s:when=%d" % (name, when)
                calls, killed = self.killed_life("kill %d.%d" % (i, attempt), spec, key, nth, send, finish, kind)
                if killed and landed(calls, key, nth):
                    break
                again += 1
                when = reached(calls, key, nth) or when
            else:
                self.fail("never killed at %s %s of %s in %d lives" % (name, key[1], key[2], ATTEMPTS))
        print("\n  killed at %d steps, one notice each: %s (%d li%s went another way, tried again)" % (
            len(points), ", ".join("%s %s" % (n, "posta-bounce" if f == "-" else f) for n, f in want),
            again, "fe" if again == 1 else "ves"))

    def killed_life(self, subject, spec, key, nth, send, finish, kind):
        """One message's life with posta-send under strace as spec says: it
        must get exactly one notice wherever the kill came; returns the
        life's calls (normalized()), and whether the kill came."""
        trace = os.path.join(self.spool, "trace.%d" % len(self.straces))
        pid = self.restart_with(spec)
        send(subject)
        # killed, and started again by s6; or past the step without the kill
        # (which may then come at some later call of the syscall): the life
        # goes on in a posta-send without strace
        try:
            wait_for(lambda: send_pid(self.inst) not in (None, pid) or reached(normalized(events(trace))[0], key, nth),
                     60, interval=0.05, what="posta-send killed at %s %s of %s" % key)
        except AssertionError as e:
            with open(trace, errors="replace") as f:
                raise AssertionError("%s (%s); the life's calls:\n%s" % (e, spec, f.read()[-3000:]))
        if send_pid(self.inst) == pid:
            self.inst.svc("posta-send", "-t")
        self.wait_new(pid)
        self.straces[-1].wait(30)
        with open(trace, errors="replace") as f:
            killed = f.read().splitlines()[-1:] == ["+++ killed by SIGKILL +++"]
        calls = normalized(events(trace))[0]
        wait_for(lambda: self.notices(subject, kind), 30, what="the notice of %r" % subject)
        finish()
        wait_for(lambda: queue_empty(self.inst), 20, what="an empty queue")
        time.sleep(0.5)
        got = self.notices(subject, kind)
        self.assertEqual(len(got), 1, "killed at %s (%s): %d notices" % (key, spec, len(got)))
        return calls, killed

    def test_failure_notice(self):
        def send(subject):
            self.inst.sendmail("nosuch@example.com", sender="alice@example.com",
                               message=b"Subject: %s\n\nbody\n" % subject.encode())
        self.killed_at_each_step(send, lambda: None, "failed", "bounce", "info",
                                 [("rename", "bounce"), ("rename", "local"), ("clone", "-"),
                                  ("unlink", "bounce"), ("unlink", "info")])

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
