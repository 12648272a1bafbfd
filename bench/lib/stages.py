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


def _counted(group, cfg):
    c = perfcount.Counter(group).start() if cfg.perf_ok else None
    if c:
        time.sleep(0.5)
    return c


def _per_msg(counter, n):
    if not counter:
        return "fsync n/a, syscalls n/a"
    c = counter.stop()
    syncs = sum(c.get(k) or 0 for k in ("fsync", "fdatasync"))
    return "fsync %.2f/msg, %.0f syscalls/msg, %.2f forks/msg" % (syncs / n, (c.get("syscalls") or 0) / n,
                                                                  (c.get("forks") or 0) / n)


def smtpd_then_drain(posta, cfg):
    """posta-smtpd alone at each concurrency, then posta-send's drain."""
    report.say("\n== stage: posta-smtpd into the queue alone (posta-send down), %d messages of %s a run"
               % (cfg.n_stage, report.size_name(cfg.stage_size)))
    if posta.queue_size():
        report.say("  skipped: the queue is not empty")
        return
    posta.down("posta-send")
    maildirs.empty(posta.maildirs)
    total = 0
    try:
        for conc in cfg.concs:
            counter = _counted(posta.group, cfg)
            with PssSampler(posta.group) as pss:
                cpu0 = posta.group.cpu_usec()
                secs, err = load.smtp_source(posta.ip, posta.port, cfg.n_stage, conc, cfg.stage_size,
                                             cfg.boxes, cfg.domain, prog=cfg.source)
                cpu1 = posta.group.cpu_usec()
            per = _per_msg(counter, cfg.n_stage)
            if err:
                report.say("  c=%-3d FAILED: %s" % (conc, err))
                continue
            total += cfg.n_stage
            report.say("  c=%-3d %6.0f msg/s, CPU %.2f ms/msg, peak PSS %.1f MiB, %s"
                       % (conc, cfg.n_stage / secs, (cpu1 - cpu0) / 1000.0 / cfg.n_stage,
                          pss.peak_kib / 1024.0, per))
    finally:
        queued = posta.queue_size()
        report.say("  queued: %d messages (expected %d)" % (queued, total))
        drain(posta, cfg, queued)


def drain(posta, cfg, total):
    report.say("\n== stage: posta-send + posta-lspawn + posta-local alone: draining %d queued messages" % total)
    with maildirs.Arrivals(posta.maildirs) as arr:
        counter = _counted(posta.group, cfg)
        with PssSampler(posta.group) as pss:
            cpu0 = posta.group.cpu_usec()
            t0 = time.monotonic()
            posta.up("posta-send")
            ready = time.monotonic() - t0
            last = runs.wait_delivered(arr, posta, total, max(300, total / 5)) if total else t0
            if not posta.wait_queue_empty(120):
                report.say("  the queue did not empty")
            cpu1 = posta.group.cpu_usec()
        per = _per_msg(counter, max(total, 1))
        if last is None:
            report.say("  FAILED: %d of %d messages arrived" % (arr.count(), total))
            return
        if total:
            report.say("  %.0f msg/s (posta-send ready after %.2f s), CPU %.2f ms/msg, peak PSS %.1f MiB, %s%s"
                       % (total / (last - t0), ready, (cpu1 - cpu0) / 1000.0 / total, pss.peak_kib / 1024.0, per,
                          "" if arr.count() == total else ", %d delivered twice" % (arr.count() - total)))


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
