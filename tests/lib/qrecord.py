"""qrecord.py: doc/queue.md's records, written and read by tests.

A record is "posta KIND VERSION\\n", fields (a tag byte, a value, NUL), an
empty field, then the CRC-32 of everything before it as 8 lowercase hex
digits and "\\n". This module reads and writes them independently of
src/common/rec.c: tests put bounce, delay, info and rcpt records into a
queue by hand, and read what the programs wrote. It is the tests' only
record parser.

    data = build("info", [("F", "a@b"), ("t", 1700000000)])
    fields = parse(data, "info")       # [(tag, bytes)], RecordError unless whole
    fields = load(inst, "remote", mid) # queue/remote/N/ID, a "rcpt" record
    recs = todo_records(inst)          # {id: fields} for queue/todo
    field(fields, "F"), rcpts_of(fields)
"""
import os
import zlib

# the kind of record each queue folder holds, where it is not the folder's name
KIND = {"local": "rcpt", "remote": "rcpt"}


class RecordError(ValueError):
    pass


def build(kind, fields, version=1):
    """bytes of a record: fields is a list of (tag, value) pairs, values
    str, bytes or int."""
    out = bytearray(b"posta %s %d\n" % (kind.encode(), version))
    for tag, value in fields:
        if isinstance(value, int):
            value = str(value)
        if isinstance(value, str):
            value = value.encode("utf-8", "surrogateescape")
        out += tag.encode() + value + b"\0"
    out += b"\0"
    out += b"%08x\n" % zlib.crc32(bytes(out))
    return bytes(out)


def parse(data, kind, version=1):
    """The fields of one whole record of that kind and version, as (tag,
    value) pairs, tag a str, value bytes; RecordError (a ValueError) when
    it is anything else."""
    if len(data) < 10 or not data.endswith(b"\n") or data[-10:-9] != b"\0":
        raise RecordError("torn record")
    crc = data[-9:-1]
    try:
        good = zlib.crc32(data[:-9]) == int(crc, 16) and crc == crc.lower()
    except ValueError:
        good = False
    if not good:
        raise RecordError("bad CRC")
    head, sep, rest = data[:-9].partition(b"\n")
    if head != b"posta %s %d" % (kind.encode(), version) or not sep:
        raise RecordError("not a %s record of version %d: %r" % (kind, version, head))
    body = rest[:-1]  # the empty field's NUL
    if not body:
        return []
    if not body.endswith(b"\0"):
        raise RecordError("torn field")
    fields = body[:-1].split(b"\0")
    if any(not f for f in fields):
        raise RecordError("empty field")
    return [(chr(f[0]), f[1:]) for f in fields]


def read(inst, folder, mid):
    """The bytes of queue/FOLDER/N/ID."""
    with open(inst.qpath(folder, mid), "rb") as f:
        return f.read()


def load(inst, folder, mid):
    """The fields of the record queue/FOLDER/N/ID."""
    return parse(read(inst, folder, mid), KIND.get(folder, folder))


def todo_records(inst):
    """{id: fields} for every file in queue/todo, each parsed whole."""
    return {mid: load(inst, "todo", mid) for mid in inst.queue_files("todo")}


def rcpts_of(fields):
    return [v.decode() for t, v in fields if t == "T"]


def field(fields, tag):
    """The value of the one field TAG; RecordError when there are more or
    none."""
    vals = [v for t, v in fields if t == tag]
    if len(vals) != 1:
        raise RecordError("%d %s fields" % (len(vals), tag))
    return vals[0]


def write(path, data, uid=None, gid=None, mode=0o600):
    """Writes a record as posta-send would: a temporary file, then rename."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, mode)
    if uid is not None:
        os.chown(tmp, uid, gid if gid is not None else -1)
    os.rename(tmp, path)
