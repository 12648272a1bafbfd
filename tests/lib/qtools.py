"""qtools.py: helpers for the queue's and the injectors' integration tests.

    rc, err = inject(inst, b"Subject: x\\n\\nhi\\n", envelope("a@b", ["c@d"]))
    recs = todo_records(inst)            # {id: [(tag, value), ...]}
    fields = parse_record(data, "todo")  # raises RecordError unless whole

parse_record reads doc/queue.md's record format independently of
src/common/rec.c: header line, NUL-ended fields, an empty field, CRC-32.
"""
import os
import subprocess
import zlib

from posta import IS_ROOT


class RecordError(Exception):
    pass


def parse_record(data, kind, version=1):
    """The fields of one whole record, as (tag, value) byte pairs."""
    if len(data) < 10 or not data.endswith(b"\n") or data[-10:-9] != b"\0":
        raise RecordError("no end")
    crc = data[-9:-1]
    if zlib.crc32(data[:-9]) != int(crc, 16) or crc != crc.lower():
        raise RecordError("bad CRC")
    head, sep, rest = data[:-9].partition(b"\n")
    if head != b"posta %s %d" % (kind.encode(), version) or not sep:
        raise RecordError("header %r" % head)
    body = rest[:-1]  # the empty field's NUL
    if not body:
        return []
    if not body.endswith(b"\0"):
        raise RecordError("unterminated field")
    fields = body[:-1].split(b"\0")
    if any(not f for f in fields):
        raise RecordError("empty field")
    return [(chr(f[0]), f[1:]) for f in fields]


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
    err = p.stderr.read().decode(errors="replace")
    return p.wait(timeout), err


def _write_all(fd, data):
    while data:
        n = os.write(fd, data)
        data = data[n:]


def queue_ids(inst, kind):
    return inst.queue_files(kind)


def read_queue_file(inst, kind, mid):
    with open(inst.path("queue", kind, str(mid % 23), str(mid)), "rb") as f:
        return f.read()


def todo_records(inst):
    """{id: fields} for every file in queue/todo, each parsed whole."""
    return {mid: parse_record(read_queue_file(inst, "todo", mid), "todo") for mid in queue_ids(inst, "todo")}


def rcpts_of(fields):
    return [v.decode() for t, v in fields if t == "T"]


def field(fields, tag):
    vals = [v for t, v in fields if t == tag]
    if len(vals) != 1:
        raise RecordError("%d %s fields" % (len(vals), tag))
    return vals[0]


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
