"""perfcount.py: system calls, forks and execs of one cgroup, counted by the
kernel's tracepoints through `perf stat -a -G CGROUP` while a run goes on.

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
    "sync_file_range": "syscalls:sys_enter_sync_file_range",
    "syscalls": "raw_syscalls:sys_enter",
    "forks": "sched:sched_process_fork",
    "execs": "sched:sched_process_exec",
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
        by_event = {}
        with open(self.out) as f:
            for line in f:
                parts = line.strip().split(",")
                if len(parts) >= 3 and parts[2] in EVENTS.values():
                    by_event[parts[2]] = int(parts[0]) if parts[0].isdigit() else None
        os.unlink(self.out)
        return {name: by_event.get(ev) for name, ev in EVENTS.items()}
