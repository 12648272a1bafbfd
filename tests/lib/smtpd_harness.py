"""smtpd_harness.py: posta-smtpdpool and its posta-smtpd workers (or
tcpserver + posta-smtpd, one process per connection) on a loopback port, over
a real Instance, for the tests/test_smtpd_*.py integration tests.

    srv = Smtpd()                      # Instance(), tcp rules, the injector
    srv.start()
    with srv.client() as c: ...        # smtplib from 127.0.0.1 (RELAYCLIENT)
    with srv.client(RELAYLESS) as c:   # from 127.0.0.2: no RELAYCLIENT
    srv.queued()                       # [Queued(sender, rcpts, body)]
    srv.stop()

SmtpdCase is the test case most smtpd tests are: one Smtpd for the class,
configure()d (CONFIGURE: its arguments) and started, the queue emptied
before each test; ehlo() and start_data() open raw sessions on it.

The test starts the front end itself, as posta-d when run as root, as
svc/posta-smtpd/run does: `posta-smtpdpool -x RULES.cdb 127.0.0.1 PORT
posta-smtpd -w` by default, `tcpserver -x RULES.cdb 127.0.0.1 PORT
posta-smtpd` with front="tcpserver" (posta-smtpd's one-connection mode) or
when $POSTA_SMTPD_FRONT is "tcpserver" (to run a whole module so). Messages go into the instance's real queue through bin/posta-queue;
posta-send does not run, so queued() finds them in queue/todo and
queue/mess, as posta-queue committed them.
"""
import collections
import os
import pwd
import smtplib
import socket
import subprocess
import unittest

import qrecord
from posta import IS_ROOT, Instance, free_port, pids, proc_read, wait_for

RELAY = "127.0.0.1"        # tcp rules give it RELAYCLIENT=""
RELAYLESS = "127.0.0.2"    # no RELAYCLIENT

RULES = '%s:allow,RELAYCLIENT=""\n:allow\n' % RELAY

Queued = collections.namedtuple("Queued", "sender rcpts body id uid")

def strip_fields(msg, n):
    """msg without its first n header fields (a field: a line and the lines
    that continue it with a space or a tab)."""
    for _ in range(n):
        end = msg.index(b"\n") + 1
        while msg[end:end + 1] in (b" ", b"\t"):
            end = msg.index(b"\n", end) + 1
        msg = msg[end:]
    return msg


def is_asan(path):
    with open(path, "rb") as f:
        return b"__asan_init" in f.read()


def tcp_socket_inodes():
    """The inodes of every TCP socket of this network namespace."""
    out = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    out.add(line.split()[9])
        except OSError:
            pass
    return out


