"""perfcount.py: system calls, forks, program starts and page faults of one
cgroup, counted by the kernel's tracepoints and its page-faults software
event through `perf stat -a -G CGROUP` while a run goes on. The same
counters, the same way, for posta and Postfix: every process of the
server's cgroup, none outside it.

Counting (not tracing) costs the measured processes next to nothing, unlike
strace, so the counts come from the timed runs themselves. Needs perf, root,
tracefs and cgroup v2; available() says whether it works here, and why not.

Never counts a process outside the group.
"""
import os
import shutil
import signal
import subprocess
import tempfile

EVENTS = {
    "fsync": "syscalls:sys_enter_fsync",
    "fdatasync": "syscalls:sys_enter_fdatasync",
    "syncfs": "syscalls:sys_enter_syncfs",
    "sync_file_range": "syscalls:sys_enter_sync_file_range",
    "syscalls": "raw_syscalls:sys_enter",
    "forks": "sched:sched_process_fork",
    "execs": "sched:sched_process_exec",
    "faults": "page-faults",
}


def available(group):
    """'' when perf can count in group, else the reason it cannot."""
    if getattr(group, "rel", None) is None:
        return "no cgroup v2 group to count in"
    if not shutil.which("perf"):
        return "perf is not installed (Debian package linux-perf)"
    p = subprocess.run(["perf", "stat", "-a", "-x,", "-e", EVENTS["fsync"], "-G", group.rel, "--", "true"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # "<not counted>" only says that no process of the group ran meanwhile
    if p.returncode != 0 or b"not supported" in p.stderr:
        return "perf stat -G fails: %s" % p.stderr.decode(errors="replace").strip()[:200]
    return ""


class Counter:
    """perf stat counting EVENTS in one group from start() to stop()."""

    def __init__(self, group):
        self.group = group
        self.proc = None
        self.out = None

    def start(self):
        fd, self.out = tempfile.mkstemp(prefix="posta-bench-perf-")
        os.close(fd)
        events = list(EVENTS.values())
        self.proc = subprocess.Popen(["perf", "stat", "-a", "-x,", "-o", self.out, "-e", ",".join(events),
                                      "-G", ",".join([self.group.rel] * len(events))],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        return self

    def stop(self):
        """{name: count} of every event (None when perf gave no count)."""
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(30)
        with open(self.out) as f:
            text = f.read()
        os.unlink(self.out)
        return parse_stat(text)


def parse_stat(text):
    """{name: count} of every EVENTS name from the text of `perf stat -x,`
    (value,unit,event,...; "<not counted>" is 0: no process of the group
    ran; "<not supported>" or a missing line is None: not measured)."""
    by_event = {}
    for line in text.splitlines():
        parts = line.strip().split(",")
        if len(parts) < 3 or line.startswith("#"):
            continue
        ev = parts[2]
        if ev not in EVENTS.values():
            continue
        v = parts[0].strip()
        if v.isdigit():
            by_event[ev] = by_event.get(ev, 0) + int(v)
        elif v == "<not counted>":
            by_event.setdefault(ev, 0)
        else:
            by_event[ev] = None
    return {name: by_event.get(ev) for name, ev in EVENTS.items()}


def per_message(counts, n):
    """The per-message figures of the report (report.COLUMNS' keys) from
    parse_stat's counts over n messages: fsync is fsync + fdatasync +
    syncfs (posta-clean's one sync of a batch counts as one; sync_file_range, which posta-queue uses only to start write-back, makes
    nothing durable and is not counted); a figure perf did not give is left
    out."""
    out = {}
    syncs = [counts.get(k) for k in ("fsync", "fdatasync", "syncfs")]
    if None not in syncs:
        out["fsync"] = sum(syncs) / n
    for k in ("syscalls", "forks", "execs", "faults"):
        if counts.get(k) is not None:
            out[k] = counts[k] / n
    return out
