"""benchmain.py: the benchmark inside its network namespace.

Makes the servers (posta; Postfix with --peer postfix), each in its own
cgroup, then runs the parts asked for: main (the end-to-end table, and its
SVG chart), stages (and the table of what a message costs in each stage),
overload, scale, profile. Returns the exit code: 0 when every run delivered every
message exactly once, 1 otherwise, 111 when nothing could be measured.

Never leaves a server running: both are stopped, their cgroups emptied and
removed, whatever happened.
"""
import os
import subprocess
import time

import cgroup
import chart
import load
import perfcount
import report
import overload
import runs
import scale
import side_posta
import side_postfix
import stages
from prof import profile

DOMAIN = "bench.test"
POSTA_ADDR = ("127.0.0.1", 2525)
POSTFIX_ADDR = ("127.0.0.2", 2525)


class Config:
    """What to run, from the options (see bench/bench)."""

    def __init__(self, a, parent):
        q = a.quick
        self.quick = q
        self.build = a.build
        self.dir = parent
        self.domain = DOMAIN
        self.boxes = a.boxes
        self.n = a.n or (200 if q else 10000)
        self.runs = a.runs or (1 if q else 3)
        self.concs = a.concs
        self.sizes = a.sizes
        self.n_stage = min(self.n, 200 if q else 5000)
        self.stage_size = 2048
        self.n_latency = 30 if q else 200
        self.n_scale = a.scale or (1500 if q else 100000)
        self.n_scale_lat = 20 if q else 50
        self.idle_seconds = 1.0 if q else 10.0
        self.n_profile = 300 if q else 2000
        self.n_overload = a.overload_n or (500 if q else 2000)
        self.overload_conc = 200
        self.banner_timeout = a.banner_timeout
        self.out = a.out
        self.perf_ok = False
        self.perf_why = "not tried"
        self.source = "smtp-source"


def lo_ready():
    """127.0.0.2 on lo (Postfix checks that inet_interfaces is an interface's)."""
    p = subprocess.run(["ip", "-o", "addr", "show", "dev", "lo"], stdout=subprocess.PIPE)
    if b" 127.0.0.2/" not in p.stdout:
        subprocess.run(["ip", "addr", "add", "127.0.0.2/8", "dev", "lo"])


def describe(cfg, servers, notes):
    report.say("posta benchmark%s: %d cores, %s, file system %s under %s" % (
        " (quick)" if cfg.quick else "", os.cpu_count(), os.uname().release,
        subprocess.run(["stat", "-f", "-c", "%T", cfg.dir], stdout=subprocess.PIPE).stdout.decode().strip(),
        cfg.dir))
    report.say("servers: %s" % ", ".join("%s on %s:%d" % (s.name, s.ip, s.port) for s in servers))
    report.say("CPU: %s" % servers[0].group.method)
    report.say("fsyncs, system calls, forks, program starts, page faults: %s" % (
        "perf stat -a -G CGROUP counting the syscalls:sys_enter_fsync, _fdatasync, _syncfs (not _sync_file_range: it makes "
        "nothing durable), raw_syscalls:sys_enter, sched:sched_process_fork and sched:sched_process_exec tracepoints "
        "and the page-faults software event during each timed run"
        if cfg.perf_ok else "n/a: " + cfg.perf_why))
    report.say("PSS: the sum of /proc/PID/smaps_rollup over the server's processes, sampled every 0.2 s")
    for n in notes:
        report.say("note: %s" % n)


def make_servers(a, cfg, notes):
    servers = []
    pg = cgroup.make_group("posta")
    posta = side_posta.Posta(cfg.dir, cfg.build, pg, POSTA_ADDR[0], POSTA_ADDR[1], cfg.boxes, DOMAIN, notes)
    servers.append(posta)
    if a.peer == "postfix":
        fg = cgroup.make_group("postfix")
        servers.append(side_postfix.Postfix(cfg.dir, fg, POSTFIX_ADDR[0], POSTFIX_ADDR[1], cfg.boxes, DOMAIN, notes))
    return servers


def run(a, parent):
    cfg = Config(a, parent)
    notes = [n for n in os.environ.get("BENCH_NOTES", "").split("; ") if n]
    lo_ready()
    if not load.have_smtp_source():
        report.say("bench: fatal: smtp-source is missing (Debian package postfix)")
        return 111
    gone = side_posta.missing(cfg.build, remote=True)
    if gone:
        report.say("bench: posta is not complete in %s: missing %s" % (cfg.build, ", ".join(gone)))
        if set(gone) & set(side_posta.NEEDED):
            report.say("bench: only the stage that needs posta-queue alone can run")
            if "stages" in a.only and "posta-queue" not in gone and "posta-setup" not in gone:
                stages.queue_alone(cfg)
            return 111
    servers = make_servers(a, cfg, notes)
    cfg.perf_why = perfcount.available(servers[0].group)
    cfg.perf_ok = not cfg.perf_why
    failed = False
    try:
        t0 = time.monotonic()
        for s in servers:
            s.setup()
        if a.smtpd_backlog:
            servers[0].set_backlog(a.smtpd_backlog)
        for s in servers:
            s.start()
        report.say("(%d mailboxes per server made and servers started in %.0f s)" % (cfg.boxes, time.monotonic() - t0))
        describe(cfg, servers, notes)
        failed = parts(a, cfg, servers)
    finally:
        for s in servers:
            s.stop()
            s.group.remove()
        cgroup.remove_parent()
    return 1 if failed else 0


def parts(a, cfg, servers):
    """Runs the parts asked for; True when a run failed or duplicated mail."""
    failed = False
    names = [s.name for s in servers]
    results = {}
    if "main" in a.only:
        results = runs.main_table(servers, cfg)
        report.say(report.pss_line(results, names))
        runs.peak_memory_breakdown(results, servers, cfg)
        bad = [r for rs in results.values() for r in rs if r.get("error") or r.get("dups")]
        failed = failed or bool(bad)
        if cfg.out:
            path = cfg.out + ".svg"
            chart.write(path, results, names, cfg.sizes, cfg.concs, "%s: %s, medians of %d run(s) of %d messages" % (
                "make bench-quick" if cfg.quick else "make bench", " against ".join(names), cfg.runs, cfg.n))
            report.say("chart: %s" % path)
    if "stages" in a.only:
        stages.queue_alone(cfg)
        rows = []
        for s in servers:
            rows += stages.smtpd_then_drain(s, cfg)
        rows += stages.end_to_end_rows(results, cfg)
        report.say("\n== what one message of %s costs, stage by stage (end-to-end: the main table's medians)"
                   % report.size_name(cfg.stage_size))
        report.stage_table(rows, names)
        stages.idle_latency(servers, cfg)
    if "overload" in a.only:
        overload.overload(servers, cfg)
    if "profile" in a.only and cfg.perf_ok:
        profile(servers, cfg)
    if "scale" in a.only:
        if side_posta.missing(cfg.build, remote=True):
            report.say("\n== scale: skipped, posta-remote is missing")
        else:
            scale.scale(servers, cfg)
    return failed
