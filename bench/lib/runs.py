"""runs.py: one measured run of the main table, and the main table itself.

A run: the server's Maildirs emptied and the disk synced; then smtp-source
sends N messages at concurrency C; accept rate is N over the time until
smtp-source is done, end-to-end rate N over the time until the N-th message
is in a new/ folder (inotify, maildirs.py). CPU is the cgroup's from the
first connection until the queue is empty again; PSS the highest sum over
the run (cgroup.PssSampler); fsyncs, system calls and forks come from perf
counting in the cgroup during the run (perfcount.py), or are n/a;
so do program starts (execve) and page faults.

Runs alternate between the servers, case by case, and the order of the
servers is swapped every repetition, so that neither always runs first.

Never leaves a server's Maildirs full: each run starts by emptying them.
"""
import os
import time

import load
import maildirs
import perfcount
import report
from cgroup import PssSampler


def quiet(group, seconds=2.0, busy=0.05, timeout=1800):
    """Waits until group used less than busy of one core for seconds in a
    row; returns False after timeout."""
    deadline = time.monotonic() + timeout
    last_t, last_c = time.monotonic(), group.cpu_usec()
    calm = 0.0
    while time.monotonic() < deadline:
        time.sleep(0.5)
        t, c = time.monotonic(), group.cpu_usec()
        calm = calm + (t - last_t) if (c - last_c) / 1e6 < busy * (t - last_t) else 0.0
        if calm >= seconds:
            return True
        last_t, last_c = t, c
    return False


def wait_delivered(arr, server, n, timeout):
    """The monotonic time of the n-th arrival, or None when the queue is
    empty and nothing arrived for 5 s (a message is lost), or after
    timeout seconds."""
    deadline = time.monotonic() + timeout
    seen, still = -1, time.monotonic()
    while time.monotonic() < deadline:
        t = arr.wait(n, timeout=1.0)
        if t is not None:
            return t
        c = arr.count()
        if c != seen:
            seen, still = c, time.monotonic()
        elif time.monotonic() - still > 5 and server.queue_size() == 0:
            return None
    return None


def measured_run(server, n, conc, size, cfg):
    """One run; returns a dict of figures (report.COLUMNS' keys), with
    "error" set when the run failed."""
    group = server.group
    maildirs.empty(server.maildirs)
    os.sync()
    r = {}
    counter = perfcount.Counter(group).start() if cfg.perf_ok else None
    time.sleep(0.5 if counter else 0.0)
    with maildirs.Arrivals(server.maildirs) as arr, PssSampler(group) as pss:
        cpu0 = group.cpu_usec()
        t0 = time.monotonic()
        secs, err = load.smtp_source(server.ip, server.port, n, conc, size, cfg.boxes, cfg.domain, prog=cfg.source)
        if err:
            r["error"] = err
        else:
            r["accept"] = n / secs
            last = wait_delivered(arr, server, n, timeout=max(300, n / 5))
            if last is None:
                r["error"] = "only %d of %d messages arrived%s" % (
                    arr.count(), n, " and the queue is empty: lost" if server.queue_size() == 0 else "")
            else:
                r["e2e"] = n / (last - t0)
        if not server.wait_queue_empty(timeout=120):
            r.setdefault("error", "the queue did not empty")
        cpu1 = group.cpu_usec()
        time.sleep(0.3)
        r["dups"] = max(0, arr.count() - n)
    r["cpu_ms"] = (cpu1 - cpu0) / 1000.0 / n
    r["pss_mib"] = pss.peak_kib / 1024.0
    r["pss_by"] = pss.peak_by_comm
    if counter:
        r.update(perfcount.per_message(counter.stop(), n))
    return r


def main_table(servers, cfg):
    """Every case, cfg.runs times, servers alternating; prints each run and
    then the medians. Returns results[(server, size, conc)] = [runs]."""
    cases = [(size, conc) for size in cfg.sizes for conc in cfg.concs]
    results = {}
    report.say("\n== end to end: %d messages a run to %d mailboxes, smtp-source, medians of %d run(s)"
               % (cfg.n, cfg.boxes, cfg.runs))
    for rep in range(cfg.runs):
        order = servers if rep % 2 == 0 else list(reversed(servers))
        for size, conc in cases:
            for s in order:
                try:
                    r = measured_run(s, cfg.n, conc, size, cfg)
                except OSError as e:   # the server's folders gone, a tool missing...
                    r = {"error": "%s: %s" % (type(e).__name__, e)}
                results.setdefault((s.name, size, conc), []).append(r)
                report.run_line(s.name, size, conc, rep, r)
    report.say("")
    report.main_table(results, [s.name for s in servers], cases)
    return results


def peak_memory_breakdown(results, servers, cfg):
    """Which processes made up the peak PSS of the busiest case."""
    for s in servers:
        runs = [r for (name, _, _), rs in results.items() if name == s.name for r in rs if r.get("pss_by")]
        if not runs:
            continue
        top = max(runs, key=lambda r: r.get("pss_mib") or 0)
        parts = sorted(top["pss_by"].items(), key=lambda kv: -kv[1])[:8]
        report.say("  %s at its peak (%.1f MiB): %s" % (s.name, top["pss_mib"],
                   ", ".join("%s %.1f" % (c, k / 1024.0) for c, k in parts)))
