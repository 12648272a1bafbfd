#!/usr/bin/python3
"""posta's test runner: every cmocka unit test, then every integration test.

Unit tests are the binaries BUILD/tests/test_*; integration tests are the
python modules tests/test_*.py (unittest). Run as root, the integration tests
run inside a private network namespace with loopback up, so that ports 25 and
53 are free and no packet leaves the machine. Ends with "N passed, N failed"
and exits 1 when anything failed.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def run_unit(build):
    passed = failed = 0
    tdir = os.path.join(build, "tests")
    bins = sorted(f for f in os.listdir(tdir) if f.startswith("test_")) if os.path.isdir(tdir) else []
    for b in bins:
        path = os.path.join(tdir, b)
        p = subprocess.run([path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=dict(os.environ, CMOCKA_MESSAGE_OUTPUT="STDOUT"), timeout=300)
        out = p.stdout.decode("utf-8", "replace")
        sys.stdout.write(out)
        ok = sum(int(n) for n in re.findall(r"^\[  PASSED  \] (\d+) test", out, re.M))
        bad = sum(int(n) for n in re.findall(r"^\[  FAILED  \] (\d+) test", out, re.M))
        if p.returncode != 0 and bad == 0:
            print("%s: exited %d without a cmocka summary" % (b, p.returncode))
            bad = 1
        passed += ok
        failed += bad
    return passed, failed


class CountingResult(unittest.TextTestResult):
    pass


def run_integration(build, pattern, verbosity):
    os.environ["POSTA_BUILD"] = os.path.abspath(build)
    sys.path.insert(0, os.path.join(HERE, "lib"))
    sys.path.insert(0, HERE)
    loader = unittest.TestLoader()
    suite = loader.discover(HERE, pattern=pattern, top_level_dir=HERE)
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=verbosity, resultclass=CountingResult)
    t0 = time.time()
    result = runner.run(suite)
    bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    good = result.testsRun - bad - len(result.skipped)
    print("integration tests took %.1f s" % (time.time() - t0))
    return good, bad


def sanitizer_env():
    """Sanitizer reports of every program go to files in one folder that
    every uid can write; the run fails if any appear."""
    d = tempfile.mkdtemp(prefix="posta-san-")
    os.chmod(d, 0o1777)
    os.environ["ASAN_OPTIONS"] = "log_path=%s/asan:abort_on_error=0:detect_leaks=0" % d
    os.environ["UBSAN_OPTIONS"] = "log_path=%s/ubsan:print_stacktrace=1:halt_on_error=1" % d
    return d


def sanitizer_reports(d):
    reports = []
    for f in sorted(os.listdir(d)):
        with open(os.path.join(d, f), errors="replace") as fh:
            reports.append("%s:\n%s" % (f, fh.read()))
    return reports


def in_private_netns():
    return os.environ.get("POSTA_NETNS") == "1"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--build-asan", default=None,
                    help="also run every test against this sanitizer build")
    ap.add_argument("--unit-only", action="store_true")
    ap.add_argument("--integration-only", action="store_true")
    ap.add_argument("-k", "--pattern", default="test_*.py", help="integration test file pattern")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    if os.geteuid() == 0 and not in_private_netns() and not a.unit_only:
        # Re-run inside a new network namespace: loopback only, nothing leaks.
        cmd = ["unshare", "--net", "--", "sh", "-c",
               'ip link set lo up && exec "$@"', "sh", sys.executable] + sys.argv
        os.environ["POSTA_NETNS"] = "1"
        os.execvp("unshare", cmd)

    passed = failed = 0
    if a.build_asan:
        # the sanitizer run happens in a child, so that every module (and
        # tests/lib/posta.py's BIN) is imported afresh for that build
        print("\n=== with the programs built with -fsanitize=address,undefined (%s) ===" % a.build_asan)
        sandir = sanitizer_env()
        cmd = [sys.executable, os.path.abspath(__file__), "--build", a.build_asan, "-k", a.pattern]
        if a.unit_only:
            cmd.append("--unit-only")
        if a.integration_only:
            cmd.append("--integration-only")
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode("utf-8", "replace")
        sys.stdout.write(out)
        m = re.findall(r"^(\d+) passed, (\d+) failed$", out, re.M)
        if m:
            passed += int(m[-1][0])
            failed += int(m[-1][1])
        else:
            print("the sanitizer run ended without a summary")
            failed += 1
        reports = sanitizer_reports(sandir)
        for r in reports:
            print(r)
        if reports:
            print("%d sanitizer report(s)" % len(reports))
            failed += len(reports)
        print("\n=== with the normal build (%s) ===" % a.build)
    if not a.integration_only:
        p, f = run_unit(a.build)
        passed += p
        failed += f
    if not a.unit_only:
        p, f = run_integration(a.build, a.pattern, 2)
        passed += p
        failed += f
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
