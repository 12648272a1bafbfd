#!/usr/bin/python3
"""bench_user.py: posta-user with many mailboxes.

    python3 tests/bench_user.py [-n MAILBOXES]

Makes an instance (as root: privilege-separated), imports MAILBOXES
mailboxes (100000) in ten domains with one posta-user import, then times
one posta-user add among them, one export, one import of a file of
ten new mailboxes, and the time of posta-smtpd's RCPT check (a pooled
posta-smtpd on loopback, 1000 RCPT to mailboxes picked at random among
them, from a client without RELAYCLIENT). Prints the times; asserts
nothing. Not part of the
tests (make check): run it by hand."""
import argparse
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
os.environ.setdefault("POSTA_BUILD", os.path.join(os.path.dirname(HERE), "build"))

from posta import Instance  # noqa: E402
from smtpd_harness import RELAYLESS, Smtpd, configure  # noqa: E402


def timed(inst, *args, input=None):
    t0 = time.monotonic()
    p = inst.run("posta-user", *args, input=input, timeout=3600)
    dt = time.monotonic() - t0
    if p.returncode:
        sys.exit("posta-user %s: %s" % (args[0], p.stderr.decode(errors="replace")))
    return dt, p


def rcpt_times(inst, n, count=1000):
    """posta-smtpd's RCPT check, timed from the client: count RCPT to
    mailboxes picked at random among n, each answered before the next."""
    configure(inst, mailboxes=())
    inst.control("rcpthosts", ["dom%d.example" % d for d in range(10)])
    srv = Smtpd(inst)
    srv.start()
    try:
        c = srv.client(source=RELAYLESS)
        c.ehlo("bench.test")
        c.mail("<sender@bench.test>")
        picks = random.Random(1).sample(range(n), count)
        t0 = time.monotonic()
        for i in picks:
            code, text = c.rcpt("<user%d@dom%d.example>" % (i, i % 10))
            if code != 250:
                sys.exit("RCPT to user%d: %d %s" % (i, code, text))
        dt = time.monotonic() - t0
        c.quit()
        print("RCPT check with %d present: %.0f us per RCPT (%d RCPT, one client, loopback)" % (n, dt / count * 1e6, count))
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100000)
    a = ap.parse_args()
    inst = Instance()
    try:
        text = "".join("user%d@dom%d.example\n" % (i, i % 10) for i in range(a.n)).encode()
        dt, _ = timed(inst, "import", "-", input=text)
        print("import of %d mailboxes: %.1f s (%.0f/s)" % (a.n, dt, a.n / dt))
        dt, _ = timed(inst, "add", "one-more@dom0.example")
        print("one add with %d present: %.2f s" % (a.n, dt))
        dt, p = timed(inst, "export")
        print("export of %d: %.2f s" % (len(p.stdout.splitlines()), dt))
        dt, _ = timed(inst, "import", "-", input=b"".join(b"new%d@dom1.example\n" % i for i in range(10)))
        print("import of 10 more with %d present: %.2f s" % (a.n + 1, dt))
        rcpt_times(inst, a.n)
    finally:
        inst.cleanup()


if __name__ == "__main__":
    main()
