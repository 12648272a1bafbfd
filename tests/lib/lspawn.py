"""lspawn.py: drive posta-lspawn and posta-local of an Instance directly.

posta-lspawn gets a real SOCK_SEQPACKET socketpair as fds 0 and 1, and each
request names its message by id, as posta-send does (doc/protocols.md):
queue_message() puts a message file into the instance's queue/mess, as
posta-queue would, and returns its path; posta-lspawn opens it itself.

    ls = LSpawn(inst)
    ls.request(0, "alice@example.com", queue_message(inst, data), sender="bob@x.org")
    slot, result = ls.response()         # (0, "K2.0.0 - delivered: ...")
    ls.close()                           # end of file: it answers, exits 0
"""
import grp
import os
import pwd
import socket
import subprocess
import tempfile

from posta import IS_ROOT, InstanceCase


SPLIT = 23   # conf-split


def queue_message(inst, data):
    """Puts a message into queue/mess/N/ID as posta-queue does (written in
    queue/pid, linked to its inode number, 0640 posta-q:posta); returns its
    path. Its id is the file name."""
    quid, qgid = owner("posta-q")
    fd, tmp = tempfile.mkstemp(dir=inst.path("queue", "pid"))
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chown(tmp, quid, qgid if not IS_ROOT else grp.getgrnam("posta").gr_gid)
    os.chmod(tmp, 0o640)
    ino = os.stat(tmp).st_ino
    path = inst.path("queue", "mess", str(ino % SPLIT), str(ino))
    os.link(tmp, path)
    os.unlink(tmp)
    return path


def write_message(inst, data, mode=0o600):
    """Writes a message file outside the queue (for posta-local run
    directly) inside the instance; returns its path."""
    d = inst.path("testmsg")
    os.makedirs(d, mode=0o700, exist_ok=True)
    fd, path = tempfile.mkstemp(dir=d)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    return path


def owner(name):
    """(uid, gid) of a user, or of the current user in a single-user run."""
    if not IS_ROOT:
        return os.getuid(), os.getgid()
    pw = pwd.getpwnam(name)
    return pw.pw_uid, pw.pw_gid


def write_dotqmail(home, name, text, user="posta-v"):
    """Writes the dot-qmail file home/name as its owner would: 0644, owned
    by user (posta-v for a virtual mailbox, posta-alias in alias/)."""
    fn = os.path.join(home, name)
    with open(fn, "w") as f:
        f.write(text)
    os.chmod(fn, 0o644)
    os.chown(fn, *owner(user))


def dotqmail_mailbox(inst, address, text, name=".qmail"):
    """Adds the virtual mailbox address with the dot-qmail file name in its
    home (write_dotqmail); returns that home (its Maildir is home/Maildir)."""
    home = os.path.dirname(inst.add_mailbox(address).rstrip("/"))
    write_dotqmail(home, name, text)
    return home


class LSpawn:
    """A running posta-lspawn of an instance."""

    def __init__(self, inst, env=None):
        self.inst = inst
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.errfile = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([inst.bin("posta-lspawn")], stdin=b, stdout=b, stderr=self.errfile,
                                     env=env or inst.env(), cwd=inst.home)
        b.close()
        self.sock = a
        self.sock.settimeout(60)

    def send_raw(self, data, fds=()):
        if fds:
            socket.send_fds(self.sock, [data], list(fds))
        else:
            self.sock.send(data)

    def request(self, slot, rcpt, message, sender=""):
        """Sends one request for message, a path queue_message returned (or
        an id)."""
        msgid = os.path.basename(message) if isinstance(message, str) else str(message)
        self.send_raw(b"%d\0%s\0%s\0%s\0" % (slot, msgid.encode(), sender.encode(), rcpt.encode()))

    def response(self):
        """The next response packet as (slot, result line)."""
        data = self.sock.recv(65536)
        if not data:
            raise AssertionError("posta-lspawn closed its socket; stderr: %s" % self.stderr())
        parts = data.split(b"\0")
        if len(parts) != 3 or parts[2] != b"":
            raise AssertionError("malformed response %r" % data)
        return int(parts[0]), parts[1].decode("utf-8", "replace")

    def deliver(self, rcpt, message, sender="", slot=0):
        """One delivery of message (bytes, or a path queue_message
        returned); returns the result line."""
        path = message if isinstance(message, str) else queue_message(self.inst, message)
        self.request(slot, rcpt, path, sender)
        got, result = self.response()
        if got != slot:
            raise AssertionError("answer for slot %d, expected %d" % (got, slot))
        return result

    def stderr(self):
        self.errfile.seek(0)
        return self.errfile.read().decode("utf-8", "replace")

    def close(self, timeout=60):
        """Ends the requests (end of file) and returns the exit code."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        try:
            return self.proc.wait(timeout)
        finally:
            self.sock.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.sock.close()


def run_local(inst, home, local, domain, message, sender="", dash="", ext="", user=None,
              defaultdelivery="./Maildir/\n", env=None, strace=None):
    """Runs bin/posta-local directly (as user, a name, when root), the
    message on stdin from a file. Returns (exit code, stdout text)."""
    path = message if isinstance(message, str) else write_message(inst, message, 0o644)
    cmd = [inst.bin("posta-local"), user or "u", home, local, dash, ext, domain, sender, defaultdelivery]
    if strace:
        cmd = strace + cmd
    if user is not None and IS_ROOT:
        cmd = ["s6-setuidgid", user] + cmd
    with open(path, "rb") as f:
        p = subprocess.run(cmd, stdin=f, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=home,
                           env=env or inst.env(), timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace").strip()


class LSpawnCase(InstanceCase):
    """InstanceCase with a fresh posta-lspawn (self.ls) for every test."""

    def setUp(self):
        self.ls = LSpawn(self.inst)

    def tearDown(self):
        self.ls.kill()
