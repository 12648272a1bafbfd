"""Running posta-remote and posta-rspawn by hand in tests.

RemoteCase: the test case the posta-remote tests share: dnsmasq with the
class's records, a fresh Home per test, and its peers stopped after it.

Home: a hand-made instance home for them: control/ (me and the settings the
test gives), remote/ (posta-r's folder: remote/tcpto) and bin/ (links to
the built programs; a test may replace one with a fake). posta-remote reads
nothing else of an instance.

These tests need ports 25 and 53 on loopback addresses: run.py gives them a
private network namespace when run as root; elsewhere they are skipped.
"""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from dnsfix import Dns

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("POSTA_BUILD") or os.path.join(TOP, "build")
BIN = os.path.join(BUILD, "bin")


def need_netns():
    if os.environ.get("POSTA_NETNS") != "1" or os.geteuid() != 0:
        raise unittest.SkipTest("needs root and run.py's private network namespace")


_v6_done = False


def enable_ipv6_anyip():
    """Lets tests bind any fd00::/64 address, as 127.0.0.0/8 already is for
    IPv4, without making it an interface address (which would make
    posta-remote take it for its own)."""
    global _v6_done
    if _v6_done:
        return
    subprocess.run(["sysctl", "-qw", "net.ipv6.ip_nonlocal_bind=1"], check=True)
    subprocess.run(["ip", "-6", "route", "replace", "local", "fd00::/64", "dev", "lo"], check=True)
    _v6_done = True


_v4_done = False
ANYIP4 = "198.18.0.0/24"


def enable_ipv4_anyip():
    """Lets tests bind any address of ANYIP4 (198.18.0.0/24) without making
    it an interface address: an IPv4 peer that is not on loopback, which an
    address literal may name (posta-remote takes every loopback literal for
    itself)."""
    global _v4_done
    if _v4_done:
        return
    subprocess.run(["ip", "route", "replace", "local", ANYIP4, "dev", "lo"], check=True)
    _v4_done = True


class Result:
    def __init__(self, line):
        self.line = line
        head, _, rest = line.partition(" ")
        self.kind = head[:1]
        self.status = head[1:]
        self.mta, _, self.text = rest.partition(" ")

    def __repr__(self):
        return "Result(%r)" % self.line


class Run:
    def __init__(self, proc, elapsed):
        self.rc = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")
        self.elapsed = elapsed
        self.results = [Result(l) for l in self.out.split("\n") if l]


class Home:
    def __init__(self, me="me.test", **control):
        self.dir = tempfile.mkdtemp(prefix="posta-remote-")
        os.makedirs(os.path.join(self.dir, "control"))
        os.makedirs(os.path.join(self.dir, "remote"))
        os.makedirs(os.path.join(self.dir, "bin"))
        for prog in os.listdir(BIN):
            os.symlink(os.path.join(BIN, prog), os.path.join(self.dir, "bin", prog))
        self.set("me", me)
        for k, v in control.items():
            self.set(k, v)

    def path(self, *p):
        return os.path.join(self.dir, *p)

    def set(self, name, value):
        with open(self.path("control", name), "w") as f:
            f.write(value if value.endswith("\n") else value + "\n")

    def fake(self, prog, script):
        """Replaces bin/PROG by a shell script."""
        p = self.path("bin", prog)
        os.unlink(p)
        with open(p, "w") as f:
            f.write("#!/bin/sh\n" + script)
        os.chmod(p, 0o755)

    def env(self, dns="127.0.0.53"):
        e = dict(os.environ, POSTA_HOME=self.dir)
        if dns is not None:
            e["DNSCACHEIP"] = dns
        return e

    def remote(self, host, sender, rcpts, message, dns="127.0.0.53", timeout=120):
        msg = self.path("message")
        with open(msg, "wb") as f:
            f.write(message)
        t0 = time.time()
        with open(msg, "rb") as stdin:
            p = subprocess.run([self.path("bin", "posta-remote"), host, sender] + list(rcpts),
                               stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=self.dir, env=self.env(dns), timeout=timeout)
        return Run(p, time.time() - t0)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class RemoteCase(unittest.TestCase):
    """posta-remote on loopback: dnsmasq runs for the whole class with the
    records that records(dns) adds; every test has a fresh Home (HOME: its
    control settings) and self.peers, each of which is stopped after it."""

    HOME = {}

    @classmethod
    def records(cls, dns):
        raise NotImplementedError("a RemoteCase names its DNS records")

    @classmethod
    def setUpClass(cls):
        need_netns()
        dns = Dns()
        cls.records(dns)
        cls.dns = dns.start()

    @classmethod
    def tearDownClass(cls):
        cls.dns.stop()

    def setUp(self):
        self.home = Home(**self.HOME)
        self.peers = []

    def tearDown(self):
        for p in self.peers:
            p.stop()
        self.home.cleanup()

    def keep(self, peer):
        """peer, to be stopped after the test."""
        self.peers.append(peer)
        return peer


class Spawner:
    """posta-rspawn run as posta-start runs it: one SOCK_SEQPACKET socket as
    its fd 0 and fd 1; requests carry the message descriptor."""

    def __init__(self, home, dns="127.0.0.53", user=None, env=None):
        import socket
        self.home = home
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        cmd = [home.path("bin", "posta-rspawn")]
        if user:
            cmd = ["s6-setuidgid", user] + cmd
        self.proc = subprocess.Popen(cmd, stdin=theirs, stdout=theirs, stderr=subprocess.PIPE, cwd="/",
                                     env=env or home.env(dns))
        theirs.close()
        self.n = 0

    def request(self, slot, sender, rcpts, message=b"Subject: x\n\nx\n", msgid="1", fd=True, raw=None):
        import socket
        payload = raw if raw is not None else b"\0".join(
            [str(slot).encode(), msgid.encode(), sender.encode()] + [r.encode() for r in rcpts]) + b"\0"
        if not fd:
            self.sock.send(payload)
            return
        self.n += 1
        path = os.path.join(self.msgdir(), "message.%d" % self.n)
        with open(path, "wb") as f:
            f.write(message)
        with open(path, "rb") as f:
            f.seek(0, 2)   # a shared descriptor may be anywhere: posta-remote must not care
            socket.send_fds(self.sock, [payload], [f.fileno()])

    def msgdir(self):
        if not hasattr(self, "_msgdir"):
            self._msgdir = tempfile.mkdtemp(prefix="posta-rspawn-msg-")
        return self._msgdir

    def response(self, timeout=30):
        """(slot, [Result...]) or None at end of file."""
        self.sock.settimeout(timeout)
        data = self.sock.recv(1 << 20)
        if not data:
            return None
        fields = data.split(b"\0")
        self.assert_ends(data)
        return int(fields[0]), [Result(f.decode("utf-8", "replace")) for f in fields[1:-1]]

    @staticmethod
    def assert_ends(data):
        if not data.endswith(b"\0"):
            raise AssertionError("response does not end in NUL: %r" % data[-20:])

    def finish(self, timeout=30):
        """Ends the requests (posta-send closing its end) and waits."""
        import socket
        self.sock.shutdown(socket.SHUT_WR)
        rest = []
        while True:
            r = self.response(timeout)
            if r is None:
                break
            rest.append(r)
        self.proc.wait(timeout)
        self.err = self.proc.stderr.read().decode("utf-8", "replace")
        self.proc.stderr.close()
        self.sock.close()
        return rest

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.proc.stderr.closed:
            self.proc.stderr.close()
        self.sock.close()
        if hasattr(self, "_msgdir"):
            shutil.rmtree(self._msgdir, ignore_errors=True)
