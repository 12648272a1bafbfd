"""sendtools.py: helpers for posta-send's integration tests.

    inst = send_instance(retry=[1, 2])        # posta-setup, short retries
    inst.start(services=("posta-send",))
    inject(inst, ["a@x", ...], n=500)           # many sendmail runs at once
    events = log_events(inst)                   # posta-send's log, parsed

A posta-rspawn is needed for posta-send to run at all. Until the remote
branch's posta-rspawn is built, send_instance puts tests/lib/fakespawn.py in
its place for the tests that send no remote mail (fake_rspawn="missing");
tests of remote delivery ask for the real one and skip without it.
"""
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import unittest

import qrecord
from posta import BIN, SPLIT, Instance, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
FAKESPAWN = os.path.join(HERE, "fakespawn.py")

# doc/log-format.md, one pattern per event (the part after s6-log's timestamp)
LOG_FORMS = {
    "new": re.compile(r"^new msg (\d+)$"),
    "info": re.compile(r"^info msg (\d+): bytes (\d+) from <([^>]*)> qp (\d+) uid (\d+)$"),
    "start": re.compile(r"^starting delivery (\d+): msg (\d+) to (local|remote)((?: <[^>]*>)+)$"),
    "result": re.compile(r"^delivery (\d+): msg \d+: (success|deferral|failure): <([^>]*)> (\d\.\d{1,3}\.\d{1,3}) (\S+)(?: (.*))?$"),
    "status": re.compile(r"^status: local (\d+)/(\d+) remote (\d+)/(\d+)$"),
    "end": re.compile(r"^end msg (\d+)$"),
    "bounce": re.compile(r"^bounce msg (\d+) (qp \d+|done|deferral: .*|set aside: .*|warning: .*)$"),
    "delay": re.compile(r"^delay msg (\d+) (qp \d+|done|deferral: .*|set aside: .*"
                        r"|written for \d+ pending recipients?)$"),
    "cmd": re.compile(r"^(hold|release|remove|flush) msg (\d+) uid (\d+)$"),
    "note": re.compile(r"^posta-send: (info|warning|fatal): .*$"),
    # posta-bounce's lines (doc/log-format.md, "posta-bounce's lines")
    "notice": re.compile(r"^posta-bounce: info: (\d+): (failure notice|delay notice|double bounce) to <([^>]*)>"
                         r" for (\d+) recipients? queued$"),
    "notice_dropped": re.compile(r"^posta-bounce: info: (\d+): (failure|delay) notice dropped: (.+)$"),
    "double_dropped": re.compile(r"^posta-bounce: info: (\d+): double bounce to <([^>]*)> failed: dropped,"
                                 r" no notice is sent about it$"),
    "bounce_note": re.compile(r"^posta-bounce: (warning|fatal): .*$"),
}


def have_real(prog):
    """True when build/bin/PROG exists (the branch that writes it landed)."""
    return os.path.exists(os.path.join(BIN, prog))


def need_real_remote(missing=None):
    """Skips a test of real remote delivery where it cannot run: it needs
    root in run.py's private network namespace (ports 25 and 53), the real
    posta-rspawn and posta-remote, and no missing import (missing: the
    reason one failed, e.g. python3-aiosmtpd for smtppeer)."""
    if os.environ.get("POSTA_NETNS") != "1" or os.geteuid() != 0:
        raise unittest.SkipTest("needs root and run.py's private network namespace (ports 25 and 53)")
    if not have_real("posta-rspawn") or not have_real("posta-remote"):
        raise unittest.SkipTest("posta-rspawn and posta-remote are not built (branch remote)")
    if missing:
        raise unittest.SkipTest(missing)


def remote_instance(dns, **control):
    """An Instance (not started) named posta.example whose posta-send asks
    dns (a dnsfix.Dns) and retries every second, with more control files."""
    inst = Instance()
    inst.control("me", "posta.example")
    inst.control("retryschedule", ["1"])
    for k, v in control.items():
        inst.control(k, v)
    inst.service_env("posta-send", DNSCACHEIP=dns.addr)
    return inst


