"""posta-injectd, the injector daemon (issue 14, item 3): messages through
SMTP reach the mailboxes byte-exact with the daemon running and with it
stopped (posta-smtpd falls back to posta-queue); posta-smtpd starts no
process per message when the daemon runs; a uid other than posta-d and
root cannot connect (the folder) or is refused (SO_PEERCRED); garbage,
a truncated exchange or a silent client get an error and leave nothing in
the queue; the daemon killed in the middle of a commit (between the
message's fsync and the record's) gives the client no 250 and leaves no
todo; concurrent clients share the folder fsyncs (the count is printed)."""
import os
import re
import signal
import socket
import subprocess
import threading
import time
import unittest

from posta import IS_ROOT, Instance, try_as, wait_for
from smtpd_harness import configure

BODY = (b"From: Alice <alice@posta.test>\r\n"
        b"Subject: through the daemon\r\n"
        b"\r\n"
        b".a dotted line\r\n"
        b"caf\xc3\xa9 8-bit\r\n"
        b"last line\r\n")


def lf(data):
    return data.replace(b"\r\n", b"\n")


def frame(msg, env):
    """The protocol: the message as netstrings, "0:,", the envelope."""
    out = b""
    for i in range(0, len(msg), 1000):
        c = msg[i:i + 1000]
        out += b"%d:%s," % (len(c), c)
    return out + b"0:," + b"%d:%s," % (len(env), env)


def envelope(sender, rcpts):
    return b"F" + sender + b"\0" + b"".join(b"T" + r + b"\0" for r in rcpts) + b"\0"


