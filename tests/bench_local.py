#!/usr/bin/python3
"""bench_local.py: the cost of one local delivery through posta-lspawn and
posta-local.

    python3 tests/bench_local.py [-n DELIVERIES] [-p PARALLEL] [-s SIZE]

Makes an instance, 100 virtual mailboxes, one SIZE-byte message, and sends
DELIVERIES requests to posta-lspawn with PARALLEL in flight (slots reused as
answers come back, like posta-send). Prints deliveries per second, then
runs 200 more deliveries under strace -c -f and prints the fsync(2),
fork/exec and total system calls per delivery. Not part of the tests."""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
os.environ.setdefault("POSTA_BUILD", os.path.join(os.path.dirname(HERE), "build"))

from posta import Instance  # noqa: E402
from lspawn import queue_message  # noqa: E402


def message(size):
    head = b"Received: from bench.example by mx.example; 1 Jan 2025 00:00:00 +0000\nSubject: bench\n\n"
    line = b"The quick brown fox jumps over the lazy dog, again and again.\n"
    body = (line * (size // len(line) + 1))[: size - len(head)]
    return head + body


def run(inst, cmd, n, parallel, msg, boxes):
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    p = subprocess.Popen(cmd, stdin=b, stdout=b, env=inst.env(), cwd=inst.home)
    b.close()
    mid = os.path.basename(msg).encode()
    free, sent, done, bad = list(range(parallel)), 0, 0, 0
    t0 = time.monotonic()
    while done < n:
        while free and sent < n:
            s = free.pop()
            rcpt = boxes[sent % len(boxes)]
            a.send(b"%d\0%s\0bench@example.net\0%s\0" % (s, mid, rcpt.encode()))
            sent += 1
        data = a.recv(4096)
        slot, result = data.split(b"\0")[:2]
        if not result.startswith(b"K"):
            bad += 1
            if bad < 5:
                print("failed:", result.decode(errors="replace"))
        free.append(int(slot))
        done += 1
    dt = time.monotonic() - t0
    a.shutdown(socket.SHUT_WR)
    p.wait()
    a.close()
    return dt, bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=5000)
    ap.add_argument("-p", type=int, default=10)
    ap.add_argument("-s", type=int, default=2048)
    a = ap.parse_args()
    inst = Instance()
    try:
        inst.control("concurrencylocal", str(a.p))
        boxes = ["b%d@bench.example" % i for i in range(100)]
        inst.add_mailboxes(boxes)
        msg = queue_message(inst, message(a.s))
        lspawn = [inst.bin("posta-lspawn")]
        dt, bad = run(inst, lspawn, a.n, a.p, msg, boxes)
        print("%d deliveries of %d bytes, %d in parallel: %.2f s, %.0f deliveries/s, %d failed"
              % (a.n, a.s, a.p, dt, a.n / dt, bad))
        out = tempfile.mktemp(prefix="posta-bench-strace-")
        k = 200
        run(inst, ["strace", "-f", "-c", "-o", out] + lspawn, k, a.p, msg, boxes)
        with open(out) as f:
            text = f.read()
        os.unlink(out)
        calls = {m.group(2): int(m.group(1)) for m in
                 re.finditer(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$", text, re.M)}
        total = re.search(r"^\s*100\.00\s+[\d.]+\s+\d+\s+(\d+)", text, re.M)
        print("per delivery (strace -c -f over %d): fsync %.2f, fdatasync %.2f, clone %.2f, execve %.2f, "
              "all system calls %.0f" % (k, calls.get("fsync", 0) / k, calls.get("fdatasync", 0) / k,
                                          (calls.get("clone", 0) + calls.get("clone3", 0)) / k,
                                          calls.get("execve", 0) / k, int(total.group(1)) / k if total else -1))
    finally:
        inst.cleanup()


if __name__ == "__main__":
    main()