def fake_spawner(inst, prog, spool):
    """Puts fakespawn.py in place of bin/PROG; spool: its FAKESPAWN_DIR."""
    dst = inst.bin(prog)
    if os.path.exists(dst):
        os.unlink(dst)
    shutil.copy(FAKESPAWN, dst)
    os.chmod(dst, 0o755)
    os.makedirs(spool, exist_ok=True)
    os.chmod(spool, 0o777)
    inst.service_env("posta-send", FAKESPAWN_DIR=spool)


FAKE_BOUNCE = """#!/bin/sh
# fake posta-bounce (tests/lib/sendtools.py): keeps a copy of the bounce
# record in the spool and says the notification was injected
id=$1
n=$((id %% %d))
mkdir -p %s/bounces
cp queue/bounce/$n/$id %s/bounces/$id.$$ || exit 111
exit 0
"""


def fake_bounce(inst):
    """Puts a posta-bounce in bin/ that copies the bounce record to
    SPOOL/bounces/ID.PID and exits 0."""
    os.makedirs(inst.spool, exist_ok=True)
    os.chmod(inst.spool, 0o777)
    dst = inst.bin("posta-bounce")
    if os.path.exists(dst):
        os.unlink(dst)
    with open(dst, "w") as f:
        f.write(FAKE_BOUNCE % (SPLIT, inst.spool, inst.spool))
    os.chmod(dst, 0o755)


def bounces(inst):
    """The bounce records fake_bounce kept: {id: [bytes, ...]}."""
    d = os.path.join(inst.spool, "bounces")
    out = {}
    if os.path.isdir(d):
        for f in sorted(os.listdir(d)):
            with open(os.path.join(d, f), "rb") as fh:
                out.setdefault(int(f.split(".")[0]), []).append(fh.read())
    return out


def send_instance(retry=None, fake_rspawn="missing", fake_lspawn=False, bounce="missing", **control):
    """An Instance ready for posta-send's tests; control: NAME=value files.
    Until posta-bounce is written (issue 6), bounce="missing" puts
    fake_bounce's in its place."""
    inst = Instance()
    inst.spool = inst.path("fakespawn")
    if bounce is True or (bounce == "missing" and not have_real("posta-bounce")):
        fake_bounce(inst)
    if fake_rspawn is True or (fake_rspawn == "missing" and not have_real("posta-rspawn")):
        fake_spawner(inst, "posta-rspawn", inst.spool)
    if fake_lspawn:
        fake_spawner(inst, "posta-lspawn", inst.spool)
    if retry:
        inst.control("retryschedule", [str(r) for r in retry])
    for k, v in control.items():
        inst.control(k, v)
    return inst


class FakeRemoteCase(unittest.TestCase):
    """A test on an instance whose remote deliveries are fakespawn's
    (send_instance), retried after an hour; start() runs posta-send."""

    def setUp(self):
        self.inst = send_instance(retry=[3600], fake_rspawn=True)

    def tearDown(self):
        self.inst.cleanup()

    def start(self):
        self.inst.start(services=("posta-send",))


def log_lines(inst):
    """posta-send's log lines without s6-log's timestamps."""
    out = []
    for line in inst.log("posta-send").splitlines():
        parts = line.split("  ", 1)
        out.append(parts[1] if len(parts) == 2 else line)
    return out


def log_events(inst):
    """[(kind, match)] for every line of posta-send's log; a line in no
    documented form is (None, line)."""
    out = []
    for line in log_lines(inst):
        for kind, rx in LOG_FORMS.items():
            m = rx.match(line)
            if m:
                out.append((kind, m))
                break
        else:
            out.append((None, line))
    return out


def inject_socket(inst, rcpts, message, sender=b""):
    """Queues one message through posta-injectd's socket, as posta-smtpd
    does (doc/protocols.md); returns the daemon's answer, qmail-queue's
    exit code (-1: none came)."""
    env = b"F" + sender + b"\0" + b"".join(b"T" + r.encode() + b"\0" for r in rcpts) + b"\0"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(60)
        s.connect(inst.path("injectd", "socket"))
        s.sendall(b"%d:%s,0:,%d:%s," % (len(message), message, len(env), env))
        code = s.recv(1)
    return code[0] if code else -1


