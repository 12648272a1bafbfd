"""profile.py: where a server spends its time per message.

Two extra runs of N messages (2 KiB, concurrency 10), not timed:
- perf record -a -g -G CGROUP (cpu-clock samples of every process of the
  server), then perf report: the share of each program, each shared object
  (kernel included) and the hottest symbols;
- strace -f -c attached to every process of the server (so that every
  child they start is followed): the system calls per message and the time
  spent in them. strace slows the server down a lot: its times say which
  calls dominate, not how fast the server is.

- the CPU cost of one fork+exec on this machine, of a dynamically linked
  program that does nothing (/bin/true) and of a static one: posta starts
  three programs per message (posta-smtpd, posta-queue, posta-local), Postfix
  none, so this is a floor under posta's CPU per message.

Never profiles a process outside the server's group.
"""
import os
import signal
import subprocess
import tempfile
import time

import cgroup
import load
import maildirs
import report
import runs

LOOP = 'i=0; while [ $i -lt %d ]; do %s; i=$((i+1)); done'


def _run_load(server, n, cfg):
    maildirs.empty(server.maildirs)
    with maildirs.Arrivals(server.maildirs) as arr:
        _, err = load.smtp_source(server.ip, server.port, n, 10, 2048, cfg.boxes, cfg.domain, prog=cfg.source)
        if err:
            return err
        if runs.wait_delivered(arr, server, n, max(300, n / 2)) is None:
            return "only %d of %d arrived" % (arr.count(), n)
    server.wait_queue_empty(120)
    return None


def _record(group, out, events, callgraph):
    cmd = ["perf", "record", "-q", "-a"] + (["-g"] if callgraph else [])
    for e in events:
        cmd += ["-e", e]
    cmd += ["-G", ",".join([group.rel] * len(events)), "-o", out]
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _report(out, sort, extra=()):
    p = subprocess.run(["perf", "report", "-i", out, "--stdio", "--no-children", "-g", "none", "--sort", sort]
                       + list(extra), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return [ln.strip() for ln in p.stdout.decode(errors="replace").splitlines()
            if ln.strip() and not ln.startswith("#")]


def fsyncs_by_program(out, n):
    """{comm: fsync-like calls per message} from a tracepoint recording."""
    by = {}
    for ln in _report(out, "comm", ["-n"]):
        parts = ln.split()
        if len(parts) >= 3 and parts[0].endswith("%") and parts[1].isdigit():
            by[" ".join(parts[2:])] = by.get(" ".join(parts[2:]), 0) + int(parts[1]) / n
    return by


def perf_profile(server, n, cfg):
    if getattr(server.group, "rel", None) is None:
        report.say("  perf: n/a (no cgroup v2)")
        return
    out = os.path.join(cfg.dir, "perf-%s.data" % server.name)
    out2 = out + ".sync"
    recs = [_record(server.group, out, ["cpu-clock"], True),
            _record(server.group, out2, ["syscalls:sys_enter_fsync", "syscalls:sys_enter_fdatasync"], False)]
    time.sleep(1.0)
    err = _run_load(server, n, cfg)
    for rec in recs:
        rec.send_signal(signal.SIGINT)
        rec.wait(120)
    if err:
        report.say("  perf: run FAILED: %s" % err)
        return
    for sort, top in (("comm", 12), ("comm,dso", 15), ("sym", 25)):
        report.say("  perf report --sort %s (share of %s's CPU samples):" % (sort, server.name))
        for ln in _report(out, sort, ["--percent-limit", "0.5"])[:top]:
            report.say("    " + ln)
    by = fsyncs_by_program(out2, n)
    report.say("  fsync+fdatasync per message, by program: %s" % ", ".join(
        "%s %.2f" % (c, v) for c, v in sorted(by.items(), key=lambda kv: -kv[1])))
    for f in (out, out2):
        os.unlink(f)


def strace_profile(server, n, cfg):
    pids = server.group.pids()
    if not pids:
        return
    fd, out = tempfile.mkstemp(prefix="posta-bench-strace-", dir=cfg.dir)
    os.close(fd)
    cmd = ["strace", "-f", "-c", "-o", out]
    for pid in pids:
        cmd += ["-p", str(pid)]
    st = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    err = _run_load(server, n, cfg)
    time.sleep(0.5)
    st.send_signal(signal.SIGINT)
    st.wait(120)
    if err:
        report.say("  strace: run FAILED: %s" % err)
    rows = []
    with open(out) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] not in ("total",):
                try:
                    rows.append((float(parts[0]), float(parts[1]), int(parts[3]), parts[-1]))
                except ValueError:
                    pass
    os.unlink(out)
    report.say("  strace -f -c of every %s process, %d messages: calls per message (share of system time)"
               % (server.name, n))
    rows.sort(key=lambda r: -r[0])
    report.say("    " + ", ".join("%s %.1f (%.0f%%)" % (name, calls / n, pct) for pct, _, calls, name in rows[:14]))
    report.say("    all: %.0f calls per message" % (sum(r[2] for r in rows) / n))


def exec_cost(cfg, n=500):
    """CPU µs per fork+exec of a dynamic and a static do-nothing program."""
    static = os.path.join(cfg.dir, "true-static")
    p = subprocess.run(["cc", "-static", "-O2", "-o", static, "-x", "c", "-"], input=b"int main(void){return 0;}\n",
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    g = cgroup.make_group("exec-cost")
    if getattr(g, "rel", None) is None:
        return
    try:
        cost = {}
        for name, cmd in (("loop", ":"), ("dynamic", "/bin/true"), ("static", static if p.returncode == 0 else None)):
            if cmd is None:
                continue
            c0 = g.cpu_usec()
            subprocess.run(g.wrap(["sh", "-c", LOOP % (n, cmd)]), check=True)
            cost[name] = (g.cpu_usec() - c0) / n
        report.say("  fork+exec of a program that does nothing, CPU per start: dynamic (/bin/true) %.0f us, "
                   "static %s us (a shell loop, its own cost of %.0f us subtracted)"
                   % (cost["dynamic"] - cost["loop"],
                      "%.0f" % (cost["static"] - cost["loop"]) if "static" in cost else "n/a", cost["loop"]))
    finally:
        g.remove()


def profile(servers, cfg):
    report.say("\n== profile: %d messages of 2 KiB at concurrency 10, perf record and strace -f -c" % cfg.n_profile)
    exec_cost(cfg)
    for s in servers:
        perf_profile(s, cfg.n_profile, cfg)
        strace_profile(s, cfg.n_profile, cfg)
