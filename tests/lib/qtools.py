"""qtools.py: helpers for the queue's and the injectors' integration tests.

    rc, err = inject(inst, b"Subject: x\\n\\nhi\\n", envelope("a@b", ["c@d"]))

The records the queue holds are read with qrecord.py.
"""
import os
import subprocess


def envelope(sender, rcpts):
    """qmail-queue's envelope bytes."""
    def b(s):
        return s if isinstance(s, bytes) else s.encode()
    return b"F" + b(sender) + b"\0" + b"".join(b"T" + b(r) + b"\0" for r in rcpts) + b"\0"


def queue_cmd(inst, user=None, prog="posta-queue"):
    cmd = [inst.bin(prog)]
    if user is not None:
        cmd = ["s6-setuidgid", user] + cmd
    return cmd


def inject(inst, message, env, user=None, environ=None, cmd=None, timeout=60):
    """Runs posta-queue: message on fd 0, envelope on fd 1. Returns (exit
    code, stderr text)."""
    r, w = os.pipe()
    p = subprocess.Popen(cmd or queue_cmd(inst, user), stdin=subprocess.PIPE, stdout=r,
                         stderr=subprocess.PIPE, env=environ or inst.env(), cwd="/")
    os.close(r)
    try:
        try:
            p.stdin.write(message)
            p.stdin.close()
        except BrokenPipeError:
            pass
        try:
            os.write(w, env) if len(env) < 65536 else _write_all(w, env)
        except BrokenPipeError:
            pass
    finally:
        os.close(w)
    with p.stderr:
        err = p.stderr.read().decode(errors="replace")
    return p.wait(timeout), err


def _write_all(fd, data):
    while data:
        n = os.write(fd, data)
        data = data[n:]


def every_file(inst, kind):
    """Every path under queue/KIND (files only)."""
    out = []
    for dirpath, _, files in os.walk(inst.path("queue", kind)):
        out.extend(os.path.join(dirpath, f) for f in files)
    return sorted(out)


def split_received(mess):
    """(the Received line, the rest) of a queued message."""
    line, sep, rest = mess.partition(b"\n")
    if not line.startswith(b"Received: (posta ") or not sep:
        raise AssertionError("no Received line first: %r" % mess[:100])
    return line, rest
