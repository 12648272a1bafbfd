#!/usr/bin/python3
"""run.py: runs posta's libFuzzer harnesses (build-fuzz/fuzz/fuzz_NAME).

    run.py --build DIR --smoke [NAME...]      each harness for a fixed number
                                              of runs (make check's smoke run)
    run.py --build DIR --seconds N [NAME...]  each harness for N seconds

For each harness, the saved inputs of tests/fuzz/regress/NAME/ (every crash
found so far) are replayed first; then the fuzzer starts from the seeds of
tests/fuzz/corpus/NAME/ and the corpus it grew in earlier runs
(DIR/corpus/NAME/, not committed; the smoke run starts from the seeds
alone). A crash leaves its input in
DIR/crashes/. Two harnesses run at once (the machine has two cores).
Prints one line per harness (executions, seconds, result) and exits 1 when
any failed.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# max_len: the longest input worth trying; smoke: runs in make check (set so
# that each harness takes a few seconds on a small machine)
HARNESS = {
    "addr": dict(max_len=1100, smoke=400000),
    "assign": dict(max_len=4096, smoke=60000),
    "control": dict(max_len=4096, smoke=15000),
    "dnsplan": dict(max_len=2048, smoke=300000),
    "domains": dict(max_len=2048, smoke=10000),
    "dotqmail": dict(max_len=600, smoke=100000),
    "esc": dict(max_len=2048, smoke=100000),
    "envelope": dict(max_len=4096, smoke=500000),
    "inject_addr": dict(max_len=4096, smoke=300000),
    "inject_head": dict(max_len=8192, smoke=100000),
    "instr": dict(max_len=4096, smoke=300000),
    "loopcheck": dict(max_len=8192, smoke=100000),
    "rec": dict(max_len=4096, smoke=500000),
    "remote_session": dict(max_len=8192, smoke=50000),
    "smtpd_data": dict(max_len=8192, smoke=200000),
    "smtpd_line": dict(max_len=4096, smoke=150000),
    "smtpd_param": dict(max_len=1024, smoke=500000),
    # its log lines (a warning per session) would fill the log: stderr closed
    "smtpd_session": dict(max_len=8192, smoke=30000, flags=["-close_fd_mask=2"]),
    "smtpreply": dict(max_len=8192, smoke=200000),
}
DEFAULT = dict(max_len=4096, smoke=10000)


def harness_env():
    env = dict(os.environ)
    # the test runner's sanitizer settings write reports to files: here they
    # must reach libFuzzer's stderr
    env.pop("ASAN_OPTIONS", None)
    env.pop("UBSAN_OPTIONS", None)
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    return env


def replay(binary, name, log):
    d = os.path.join(HERE, "regress", name)
    files = sorted(os.path.join(d, f) for f in os.listdir(d)) if os.path.isdir(d) else []
    if not files:
        return 0, True
    p = subprocess.run([binary, "-runs=1"] + files, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=harness_env(), timeout=600)
    log.write(p.stdout.decode("utf-8", "replace"))
    return len(files), p.returncode == 0


def fuzz_one(build, name, seconds, smoke):
    binary = os.path.join(build, "fuzz", "fuzz_" + name)
    conf = HARNESS.get(name, DEFAULT)
    # absolute: some harnesses work in a folder of their own
    build = os.path.abspath(build)
    # the smoke run starts from the seeds alone, in a corpus it throws
    # away, so that it takes the same time however long make fuzz has run
    work = os.path.join(build, "smoke" if smoke else "corpus", name)
    if smoke:
        shutil.rmtree(work, ignore_errors=True)
    seeds = os.path.join(HERE, "corpus", name)
    crashes = os.path.join(build, "crashes")
    os.makedirs(work, exist_ok=True)
    os.makedirs(crashes, exist_ok=True)
    logname = os.path.join(build, "fuzz-%s.log" % name)
    t0 = time.time()
    with open(logname, "w") as log:
        nrep, ok = replay(binary, name, log)
        if not ok:
            return name, 0, time.time() - t0, "FAILED replaying tests/fuzz/regress/%s (see %s)" % (name, logname)
        cmd = [binary, "-max_len=%d" % conf["max_len"], "-timeout=20", "-rss_limit_mb=2048",
               "-print_final_stats=1", "-artifact_prefix=%s/%s-" % (crashes, name)]
        cmd += conf.get("flags", [])
        if smoke:
            cmd += ["-runs=%d" % conf["smoke"], "-seed=1"]
        else:
            cmd += ["-max_total_time=%d" % seconds]
        cmd += [work] + ([seeds] if os.path.isdir(seeds) else [])
        log.write("$ %s\n" % " ".join(cmd))
        log.flush()
        p = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=harness_env())
    with open(logname, errors="replace") as f:
        text = f.read()
    m = re.findall(r"stat::number_of_executed_units:\s*(\d+)", text)
    execs = int(m[-1]) if m else 0
    dt = time.time() - t0
    if p.returncode != 0:
        crash = re.findall(r"Test unit written to (\S+)", text)
        return name, execs, dt, "FAILED (%s)%s" % (logname, " input: " + crash[-1] if crash else "")
    return name, execs, dt, "ok (%d regression inputs)" % nrep


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build-fuzz")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    have = sorted(f[5:] for f in os.listdir(os.path.join(a.build, "fuzz")) if f.startswith("fuzz_"))
    names = a.names or have
    for n in names:
        if n not in have:
            sys.exit("run.py: no harness %s in %s/fuzz" % (n, a.build))
    failed = 0
    total = 0
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        for name, execs, dt, what in ex.map(lambda n: fuzz_one(a.build, n, a.seconds, a.smoke), names):
            print("fuzz %-16s %10d executions %7.1f s  %s" % (name, execs, dt, what), flush=True)
            total += execs
            if not what.startswith("ok"):
                failed += 1
    print("fuzz: %d harnesses, %d executions in %.1f s, %d failed" % (len(names), total, time.time() - t0, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