@unittest.skipUnless(IS_ROOT, "the daemon's uids need root")
class InjectdTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()
        cls.addClassCleanup(cls.inst.cleanup)
        configure(cls.inst, mailboxes=("alice",))
        cls.box = cls.inst.run("posta-user", "path", "alice@posta.test").stdout.decode().strip()
        cls.inst.start(services=("posta-send", "posta-injectd", "posta-smtpd"))
        cls.sock = cls.inst.path("injectd", "socket")

    def setUp(self):
        self.assertTrue(self.daemon_up())

    def tearDown(self):
        # the daemon up again for the next test, whatever this one did
        self.inst.svc("posta-injectd", "-u")
        self.inst.wait_service("posta-injectd")

    def daemon_up(self):
        return self.daemon_pid() is not None and os.path.exists(self.sock)

    def daemon_pid(self):
        m = re.match(r"up \(pid (\d+)", self.inst.svstat("posta-injectd"))
        return int(m.group(1)) if m else None

    def scratch(self):
        """Files of messages being written (state 0): pid/ and intd/."""
        out = sorted(os.listdir(self.inst.path("queue", "pid")))
        return out + ["intd/%d" % i for i in self.inst.queue_files("intd")]

    def todo_and_mess(self):
        """The ids in todo and mess (posta-send, running, takes some away)."""
        return set(self.inst.queue_files("todo")) | set(self.inst.queue_files("mess"))

    def assertNothingNew(self, before):
        self.assertEqual(self.todo_and_mess() - before, set())

    def send(self, subject=b"x"):
        body = BODY.replace(b"through the daemon", subject)
        with self.inst.smtp() as c:
            c.ehlo("client.test")
            c.mail("s@far.test")
            c.rcpt("alice@posta.test")
            code, reply = c.data(body)
        return code, reply.decode(), body

    def delivered(self, body):
        def find():
            for f in os.listdir(os.path.join(self.box, "new")):
                data = open(os.path.join(self.box, "new", f), "rb").read()
                if data.endswith(lf(body)):
                    return data
            return None
        return wait_for(find, 30, what="the message in alice's Maildir")

    def test_smtp_through_daemon(self):
        """A message through SMTP goes through the daemon (its pid is the
        qp of the log line and the Received line's, as posta-queue's would
        be for posta-d; the reply names the queue id it committed) and is
        delivered byte-exact."""
        pid = self.daemon_pid()
        code, reply, body = self.send(b"daemon")
        self.assertEqual(code, 250, reply)
        mid = re.fullmatch(r"2\.0\.0 ok queued as (\d+)", reply).group(1)
        wait_for(lambda: re.search(r"accepted message qp %d .* msg %s to <" % (pid, mid), self.inst.log("posta-smtpd")),
                 10, what="posta-smtpd's line for msg %s" % mid)
        data = self.delivered(body)
        self.assertIn(b"Received: (posta %d invoked from network); " % pid, data)

    def test_fallback_when_down(self):
        """The daemon stopped: posta-smtpd runs posta-queue, the same reply
        and delivery; a socket left by a killed daemon is refused and falls
        back too."""
        pid = self.daemon_pid()
        self.inst.svc("posta-injectd", "-d")
        wait_for(lambda: "down" in self.inst.svstat("posta-injectd"), 10, what="injectd down")
        code, reply, body = self.send(b"fallback")
        self.assertEqual(code, 250, reply)
        self.assertNotIn(" qp %d" % pid, reply)
        # posta-queue says no id: the reply keeps its older form
        self.assertRegex(reply, r"^2\.0\.0 ok \d+ qp \d+$")
        data = self.delivered(body)
        self.assertIn(b"invoked from network", data)
        # a stale socket: nobody listens (ECONNREFUSED)
        s = socket.socket(socket.AF_UNIX)
        s.bind(self.sock)
        s.close()
        code, reply, body = self.send(b"stale socket")
        self.assertEqual(code, 250, reply)
        self.delivered(body)

    def smtpd_forks(self, n):
        """posta-smtpd in one-connection mode as posta-d, n messages in one
        session (each DATA sent after its 354), under strace: the
        process-creating calls it made, and its replies."""
        trace = self.inst.path("strace.out")
        p = subprocess.Popen(["strace", "-f", "-qq", "-o", trace, "-e", "trace=clone,clone3,fork,vfork,execve",
                              "s6-setuidgid", "posta-d", self.inst.bin("posta-smtpd")],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             env=self.inst.env(TCPREMOTEIP="127.0.0.1", TCPLOCALIP="127.0.0.1"),
                             cwd=self.inst.home)
        out = []

        def reply():
            while True:
                line = p.stdout.readline().decode()
                out.append(line)
                if len(line) < 4 or line[3] != "-":
                    return line

        def say(data):
            p.stdin.write(data)
            p.stdin.flush()
            return reply()
        reply()
        say(b"EHLO client.test\r\n")
        for i in range(n):
            say(b"MAIL FROM:<s@far.test>\r\n")
            say(b"RCPT TO:<alice@posta.test>\r\n")
            say(b"DATA\r\n")
            say(BODY.replace(b"through the daemon", b"strace %d" % i) + b".\r\n")
        say(b"QUIT\r\n")
        p.stdin.close()
        p.wait(60)
        calls = [l for l in open(trace).read().splitlines()
                 if re.search(r"\b(clone3?|v?fork)\(", l) and "= -1" not in l]
        return calls, "\r\n" + "".join(out)

    def test_no_process_per_message(self):
        """With the daemon: posta-smtpd starts no process for 5 messages
        (strace -f: no clone, fork or vfork); without it, one each."""
        calls, out = self.smtpd_forks(5)
        self.assertEqual(out.count("\r\n250 2.0.0 ok"), 5, out)
        self.assertEqual(calls, [])
        self.inst.svc("posta-injectd", "-d")
        wait_for(lambda: "down" in self.inst.svstat("posta-injectd"), 10, what="injectd down")
        calls, out = self.smtpd_forks(5)
        self.assertEqual(out.count("\r\n250 2.0.0 ok"), 5, out)
        self.assertEqual(len(calls), 5, calls)

    def test_other_uids(self):
        """nobody and posta-r cannot reach the socket (the folder is 0750
        posta-q:posta-d); posta-q can, and is refused by SO_PEERCRED: closed
        without a byte, nothing queued."""
        def connect():
            s = socket.socket(socket.AF_UNIX)
            s.connect(self.sock)
        for user in ("nobody", "posta-r"):
            self.assertFalse(try_as(user, connect), user)
        before = self.todo_and_mess()

        def refused():
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(10)
            s.connect(self.sock)
            try:
                s.sendall(frame(b"Subject: x\n\nx\n", envelope(b"a@b.test", [b"alice@posta.test"])))
            except OSError:
                pass
            try:
                got = s.recv(1)
            except ConnectionResetError:
                got = b""
            if got != b"":
                os._exit(3)
        self.assertTrue(try_as("posta-q", refused))
        self.assertNothingNew(before)
        wait_for(lambda: "refused a connection from uid" in self.inst.log("posta-injectd"), 10,
                 what="the refusal in the log")

    def raw(self, data, shut=True):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(30)
        s.connect(self.sock)
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        r = s.recv(1)
        s.close()
        return r

    def test_garbage_and_truncated(self):
        """Garbage is 54, an envelope cut short 54 (end of file), a bad
        envelope 91, an address too long 11; a client gone in the middle
        gets nothing and leaves nothing; a good one is 0."""
        before = self.todo_and_mess()
        scratch = self.scratch()
        self.assertEqual(self.raw(b"GET / HTTP/1.0\r\n\r\n"), bytes([54]))
        self.assertEqual(self.raw(b"5:hello,0:,"), bytes([54]))
        self.assertEqual(self.raw(b"5:hel"), bytes([54]))
        self.assertEqual(self.raw(b"5:hello,0:,4:Fa\0\0,"), bytes([91]))
        self.assertEqual(self.raw(frame(b"x\n", envelope(b"a@b.test", [b"x" * 1001 + b"@b.test"]))), bytes([11]))
        self.assertEqual(self.raw(frame(b"x\n", envelope(b"a@b.test", [b"c@d.test"])) + b"extra"), bytes([54]))
        s = socket.socket(socket.AF_UNIX)
        s.connect(self.sock)
        s.sendall(b"100:" + b"x" * 50)
        s.close()
        time.sleep(0.5)
        self.assertNothingNew(before)
        self.assertEqual(self.scratch(), scratch)
        self.assertEqual(self.raw(frame(b"Subject: raw\n\nraw\n", envelope(b"a@b.test", [b"alice@posta.test"]))),
                         bytes([0]))

    def test_silent_client_times_out(self):
        """control/injecttimeout (read again on SIGHUP): a client silent in
        the middle of its message gets 52 and leaves nothing."""
        self.inst.control("injecttimeout", "2")
        self.addCleanup(self.inst.remove_control, "injecttimeout")
        self.inst.svc("posta-injectd", "-h")
        time.sleep(0.5)
        scratch = self.scratch()
        t0 = time.monotonic()
        self.assertEqual(self.raw(b"5:hello,", shut=False), bytes([52]))
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual(self.scratch(), scratch)
        self.inst.remove_control("injecttimeout")
        self.inst.svc("posta-injectd", "-h")

    def test_killed_mid_commit(self):
        """SIGKILL at the daemon's first fsync of a commit (the message's,
        before the record's): the SMTP client gets 451, never 250; no todo
        is left; the service comes back and the next message is queued;
        posta-setup -c finds the instance whole."""
        pid = self.daemon_pid()
        todo = self.inst.queue_files("todo")
        tr = subprocess.Popen(["strace", "-qq", "-o", "/dev/null", "-p", str(pid), "-e", "trace=fsync",
                               "-e", "inject=fsync:signal=SIGKILL:when=1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(tr.kill)
        time.sleep(1)
        code, reply, body = self.send(b"killed")
        tr.wait(30)
        self.assertEqual(code, 451, reply)
        wait_for(lambda: self.daemon_up() and self.daemon_pid() != pid, 20, what="the daemon restarted")
        self.inst.wait_service("posta-injectd")
        self.assertEqual([i for i in self.inst.queue_files("todo") if i not in todo], [])
        code, reply, body2 = self.send(b"after the kill")
        self.assertEqual(code, 250, reply)
        self.delivered(body2)
        self.assertEqual(self.inst.check().returncode, 0, self.inst.check().stderr)

    def test_group_commit(self):
        """10 clients whose messages are whole in the same turn are committed
        together: the fsyncs of the lot are counted (strace -c on the
        daemon) and printed per message; each client gets 0 and each
        message is queued."""
        n = 10
        pid = self.daemon_pid()
        out = self.inst.path("fsync.count")
        tr = subprocess.Popen(["strace", "-qq", "-c", "-o", out, "-p", str(pid), "-e", "trace=fsync,fdatasync"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        os.kill(pid, signal.SIGSTOP)
        socks = []
        try:
            for i in range(n):
                s = socket.socket(socket.AF_UNIX)
                s.settimeout(60)
                s.connect(self.sock)
                s.sendall(frame(b"Subject: group %d\n\ngroup\n" % i, envelope(b"a@b.test", [b"alice@posta.test"])))
                socks.append(s)
        finally:
            os.kill(pid, signal.SIGCONT)
        codes = [s.recv(1) for s in socks]
        self.assertEqual(codes, [bytes([0])] * n)
        tr.send_signal(signal.SIGINT)
        tr.wait(30)
        text = open(out).read()
        m = re.search(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?fsync$", text, re.M)
        self.assertIsNotNone(m, text)
        fsyncs = int(m.group(1))
        print("\ngroup commit: %d messages, %d fsyncs, %.2f per message (posta-queue: 4)" % (n, fsyncs, fsyncs / n))
        # never more than posta-queue's 4; fewer only when ids share a folder N
        self.assertLessEqual(fsyncs, 4 * n)


if __name__ == "__main__":
    unittest.main()
