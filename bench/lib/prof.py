"""profile.py: where a server spends its time per message.

Two extra runs of N messages (2 KiB, concurrency 10), not timed:
- perf record -a -g -G CGROUP (cpu-clock samples of every process of the
  server), then perf report: the share of each program, each shared object
  (kernel included) and the hottest symbols;
- strace -f -c attached to every process of the server (so that every
  child they start is followed): the system calls per message and the time
  spent in them. strace slows the server down a lot: its times say which
  calls dominate, not how fast the server is.

Never profiles a process outside the server's group.
"""
import os
import signal
import subprocess
import tempfile
import time

import load
import maildirs
import report
import runs


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


def perf_profile(server, n, cfg):
    if getattr(server.group, "rel", None) is None:
        report.say("  perf: n/a (no cgroup v2)")
        return
    out = os.path.join(cfg.dir, "perf-%s.data" % server.name)
    rec = subprocess.Popen(["perf", "record", "-q", "-a", "-g", "-e", "cpu-clock", "-G", server.group.rel,
                            "-o", out], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    err = _run_load(server, n, cfg)
    rec.send_signal(signal.SIGINT)
    rec.wait(120)
    if err:
        report.say("  perf: run FAILED: %s" % err)
        return
    for sort, top in (("comm", 12), ("comm,dso", 15), ("sym", 25)):
        p = subprocess.run(["perf", "report", "-i", out, "--stdio", "--no-children", "-g", "none",
                            "--percent-limit", "0.5", "--sort", sort], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
        lines = [ln for ln in p.stdout.decode(errors="replace").splitlines() if ln.strip() and not ln.startswith("#")]
        report.say("  perf report --sort %s (share of %s's CPU samples):" % (sort, server.name))
        for ln in lines[:top]:
            report.say("    " + ln.strip())
    os.unlink(out)


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


def profile(servers, cfg):
    report.say("\n== profile: %d messages of 2 KiB at concurrency 10, perf record and strace -f -c" % cfg.n_profile)
    for s in servers:
        perf_profile(s, cfg.n_profile, cfg)
        strace_profile(s, cfg.n_profile, cfg)
