"""cgroup.py: the processes of one server under test, and what they cost.

A Group is a cgroup v2 folder (the pure v2 hierarchy, or the unified one of a
hybrid system) made for one server: its first process is put in it before it
execs (wrap()), so every process it starts is in it too, forks included, and
cpu.stat counts the CPU time of all of them, those that already exited
included. Without cgroup v2 a ProcTree stands in: the descendants of one
process found in /proc, whose CPU time is the utime+stime of the living ones
plus the cutime+cstime their parents collected from the dead (a process that
exits before its parent waits for it is then missed; the report says which
method was used).

PssSampler reads /proc/PID/smaps_rollup of every process of a group a few
times a second and keeps the highest sum.

Never touches a process that is not in the group it made.
"""
import os
import signal
import threading
import time


def cgroup2_root():
    """The mount point of the cgroup v2 hierarchy, or None."""
    for path in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        if all(os.path.exists(os.path.join(path, f)) for f in ("cgroup.procs", "cgroup.subtree_control")):
            return path
    return None


class Group:
    """A cgroup v2 folder for one server."""

    method = "cgroup v2 cpu.stat (usage_usec of every process of the cgroup, the dead included)"

    def __init__(self, root, name):
        self.root = root
        self.rel = name
        self.path = os.path.join(root, name)
        os.makedirs(self.path, exist_ok=True)

    def wrap(self, cmd):
        """cmd, started in the group: a shell puts itself in, then execs it."""
        return ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', self.path] + list(cmd)

    def cpu_usec(self):
        """CPU time of every process that ever ran in the group, in µs."""
        with open(os.path.join(self.path, "cpu.stat")) as f:
            for line in f:
                k, v = line.split()
                if k == "usage_usec":
                    return int(v)
        raise OSError("no usage_usec in %s/cpu.stat" % self.path)

    def pids(self):
        try:
            with open(os.path.join(self.path, "cgroup.procs")) as f:
                return [int(x) for x in f.read().split()]
        except FileNotFoundError:
            return []

    def kill(self, timeout=10.0):
        """SIGKILL to what is left of the group; waits until it is empty."""
        deadline = time.monotonic() + timeout
        while self.pids() and time.monotonic() < deadline:
            killer = os.path.join(self.path, "cgroup.kill")
            if os.path.exists(killer):
                with open(killer, "w") as f:
                    f.write("1")
            else:
                for pid in self.pids():
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            time.sleep(0.05)
        return not self.pids()

    def remove(self):
        self.kill()
        try:
            os.rmdir(self.path)
        except OSError:
            pass


class ProcTree:
    """Stands in for a Group without cgroup v2: the tree under one pid."""

    method = "/proc: utime+stime+cutime+cstime of the server's process tree (misses unreaped children)"

    def __init__(self):
        self.root_pid = None
        self.rel = None

    def wrap(self, cmd):
        return list(cmd)

    def set_root(self, pid):
        self.root_pid = pid

    def pids(self):
        if self.root_pid is None:
            return []
        children = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                st = _stat(int(d))
                if st:
                    children.setdefault(int(st[1]), []).append(int(d))
        out, todo = [], [self.root_pid]
        while todo:
            p = todo.pop()
            if os.path.exists("/proc/%d" % p):
                out.append(p)
                todo.extend(children.get(p, []))
        return out

    def cpu_usec(self):
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            st = _stat(pid)
            if st:
                total += sum(int(x) for x in st[11:15])
        return total * 1000000 // tick

    def kill(self, timeout=10.0):
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return True

    def remove(self):
        self.kill()


def _stat(pid):
    """Fields of /proc/PID/stat after the command name (state is [0], ppid [1],
    utime [11], stime [12], cutime [13], cstime [14]), or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    return s[s.rindex(")") + 2:].split()


def make_group(name):
    """A Group under posta-bench-PID/ when cgroup v2 can be used, else a ProcTree."""
    root = cgroup2_root()
    if root and os.geteuid() == 0:
        try:
            return Group(root, os.path.join("posta-bench-%d" % os.getpid(), name))
        except OSError:
            pass
    return ProcTree()


def remove_parent():
    """Removes the posta-bench-PID folder once its groups are gone."""
    root = cgroup2_root()
    if root:
        try:
            os.rmdir(os.path.join(root, "posta-bench-%d" % os.getpid()))
        except OSError:
            pass


def pss_kib(pid):
    """Pss of one process in KiB (0 when it is gone or unreadable)."""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return "?"


class PssSampler:
    """Samples the summed PSS of a group's processes in a thread."""

    def __init__(self, group, interval=0.2):
        self.group = group
        self.interval = interval
        self.peak_kib = 0
        self.peak_procs = 0
        self.peak_by_comm = {}
        self._stop = threading.Event()
        self._thread = None

    def sample(self):
        by = {}
        pids = self.group.pids()
        total = 0
        for pid in pids:
            k = pss_kib(pid)
            total += k
            c = comm(pid)
            by[c] = by.get(c, 0) + k
        if total > self.peak_kib:
            self.peak_kib, self.peak_by_comm = total, by
        self.peak_procs = max(self.peak_procs, len(pids))
        return total

    def _loop(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()
