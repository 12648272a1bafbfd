"""bouncekit.py: what the posta-bounce tests share.

Puts a message and the records posta-send would write (bounce, delay, info)
into a real instance's queue, with the owners and modes of doc/queue.md;
runs posta-bounce as posta-s; finds the notices posta-queue queued and
parses them with python's email package.
"""
import email
import email.policy
import grp
import os
import pwd

import qrecord
from posta import IS_ROOT


def ids(uid_name):
    if not IS_ROOT:
        return os.getuid(), os.getgid()
    pw = pwd.getpwnam(uid_name)
    return pw.pw_uid, pw.pw_gid


def posta_gid():
    return grp.getgrnam("posta").gr_gid if IS_ROOT else os.getgid()


def put_message(inst, data):
    """Writes data as a queued message; returns its id (the file's inode,
    as posta-queue names them)."""
    tmp = inst.path("queue", "pid", "test.%d" % os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    msgid = os.stat(tmp).st_ino
    path = inst.qpath("mess", msgid)
    os.rename(tmp, path)
    uid, _ = ids("posta-q")
    os.chown(path, uid, posta_gid())
    os.chmod(path, 0o640)
    return msgid


def put_record(inst, folder, msgid, fields, kind=None, raw=None):
    """Writes queue/FOLDER/N/ID as posta-send does (owner posta-s, 0600):
    a record of KIND (default FOLDER) with these fields, or raw bytes."""
    path = inst.qpath(folder, msgid)
    data = raw if raw is not None else qrecord.build(kind or folder, fields)
    uid, gid = ids("posta-s")
    qrecord.write(path, data, uid, gid)
    return path


def bounce_fields(sender, arrival, rcpts, kind="f"):
    """The fields of a bounce record (posta-send's order: F, t, k, then A
    and e for each recipient); rcpts is a list of (address, RESULT)."""
    out = [("F", sender), ("t", arrival), ("k", kind)]
    for addr, result in rcpts:
        out += [("A", addr), ("e", result)]
    return out


def run_bounce(inst, msgid, delay=False, env=None):
    args = (["-d"] if delay else []) + [str(msgid)]
    return inst.run("posta-bounce", *args, user="posta-s" if IS_ROOT else None, env=env)


def todo_ids(inst):
    return set(inst.queue_files("todo"))


def queued(inst, before=()):
    """(todo fields as a dict of lists of str, message bytes) for every message in
    todo/ that is not in before."""
    out = []
    for i in sorted(todo_ids(inst) - set(before)):
        d = {}
        for tag, value in qrecord.load(inst, "todo", i):
            d.setdefault(tag, []).append(value.decode("utf-8", "surrogateescape"))
        data = qrecord.read(inst, "mess", i)
        out.append((d, data))
    return out


def read(path):
    """The bytes of a file (a notice in a Maildir)."""
    with open(path, "rb") as f:
        return f.read()


def parse(data):
    """The notice as an email.message.EmailMessage (policy default)."""
    return email.message_from_bytes(data, policy=email.policy.default)


def notice_text(msg):
    """The notice's first part (the words for a person), white space folded
    to single spaces."""
    return " ".join(list(msg.iter_parts())[0].get_content().split())


RCPT_FIELDS = ("Final-Recipient", "Action", "Status", "Remote-MTA", "Diagnostic-Code")


def rcpt_fields(block):
    """The fields of RCPT_FIELDS a per-recipient status block has, as a
    dict to compare whole."""
    return {k: block[k] for k in RCPT_FIELDS if block[k] is not None}


def status_blocks(msg):
    """The message/delivery-status part's blocks: [per-message, per-recipient...]."""
    parts = list(msg.iter_parts())
    ds = [p for p in parts if p.get_content_type() == "message/delivery-status"]
    assert len(ds) == 1, [p.get_content_type() for p in parts]
    return ds[0].get_payload()
