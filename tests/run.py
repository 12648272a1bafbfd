#!/usr/bin/python3
"""posta's test runner: every cmocka unit test, then every integration test.

Unit tests are the binaries BUILD/tests/test_*; integration tests are the
python modules tests/test_*.py (unittest). Each integration module runs in a
process of its own and, as root, in a network namespace of its own with
loopback up: ports 25 and 53 are free there, no packet leaves the machine,
and modules can run side by side (--jobs, default the number of cores).

With --build-asan, everything runs a second time against the programs built
with -fsanitize=address,undefined; their reports land in one folder and each
one counts as a failure.

Ends with "N passed, N failed" and exits 1 when anything failed.
"""
import argparse
import concurrent.futures
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
MODULE_TIMEOUT = 900
print_lock = threading.Lock()


def say(text):
    with print_lock:
        sys.stdout.write(text)
        sys.stdout.flush()


def unit_one(path, env):
    """Runs one cmocka binary; returns (output, passed, failed)."""
    b = os.path.basename(path)
    try:
        p = subprocess.run([path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=dict(env, CMOCKA_MESSAGE_OUTPUT="STDOUT"), timeout=300)
        out, rc = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired:
        out, rc = "%s: timed out\n" % b, -1
    ok = sum(int(n) for n in re.findall(r"^\[  PASSED  \] (\d+) test", out, re.M))
    bad = sum(int(n) for n in re.findall(r"^\[  FAILED  \] (\d+) test", out, re.M))
    if rc != 0 and bad == 0:
        out += "%s: exited %d without a cmocka summary\n" % (b, rc)
        bad = 1
    return out, ok, bad


def run_unit(build, env, jobs):
    """Every unit test of build, jobs at a time (they share nothing: each
    makes its own temporary folder); output in name order."""
    passed = failed = 0
    tdir = os.path.join(build, "tests")
    bins = sorted(f for f in os.listdir(tdir) if f.startswith("test_")) if os.path.isdir(tdir) else []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for out, ok, bad in pool.map(lambda b: unit_one(os.path.join(tdir, b), env), bins):
            say(out)
            passed += ok
            failed += bad
    return passed, failed


def parse_unittest(out, rc):
    """(passed, failed) from unittest's summary of one module."""
    m = re.search(r"^Ran (\d+) tests? in", out, re.M)
    if not m:
        return 0, 1
    ran = int(m.group(1))
    # "expected failures=N" is a pass (unittest.expectedFailure), not a failure
    fails = sum(int(n) for n in re.findall(r"(?<!expected )(?:failures|errors|unexpected successes)=(\d+)",
                                           out.split("\nRan ")[-1]))
    skipped = sum(int(n) for n in re.findall(r"skipped=(\d+)", out.split("\nRan ")[-1]))
    if rc != 0 and fails == 0:
        fails = 1
    return max(0, ran - fails - skipped), fails


def run_module(module, build, env, netns):
    """Runs one integration module; returns (passed, failed, seconds)."""
    cmd = [sys.executable, "-m", "unittest", "-v", module[:-3]]
    env = dict(env, POSTA_BUILD=os.path.abspath(build),
               PYTHONPATH=os.pathsep.join([os.path.join(HERE, "lib"), HERE]))
    if netns:
        cmd = ["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"] + cmd
        env["POSTA_NETNS"] = "1"
    t0 = time.time()
    try:
        p = subprocess.run(cmd, cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=MODULE_TIMEOUT)
        out, rc = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace") + "\n%s: timed out after %d s\n" % (module, MODULE_TIMEOUT)
        rc = -1
    secs = time.time() - t0
    passed, failed = parse_unittest(out, rc)
    say("\n=== %s [%s] %.1f s: %d passed, %d failed\n%s" % (module, os.path.basename(build), secs, passed, failed, out))
    return passed, failed, secs


def sanitizer_env(env):
    """Sanitizer reports of every program go to files in one folder that
    every uid can write."""
    d = tempfile.mkdtemp(prefix="posta-san-")
    os.chmod(d, 0o1777)
    env = dict(env)
    env["ASAN_OPTIONS"] = "log_path=%s/asan:abort_on_error=0:detect_leaks=0" % d
    env["UBSAN_OPTIONS"] = "log_path=%s/ubsan:print_stacktrace=1:halt_on_error=1" % d
    return env, d


def sanitizer_reports(d):
    reports = []
    for f in sorted(os.listdir(d)):
        with open(os.path.join(d, f), errors="replace") as fh:
            reports.append("%s:\n%s" % (f, fh.read()))
    return reports


def load_times(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--build-asan", default=None,
                    help="also run every test against this sanitizer build")
    ap.add_argument("--unit-only", action="store_true")
    ap.add_argument("--integration-only", action="store_true")
    ap.add_argument("-k", "--pattern", default="test_*.py", help="integration test file pattern")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    # Debian's python3 has the packages the tests use (python3-aiosmtpd);
    # another python3 first in PATH (pyenv) would not
    system = "/usr/bin/python3"
    if os.path.exists(system) and os.path.realpath(sys.executable) != os.path.realpath(system):
        os.execv(system, [system] + sys.argv)

    netns = os.geteuid() == 0
    builds = [(a.build, dict(os.environ), None)]
    if a.build_asan:
        env, sandir = sanitizer_env(os.environ)
        builds.append((a.build_asan, env, sandir))

    passed = failed = 0
    t0 = time.time()
    if not a.integration_only:
        for build, env, _ in builds:
            say("\n=== unit tests [%s]\n" % os.path.basename(build))
            p, f = run_unit(build, env, a.jobs)
            passed += p
            failed += f

    if not a.unit_only:
        modules = sorted(m for m in os.listdir(HERE) if fnmatch.fnmatch(m, a.pattern) and m.endswith(".py"))
        times_file = os.path.join(a.build, "test-times.json")
        # a clean clone has no times of its own yet: the committed ones of
        # a past run order its jobs, or the longest might start last
        times = load_times(os.path.join(HERE, "test-times.json"))
        times.update(load_times(times_file))
        jobs = [(m, build, env) for build, env, _ in builds for m in modules]
        # the longest first, so that two workers finish together
        jobs.sort(key=lambda j: -times.get("%s:%s" % (os.path.basename(j[1]), j[0]), 60))
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            futures = {pool.submit(run_module, m, b, e, netns): (m, b) for m, b, e in jobs}
            for fut in concurrent.futures.as_completed(futures):
                m, b = futures[fut]
                p, f, secs = fut.result()
                passed += p
                failed += f
                times["%s:%s" % (os.path.basename(b), m)] = round(secs, 1)
        try:
            with open(times_file, "w") as fh:
                json.dump(times, fh, indent=1, sort_keys=True)
        except OSError:
            pass

    for build, _, sandir in builds:
        if sandir:
            reports = sanitizer_reports(sandir)
            for r in reports:
                say(r + "\n")
            if reports:
                say("%d sanitizer report(s)\n" % len(reports))
                failed += len(reports)
    say("tests took %.1f s\n" % (time.time() - t0))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
