"""lspawn.py: drive posta-lspawn and posta-local of an Instance directly.

posta-lspawn gets a real SOCK_SEQPACKET socketpair as fds 0 and 1, and each
request carries the message descriptor by SCM_RIGHTS (socket.send_fds), as
posta-send does (doc/protocols.md).

    ls = LSpawn(inst)
    ls.request(0, "alice@example.com", msgfile, sender="bob@x.org")
    slot, result = ls.response()         # (0, "K2.0.0 - delivered: ...")
    ls.close()                           # end of file: it answers, exits 0
"""
import os
import pwd
import socket
import subprocess
import tempfile

from posta import IS_ROOT


def write_message(inst, data, mode=0o600):
    """Writes a message file (like the queue's: not readable by the mailbox
    owners) inside the instance; returns its path."""
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

    def request(self, slot, rcpt, message, sender="", msgid=1):
        """Sends one request; message is a path (opened read-only here, as
        posta-send does) or an open descriptor."""
        fd = os.open(message, os.O_RDONLY) if isinstance(message, str) else message
        try:
            self.send_raw(b"%d\0%d\0%s\0%s\0" % (slot, msgid, sender.encode(), rcpt.encode()), [fd])
        finally:
            if isinstance(message, str):
                os.close(fd)

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
        """One delivery of message (bytes or a path); returns the result line."""
        path = message if isinstance(message, str) else write_message(self.inst, message)
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
