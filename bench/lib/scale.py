"""scale.py: a big queue of deferred mail, and new local mail behind it.

For each server: on the empty queue, the latency of M local messages sent
one at a time, the queue manager's memory (posta-send; Postfix's qmgr) and
the whole instance's idle CPU; then D messages to DEAD_DOMAIN, whose route
is a loopback port where every connection is refused, sent with smtp-source
at concurrency 20 while the server runs; once the server is quiet again
(every message accepted and tried, less than 5% of a core used for 2 s),
the same figures again. For posta, posta-send is then restarted and the
time until it is ready and the latency of the first local message after it
are measured too.

Never leaves the deferred mail behind: the server is stopped and its folder
removed by the caller afterwards.
"""
import time

import load
import report
import runs
from side_posta import DEAD_DOMAIN
from stages import latency

FILL_CONC = 20


def memory(pid):
    """(Pss, VmRSS, VmHWM) of pid in MiB, or Nones."""
    if pid is None:
        return None, None, None
    out = {}
    for fn, keys in (("smaps_rollup", ("Pss:",)), ("status", ("VmRSS:", "VmHWM:"))):
        try:
            with open("/proc/%d/%s" % (pid, fn)) as f:
                for line in f:
                    for k in keys:
                        if line.startswith(k):
                            out[k] = int(line.split()[1]) / 1024.0
        except OSError:
            pass
    return out.get("Pss:"), out.get("VmRSS:"), out.get("VmHWM:")


def idle_cpu(group, seconds):
    """CPU ms per second the group uses while nothing is sent."""
    c0, t0 = group.cpu_usec(), time.monotonic()
    time.sleep(seconds)
    return (group.cpu_usec() - c0) / 1000.0 / (time.monotonic() - t0)


def figures(server, cfg, label):
    lat, err = latency(server, cfg.n_scale_lat, cfg.stage_size, cfg)
    pss, rss, hwm = memory(server.manager_pid())
    idle = idle_cpu(server.group, cfg.idle_seconds)
    report.say("  %-8s %-22s latency median %s ms, p99 %s ms; manager PSS %s MiB, RSS %s MiB (peak %s); "
               "idle CPU %s ms/s%s"
               % (server.name, label, report.fmt(report.median(lat), 2), report.fmt(report.percentile(lat, 99), 2),
                  report.fmt(pss, 2), report.fmt(rss, 2), report.fmt(hwm, 2), report.fmt(idle, 2),
                  "  FAILED: " + err if err else ""))
    return dict(lat=report.median(lat), p99=report.percentile(lat, 99), pss=pss, rss=rss, idle=idle)


def fill(server, cfg):
    """D deferred messages; returns the accept rate, or None."""
    t0 = time.monotonic()
    secs, err = load.smtp_source(server.ip, server.port, cfg.n_scale, FILL_CONC, cfg.stage_size, cfg.boxes,
                                 DEAD_DOMAIN, prog=cfg.source)
    if err:
        report.say("  %-8s fill FAILED: %s" % (server.name, err))
        return None
    deadline = time.monotonic() + 3600
    while server.queue_size() < cfg.n_scale and time.monotonic() < deadline:
        time.sleep(1)
    runs.quiet(server.group, seconds=2.0, busy=0.05, timeout=3600)
    report.say("  %-8s filled: %d messages at %.0f msg/s, quiet %.0f s after the first, %d in the queue"
               % (server.name, cfg.n_scale, cfg.n_scale / secs, time.monotonic() - t0, server.queue_size()))
    return cfg.n_scale / secs


def restart(server, cfg):
    """posta only: posta-send restarted with the big queue."""
    t0 = time.monotonic()
    server.down("posta-send")
    server.up("posta-send", timeout=3600)
    ready = time.monotonic() - t0
    lat, err = latency(server, 1, cfg.stage_size, cfg)
    report.say("  %-8s posta-send restarted: ready after %.2f s, then one local message in %s ms%s"
               % (server.name, ready, report.fmt(lat[0] if lat else None, 2), "  FAILED: " + err if err else ""))


def scale(servers, cfg):
    report.say("\n== scale: %d deferred messages (to %s, connection refused), then local mail; %d messages "
               "one at a time" % (cfg.n_scale, DEAD_DOMAIN, cfg.n_scale_lat))
    res = {}
    for s in servers:
        if s.queue_size():
            report.say("  %s skipped: its queue is not empty" % s.name)
            continue
        empty = figures(s, cfg, "empty queue:")
        if fill(s, cfg) is None:
            continue
        full = figures(s, cfg, "%d deferred:" % s.queue_size())
        res[s.name] = (empty, full)
        if s.name == "posta":
            restart(s, cfg)
    if len(res) == 2:
        (a0, a1), (b0, b1) = (res[s.name] for s in servers)
        report.say("  ratio with the full queue: latency median %s, manager PSS %s, idle CPU %s"
                   % (report.ratio(a1["lat"], b1["lat"]), report.ratio(a1["pss"], b1["pss"]),
                      report.ratio(a1["idle"], b1["idle"])))
    return res
