"""qrecord.py: doc/queue.md's records, written and read by tests.

A record is "posta KIND VERSION\\n", fields (a tag byte, a value, NUL), an
empty field, then the CRC-32 of everything before it as 8 lowercase hex
digits and "\\n" (src/common/rec.c). Tests use this to put bounce, delay and
info records into a queue by hand, and to read what programs wrote.
"""
import binascii
import os


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
    out += b"%08x\n" % (binascii.crc32(bytes(out)) & 0xffffffff)
    return bytes(out)


def parse(data, kind, version=1):
    """The (tag, value) pairs of a whole record; ValueError when it is not
    one of that kind and version."""
    if len(data) < 10 or data[-1:] != b"\n" or data[-10:-9] != b"\0":
        raise ValueError("torn record")
    if int(data[-9:-1], 16) != binascii.crc32(data[:-9]) & 0xffffffff:
        raise ValueError("bad CRC")
    head, _, body = data[:-10].partition(b"\n")
    if head != b"posta %s %d" % (kind.encode(), version):
        raise ValueError("not a %s record of version %d: %r" % (kind, version, head))
    if not body:
        return []
    if not body.endswith(b"\0"):
        raise ValueError("torn field")
    return [(f[:1].decode(), f[1:].decode("utf-8", "surrogateescape")) for f in body[:-1].split(b"\0")]


def split_path(home, folder, msgid, split=23):
    return os.path.join(home, "queue", folder, str(msgid % split), str(msgid))


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