def inject(inst, rcpts_of, n, threads=4, message_of=None, via="sendmail"):
    """Queues n messages, threads at once; rcpts_of(i) gives the recipients
    of message i, message_of(i) its bytes. via: "sendmail" runs sendmail
    for each (and so posta-queue); "injectd" talks to posta-injectd, which
    must be running, and starts no process."""
    errors = []
    nxt = [0]
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= n:
                return
            msg = message_of(i) if message_of else b"Subject: m%d\n\nbody %d\n" % (i, i)
            if via == "injectd":
                code = inject_socket(inst, rcpts_of(i), msg)
                if code != 0:
                    errors.append((i, code, b""))
                continue
            p = inst.run("sendmail", *rcpts_of(i), input=msg)
            if p.returncode != 0:
                errors.append((i, p.returncode, p.stderr))

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise AssertionError("%s failed: %r" % (via, errors[:3]))


def queue_empty(inst):
    """True when no message is left in the queue (mess, todo, info)."""
    return not any(inst.queue_files(k) for k in ("mess", "todo", "info", "local", "remote", "bounce", "delay"))


def send_pid(inst, service="posta-send"):
    """The pid of the supervised posta-send, or service (s6-svstat), or None."""
    p = subprocess.run(["s6-svstat", "-o", "up,pid", inst.path("svc", service)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    f = p.stdout.decode().split()
    if len(f) == 2 and f[0] == "true" and f[1] != "-1":
        return int(f[1])
    return None


def wait_log(inst, pattern, timeout=10.0, count=1):
    """Waits until count lines of posta-send's log match the regex."""
    rx = re.compile(pattern)
    return wait_for(lambda: len([l for l in log_lines(inst) if rx.search(l)]) >= count,
                    timeout, what="%d log line(s) matching %r" % (count, pattern))


def _owner(name):
    import pwd
    from posta import IS_ROOT
    if not IS_ROOT:
        return os.getuid(), os.getgid()
    import grp
    return pwd.getpwnam(name).pw_uid, grp.getgrnam("posta").gr_gid


def fabricate_deferred(inst, n, rcpt_of, due, sender="old@example.net", body=b"Subject: old\n\nold\n"):
    """Writes n preprocessed messages straight into the queue (state 4), each
    with one remote recipient rcpt_of(i) tried once and due again at `due`:
    what a long outage leaves. Returns their ids. Run before posta-send
    starts."""
    quid, gid = _owner("posta-q")
    suid, _ = _owner("posta-s")
    ids = []
    now = int(time.time())
    for i in range(n):
        d = inst.path("queue", "mess", "0")
        fn = os.path.join(d, "tmp%d" % i)
        with open(fn, "wb") as f:
            f.write(body)
        ino = os.stat(fn).st_ino
        final = inst.qpath("mess", ino)
        os.rename(fn, final)
        os.chown(final, quid, gid)
        os.chmod(final, 0o640)
        for kind, data in (
            ("remote", qrecord.build("rcpt", [("A", rcpt_of(i)), ("S", "P"), ("n", 1), ("w", due),
                                       ("e", "Z4.4.1 - connection refused")])),
            ("info", qrecord.build("info", [("F", sender), ("t", now - 3600), ("u", 0), ("s", len(body)),
                                     ("d", 0), ("h", 0), ("x", 0)])),
        ):
            p = inst.qpath(kind, ino)
            with open(p, "wb") as f:
                f.write(data)
            os.chown(p, suid, gid)
            os.chmod(p, 0o600)
        ids.append(ino)
    return ids


def rss_kb(pid):
    """The resident set size of a process, in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def requests(inst):
    """The requests the fake spawners got: [(name, slot, id, sender, rcpts)]."""
    out = []
    fn = os.path.join(inst.spool, "requests")
    if os.path.exists(fn):
        with open(fn, "rb") as f:
            for line in f:
                p = line.rstrip(b"\n").decode("utf-8", "replace").split(" ")
                out.append((p[0], p[1], p[2], p[3], p[4:]))
    return out