def holds_tcp_socket(pid, inodes):
    """Does process pid hold one of the TCP sockets inodes?"""
    try:
        fds = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return False
    for fd in fds:
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:[") and link[8:-1] in inodes:
            return True
    return False


def serving(procs, front):
    """Those of procs that serve a client now: under tcpserver every one
    (a process per connection), in the pool those that hold a TCP socket."""
    if front == "tcpserver":
        return procs
    inodes = tcp_socket_inodes()
    return [p for p in procs if holds_tcp_socket(p, inodes)]


class Smtpd:
    def __init__(self, inst=None, rules=RULES, env=None, concurrency=300, front=None, args=()):
        self.inst = inst or Instance()
        self.front = front or os.environ.get("POSTA_SMTPD_FRONT") or "pool"
        self.args = list(args)
        self.port = free_port()
        self.env = dict(env or {})
        self.concurrency = concurrency
        self.proc = None
        self.set_rules(rules)

    # --- running -----------------------------------------------------------
    def set_rules(self, rules):
        self.rules = self.inst.path("control", "tcp.smtp.test.cdb")
        p = subprocess.run(["tcprules", self.rules, self.rules + ".tmp"], input=rules.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode:
            raise AssertionError("tcprules: %s" % p.stdout.decode(errors="replace"))

    def start(self):
        env = dict(self.env)
        if self.front == "tcpserver":
            cmd = ["tcpserver", "-R", "-H", "-l", "0", "-c", str(self.concurrency), "-b", "300"]
            if IS_ROOT:
                pw = pwd.getpwnam("posta-d")
                cmd += ["-u", str(pw.pw_uid), "-g", str(pw.pw_gid)]
            cmd += ["-x", self.rules, "--", "127.0.0.1", str(self.port), self.inst.bin("posta-smtpd")] + self.args
        else:
            if IS_ROOT:
                pw = pwd.getpwnam("posta-d")
                env.update(UID=str(pw.pw_uid), GID=str(pw.pw_gid))
            cmd = [self.inst.bin("posta-smtpdpool"), "-c", str(self.concurrency), "-x", self.rules, "--",
                   "127.0.0.1", str(self.port), self.inst.bin("posta-smtpd"), "-w"] + self.args
        self.log = open(self.inst.path("smtpd-test.log"), "ab")
        self.proc = subprocess.Popen(cmd, cwd=self.inst.home, env=self.inst.env(**env),
                                     stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(self._listening, 10, what="%s on port %d" % (self.front, self.port))

    def _listening(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), 1).close()
            return True
        except OSError:
            return False

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None
            self.log.close()
        # sessions still running (a test that left a socket open) end with
        # their clients, and idle workers with the pool; wait for them so
        # that nothing outlives the test
        wait_for(lambda: not self.processes(), 30, what="posta-smtpd processes to end")

    def cleanup(self):
        try:
            self.stop()
        finally:
            self.inst.cleanup()

    def logtext(self):
        with open(self.inst.path("smtpd-test.log"), errors="replace") as f:
            return f.read()

    # --- clients -------------------------------------------------------------
    def client(self, source=RELAY, timeout=60):
        return smtplib.SMTP("127.0.0.1", self.port, timeout=timeout, source_address=(source, 0))

    def raw(self, source=RELAY, timeout=60):
        s = socket.create_connection(("127.0.0.1", self.port), timeout, source_address=(source, 0))
        return RawClient(s)

    def swaks(self, *args, source=RELAY, data=None):
        cmd = ["swaks", "--server", "127.0.0.1", "--port", str(self.port), "--local-interface", source,
               "--helo", "swaks.test"] + list(args)
        return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)

    # --- processes -----------------------------------------------------------
    def sessions(self):
        """Pids of the posta-smtpd processes serving a client now: under
        tcpserver every one, in the pool the workers that hold a TCP
        socket."""
        return serving(self.processes(), self.front)

    def workers(self):
        """Pids of the pool's workers (every posta-smtpd process)."""
        return self.processes()

    def processes(self):
        """Pids of the posta-smtpd processes running now."""
        out = []
        for pid in pids():
            exe = proc_read(pid, "exe")
            if exe is None:
                # posta-smtpd is not dumpable: a test run as its own user
                # (not root) may read its command line only
                cmd = proc_read(pid, "cmdline")
                exe = cmd and cmd.split(b"\0")[0].decode(errors="replace")
            if exe == self.inst.bin("posta-smtpd"):
                out.append(pid)
        return out

    @staticmethod
    def vm(pid, field="VmHWM"):
        """A memory figure of a process from /proc, in bytes."""
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        raise AssertionError("%s not in /proc/%d/status" % (field, pid))

    def asan(self):
        return is_asan(self.inst.bin("posta-smtpd"))

    # --- the queue -----------------------------------------------------------
    def added_fields(self):
        """Header fields put before the client's message: posta-queue's
        Received line, then ours."""
        return 2

    def queued(self):
        """Every message in the queue, by id."""
        out = []
        todo = self.inst.path("queue", "todo")
        for sub in os.listdir(todo):
            for f in os.listdir(os.path.join(todo, sub)):
                if not f.isdigit():
                    continue
                fields = qrecord.load(self.inst, "todo", int(f))
                msg = qrecord.read(self.inst, "mess", int(f))
                one = dict(fields)
                out.append(Queued(one["F"], [v for t, v in fields if t == "T"], msg, int(f), int(one["u"])))
        return sorted(out, key=lambda q: q.id)

    def bodies(self):
        """The messages as the client sent them: our fields stripped."""
        return [strip_fields(q.body, self.added_fields()) for q in self.queued()]


class RawClient:
    """A socket that speaks SMTP by hand, for exact bytes."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def reply(self):
        """One whole reply (all its lines) as bytes, b'' at end of file."""
        lines = []
        while True:
            while b"\r\n" not in self.buf:
                d = self.sock.recv(65536)
                if not d:
                    return b"".join(lines)
                self.buf += d
            line, self.buf = self.buf.split(b"\r\n", 1)
            lines.append(line + b"\r\n")
            if line[3:4] != b"-":
                return b"".join(lines)

    def code(self):
        r = self.reply()
        return int(r[:3]) if r[:3].isdigit() else None

    def expect(self, prefix):
        r = self.reply()
        if not r.startswith(prefix):
            raise AssertionError("expected %r, got %r" % (prefix, r))
        return r

    def rest(self, timeout=30):
        """Everything until the server closes."""
        self.sock.settimeout(timeout)
        out = self.buf
        self.buf = b""
        while True:
            try:
                d = self.sock.recv(65536)
            except ConnectionResetError:
                break
            if not d:
                break
            out += d
        return out

    def close(self):
        self.sock.close()


def clear_queue(srv):
    """Removes every queued message (between tests of one server)."""
    for kind in ("todo", "mess", "intd"):
        d = srv.inst.path("queue", kind)
        for sub in os.listdir(d):
            for f in os.listdir(os.path.join(d, sub)):
                os.unlink(os.path.join(d, sub, f))


def configure(inst, mailboxes=("alice", "bob"), aliases=()):
    """The settings the smtpd tests assume: me mx.posta.test; local domains
    posta.test and mx.posta.test; rcpthosts those, backup.test and every
    subdomain of relayed.test (delivered elsewhere); virtual mailboxes
    NAME@posta.test made by posta-user, and aliases NAME (any local domain)
    as the alias user's dot-qmail files: lookup_exists() finds both."""
    inst.control("me", "mx.posta.test")
    inst.control("locals", ["posta.test", "mx.posta.test"])
    inst.control("rcpthosts", ["posta.test", "mx.posta.test", ".relayed.test", "backup.test"])
    if mailboxes:
        inst.add_mailboxes(name + "@posta.test" for name in mailboxes)
    for name in aliases:
        add_alias(inst, name)


class SmtpdCase(unittest.TestCase):
    CONFIGURE = {}
    HELO = b"client.test"

    @classmethod
    def setUpClass(cls):
        cls.srv = Smtpd()
        cls.addClassCleanup(cls.srv.cleanup)
        configure(cls.srv.inst, **cls.CONFIGURE)
        cls.srv.start()

    def setUp(self):
        clear_queue(self.srv)

    def ehlo(self, source=RELAYLESS):
        """A raw session from source, greeted, after EHLO HELO."""
        c = self.srv.raw(source)
        c.expect(b"220 ")
        c.send(b"EHLO " + self.HELO + b"\r\n")
        c.expect(b"250-")
        return c

    def start_data(self, source=RELAYLESS):
        """ehlo(), then MAIL FROM:<a@far.test>, RCPT TO:<alice@posta.test>
        and DATA, each accepted: the client may send a message."""
        c = self.ehlo(source)
        c.send(b"MAIL FROM:<a@far.test>\r\n")
        c.expect(b"250 2.1.0")
        c.send(b"RCPT TO:<alice@posta.test>\r\n")
        c.expect(b"250 2.1.5")
        c.send(b"DATA\r\n")
        c.expect(b"354 ")
        return c


def add_alias(inst, name):
    fn = inst.path("alias", ".qmail-" + name)
    with open(fn, "w") as f:
        f.write("./Maildir/\n")
    if IS_ROOT:
        pw = pwd.getpwnam("posta-alias")
        os.chown(fn, pw.pw_uid, pw.pw_gid)
