"""stages.py: where the time goes, stage by stage.

- posta-queue alone: bench/queue-alone (its own instance, nothing else runs).
- posta-smtpd into the queue alone: posta-send down, smtp-source at each
  concurrency; what is measured is tcpserver + posta-smtpd + posta-queue.
- posta-send + posta-local alone: the queue those runs filled is drained by
  posta-send, started once they are done; timed until the last message is
  in new/.
- idle latency: M messages one at a time on an idle server, from the 250
  that answers the final dot to the file in new/ (inotify): median, p99.

Never runs a stage on a server whose queue is not empty when it starts.
"""
import os
import subprocess
import sys
import time

import load
import maildirs
import perfcount
import report
import runs
from cgroup import PssSampler

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def queue_alone(cfg):
    report.say("\n== stage: posta-queue alone (bench/queue-alone%s)" % (" --quick" if cfg.quick else ""))
    cmd = [sys.executable, os.path.join(HERE, "queue-alone"), "--build", cfg.build, "--dir", cfg.dir]
    if cfg.quick:
        cmd.append("--quick")
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for line in p.stdout.decode(errors="replace").splitlines():
        report.say("  " + line)
    if p.returncode:
        report.say("  queue-alone exited %d" % p.returncode)


class Measure:
    """CPU, peak PSS and perf's counts of one group over a with block;
    figures(n) gives them per message (report.STAGE_COLUMNS' keys)."""

    def __init__(self, group, cfg):
        self.group = group
        self.counter = perfcount.Counter(group).start() if cfg.perf_ok else None
        self.pss = PssSampler(group)
        self.counts = {}

    def __enter__(self):
        if self.counter:
            time.sleep(0.5)
        self.pss.__enter__()
        self.cpu0 = self.group.cpu_usec()
        return self

    def __exit__(self, *exc):
        self.cpu1 = self.group.cpu_usec()
        self.pss.__exit__(*exc)
        if self.counter:
            self.counts = self.counter.stop()

    def figures(self, n):
        f = {"cpu_ms": (self.cpu1 - self.cpu0) / 1000.0 / n, "pss_mib": self.pss.peak_kib / 1024.0}
        f.update(perfcount.per_message(self.counts, n))
        return f


def _line(server, conc, f, extra=""):
    return "  %-8s c=%-3s %6s msg/s, CPU %s ms/msg, peak PSS %s MiB, fsync %s/msg, %s syscalls/msg, " \
           "%s forks/msg, %s execs/msg, %s faults/msg%s" % (
               server, conc, report.fmt(f.get("rate"), 0), report.fmt(f.get("cpu_ms"), 2),
               report.fmt(f.get("pss_mib"), 1), report.fmt(f.get("fsync"), 2), report.fmt(f.get("syscalls"), 0),
               report.fmt(f.get("forks"), 2), report.fmt(f.get("execs"), 2), report.fmt(f.get("faults"), 0), extra)


def smtpd_then_drain(server, cfg):
    """The server's SMTP side alone at each concurrency (its queue held:
    posta-send down, Postfix's mail filed in hold/), then the
    delivery of what they queued. Returns stage rows for report.stage_table."""
    rows = []
    report.say("\n== stage: %s, SMTP into the queue alone (%s), %d messages of %s a run"
               % (server.name, server.hold_what, cfg.n_stage, report.size_name(cfg.stage_size)))
    if server.queue_size():
        report.say("  skipped: the queue is not empty")
        return rows
    server.hold()
    maildirs.empty(server.maildirs)
    total = 0
    try:
        for conc in cfg.concs:
            with Measure(server.group, cfg) as m:
                secs, err = load.smtp_source(server.ip, server.port, cfg.n_stage, conc, cfg.stage_size,
                                             cfg.boxes, cfg.domain, prog=cfg.source)
            if err:
                report.say("  c=%-3d FAILED: %s" % (conc, err))
                continue
            total += cfg.n_stage
            f = m.figures(cfg.n_stage)
            f["rate"] = cfg.n_stage / secs
            rows.append(("smtpd->queue", server.name, cfg.stage_size, conc, f))
            report.say(_line(server.name, conc, f))
    finally:
        time.sleep(0.5)
        queued = server.queue_size()
        report.say("  queued: %d messages (expected %d)" % (queued, total))
        row = drain(server, cfg, queued)
    if row:
        rows.append(("delivery", server.name, cfg.stage_size, "all", row))
    return rows


def drain(server, cfg, total):
    report.say("\n== stage: %s, delivery alone: %s draining %d queued messages" % (server.name, server.manager, total))
    with maildirs.Arrivals(server.maildirs) as arr:
        with Measure(server.group, cfg) as m:
            t0 = time.monotonic()
            server.release()
            ready = time.monotonic() - t0
            last = runs.wait_delivered(arr, server, total, max(300, total / 5)) if total else t0
            if not server.wait_queue_empty(120):
                report.say("  the queue did not empty")
        if last is None:
            report.say("  FAILED: %d of %d messages arrived" % (arr.count(), total))
            return None
        if not total:
            return None
        f = m.figures(total)
        f["rate"] = total / (last - t0)
        report.say(_line(server.name, "all", f, " (%s ready after %.2f s)%s" % (
            server.manager, ready, "" if arr.count() == total else ", %d delivered twice" % (arr.count() - total))))
        return f


def end_to_end_rows(results, cfg):
    """The main table's medians at the stage's message size, as stage rows."""
    rows = []
    for (name, size, conc), rs in results.items():
        if size != cfg.stage_size:
            continue
        med = report.medians(rs)
        med["rate"] = med.get("e2e")
        rows.append(("end-to-end", name, size, conc, med))
    return rows


def latency(server, m, size, cfg, first_box=1):
    """Latencies in ms of m messages sent one at a time, or an error text."""
    out = []
    with maildirs.Arrivals(server.maildirs) as arr:
        for i in range(m):
            k = first_box + i % cfg.boxes
            before = arr.count()
            try:
                t250 = load.one_message(server.ip, server.port, load.mailbox(k, cfg.domain), size, i)
            except Exception as e:  # a refused message ends the series, with its reason
                return out, "message %d: %s" % (i + 1, e)
            t = arr.wait(before + 1, timeout=120)
            if t is None:
                return out, "message %d never arrived" % (i + 1)
            out.append((t - t250) * 1000.0)
            time.sleep(0.05)
    return out, None


def idle_latency(servers, cfg):
    report.say("\n== idle latency: %d messages of %s one at a time, 250 after the final dot -> file in new/"
               % (cfg.n_latency, report.size_name(cfg.stage_size)))
    res = {}
    for s in servers:
        maildirs.empty(s.maildirs)
        lat, err = latency(s, cfg.n_latency, cfg.stage_size, cfg)
        res[s.name] = lat
        report.say("  %-8s median %s ms, p99 %s ms, max %s ms%s"
                   % (s.name, report.fmt(report.median(lat), 2), report.fmt(report.percentile(lat, 99), 2),
                      report.fmt(max(lat) if lat else None, 2), "  FAILED: " + err if err else ""))
    if len(servers) == 2:
        a, b = (res[s.name] for s in servers)
        report.say("  ratio    median %s, p99 %s" % (report.ratio(report.median(a), report.median(b)),
                                                     report.ratio(report.percentile(a, 99),
                                                                  report.percentile(b, 99))))
    return res
