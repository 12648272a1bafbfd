"""Pooled TLS: posta-smtpdpool -t (STARTTLS, ports 25 and 587) and -i
(implicit TLS, port 465) with long-lived posta-tlsd -w workers, started as
root by the pool's keeper, each paired per connection with a posta-smtpd
-w worker. A TLS connection starts no process; one worker's sessions share
nothing (TLS state, envelope, greeting); a replaced certificate reaches
the next connection through new workers; a TLS worker killed in DATA
costs the client its message (no 250, nothing queued) and the pool
replaces it; the key stays with the TLS workers (root's keeper aside)."""
import os
import signal
import socket
import ssl
import subprocess
import time
import unittest

from posta import IS_ROOT, wait_for
from smtpd_harness import holds_tcp_socket, tcp_socket_inodes
from tlskit import CertServed, install_cert, peer_serial, remove_cert


def uids(pid):
    with open("/proc/%d/status" % pid) as f:
        return {l.split()[0]: set(l.split()[1:]) for l in f if l.startswith(("Uid:", "Gid:"))}


def ppid(pid):
    with open("/proc/%d/stat" % pid) as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def wait_idle(srv):
    """Until no worker serves a session (their "D" reached the pool)."""
    wait_for(lambda: not srv.tlsd_sessions() and not srv.smtpd_sessions(), 10, what="idle workers")
    time.sleep(0.2)


class PoolStartTls(CertServed):
    """-t, at most one idle worker of each kind and none started ahead
    (-m 0 -M 1), so that sessions in a row land on the same two workers."""
    SERVE = {"front": "pool", "pool_args": ["-m", "0", "-M", "1"]}

    def setUp(self):
        super().setUp()
        wait_idle(self.srv)

    def tls_client(self):
        c = self.srv.client()
        c.ehlo("client.test")
        self.assertEqual(c.starttls(context=self.ca.context())[0], 220)
        c.ehlo("client.test")
        return c

    def workers(self):
        return set(self.srv.tlsd_pids()), set(self.srv.processes())

    def test_tls_connections_start_no_process(self):
        for i in range(3):
            self.tls_client().quit()
        wait_idle(self.srv)
        before = self.workers()
        for i in range(20):
            c = self.tls_client() if i % 2 else self.srv.client()
            c.sendmail("a@client.test", ["alice@posta.test"], b"Subject: %d\r\n\r\nx\r\n" % i)
            c.quit()
            wait_idle(self.srv)
        self.assertEqual(self.workers(), before)
        self.assertEqual(tuple(map(len, before)), (1, 1))
        self.assertEqual(len(self.srv.queued()), 20)
        # the TLS workers are the keeper's children, the keeper (root) and
        # the SMTP workers the pool's
        pool = self.srv.proc.pid
        for t in before[0]:
            keeper = ppid(t)
            self.assertEqual(ppid(keeper), pool)
            if IS_ROOT:
                self.assertEqual(uids(keeper)["Uid:"], {"0"})
        for s in before[1]:
            self.assertEqual(ppid(s), pool)

    def test_two_sessions_on_one_worker_share_nothing(self):
        # the first: TLS, a greeting, an envelope, half a message, and gone
        c = self.tls_client()
        tlsd = wait_for(self.srv.tlsd_sessions, what="the TLS worker")
        smtpd = wait_for(self.srv.smtpd_sessions, what="the SMTP worker")
        c.mail("first@client.test")
        c.rcpt("alice@posta.test")
        c.putcmd("data")
        self.assertEqual(c.getreply()[0], 354)
        c.send(b"Subject: unfinished\r\n\r\nhalf a mess")
        c.close()
        wait_idle(self.srv)
        # the second, on the same two workers: plain text, no greeting, no
        # envelope, STARTTLS offered again
        r = self.srv.raw()
        r.expect(b"220 ")
        self.assertEqual(wait_for(self.srv.tlsd_sessions, what="the TLS worker"), tlsd)
        self.assertEqual(wait_for(self.srv.smtpd_sessions, what="the SMTP worker"), smtpd)
        r.send(b"RCPT TO:<alice@posta.test>\r\n")
        self.assertEqual(r.code(), 503)
        r.send(b"MAIL FROM:<second@client.test>\r\n")
        self.assertEqual(r.code(), 503)    # no HELO yet in this session
        r.send(b"EHLO client.test\r\n")
        self.assertIn(b"STARTTLS", r.expect(b"250-"))
        r.send(b"MAIL FROM:<second@client.test>\r\nRCPT TO:<alice@posta.test>\r\nDATA\r\n")
        r.expect(b"250 ")
        r.expect(b"250 ")
        r.expect(b"354 ")
        r.send(b"Subject: second\r\n\r\nplain\r\n.\r\n")
        r.expect(b"250 ")
        r.send(b"QUIT\r\n")
        r.expect(b"221 ")
        r.close()
        (q,) = self.srv.queued()
        self.assertEqual(q.sender, b"second@client.test")
        self.assertRegex(q.body.split(b"\n\t", 1)[1], rb"^by mx\.posta\.test \(\[127\.0\.0\.1\]\) with ESMTP\n")
        # and a third, TLS again on the same TLS worker
        wait_idle(self.srv)
        c = self.tls_client()
        self.assertEqual(wait_for(self.srv.tlsd_sessions, what="the TLS worker"), tlsd)
        c.quit()

    def test_new_certificate_new_workers(self):
        before = peer_serial("127.0.0.1", self.srv.port, self.ca.context())
        wait_idle(self.srv)
        old = set(self.srv.tlsd_pids())
        pem, key = self.ca.server("mx.posta.test")
        install_cert(self.inst, pem, key, apart=True)
        after = peer_serial("127.0.0.1", self.srv.port, self.ca.context())
        self.assertNotEqual(before, after)
        self.assertEqual(after, 1000 + self.ca.serial)
        # the workers of the old certificate are gone
        wait_for(lambda: not (old & set(self.srv.tlsd_pids())), 10, what="the old TLS workers to end")
        os.unlink(self.inst.path("control", "serverkey.pem"))
        install_cert(self.inst, self.pem, self.key)
        self.assertNotEqual(peer_serial("127.0.0.1", self.srv.port, self.ca.context()), after)

    def test_no_certificate_plain_text_then_tls_again(self):
        remove_cert(self.inst)
        c = self.srv.client()
        code, text = c.ehlo("client.test")
        self.assertNotIn(b"STARTTLS", text)
        c.sendmail("a@client.test", ["alice@posta.test"], b"Subject: plain\r\n\r\nx\r\n")
        c.quit()
        self.assertEqual(self.srv.tlsd_sessions(), [])
        install_cert(self.inst, self.pem, self.key)
        self.tls_client().quit()

    def test_tls_worker_killed_in_data(self):
        c = self.tls_client()
        (tlsd,) = wait_for(self.srv.tlsd_sessions, what="the TLS worker")
        c.mail("a@client.test")
        c.rcpt("alice@posta.test")
        c.putcmd("data")
        self.assertEqual(c.getreply()[0], 354)
        c.send(b"Subject: killed\r\n\r\n" + b"x" * 10000)
        os.kill(tlsd, signal.SIGKILL)
        # the client hears nothing more: no 250
        c.sock.settimeout(10)
        try:
            got = c.sock.recv(1000)
        except (OSError, ssl.SSLError):
            got = b""
        self.assertEqual(got, b"")
        wait_for(lambda: "went away during a session" in self.srv.logtext(), 10, what="the pool's word")
        wait_idle(self.srv)
        self.assertEqual(self.srv.queued(), [])
        # nothing half-queued either
        for kind in ("intd", "mess", "todo"):
            for top, dirs, files in os.walk(self.inst.path("queue", kind)):
                self.assertEqual(files, [], top)
        # replaced: the next connection has TLS
        c = self.tls_client()
        c.sendmail("a@client.test", ["alice@posta.test"], b"Subject: after\r\n\r\nx\r\n")
        c.quit()
        self.assertEqual(len(self.srv.queued()), 1)
        self.assertNotIn(tlsd, self.srv.tlsd_pids())

    @unittest.skipUnless(IS_ROOT, "needs the users of a privilege-separated instance")
    def test_key_only_in_tls_workers(self):
        c = self.tls_client()
        (smtpd,) = wait_for(self.srv.smtpd_sessions, what="the SMTP worker")
        (tlsd,) = wait_for(self.srv.tlsd_sessions, what="the TLS worker")
        d = __import__("pwd").getpwnam("posta-d")
        for pid in [self.srv.proc.pid, tlsd] + self.srv.processes():
            self.assertEqual(uids(pid), {"Uid:": {str(d.pw_uid)}, "Gid:": {str(d.pw_gid)}}, pid)
        # the SMTP workers hold no TCP socket, no file of control/ but
        # /dev/null and the log, and were never given one: they are the
        # pool's children, forked from it after it dropped root
        inodes = tcp_socket_inodes()
        for pid in self.srv.processes():
            self.assertFalse(holds_tcp_socket(pid, inodes), pid)
            for fd in os.listdir("/proc/%d/fd" % pid):
                self.assertNotIn("server", os.readlink("/proc/%d/fd/%s" % (pid, fd)))
        # posta-d can read neither the key nor a TLS worker's memory
        for path in (self.inst.path("control", "servercert.pem"), "/proc/%d/mem" % tlsd):
            p = subprocess.run(["s6-setuidgid", "posta-d", "head", "-c", "1", path],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertNotEqual(p.returncode, 0, path)
        # the keeper, root, holds neither the listening socket nor a client's
        keeper = ppid(tlsd)
        self.assertEqual(uids(keeper)["Uid:"], {"0"})
        for fd in os.listdir("/proc/%d/fd" % keeper):
            link = os.readlink("/proc/%d/fd/%s" % (keeper, fd))
            if link.startswith("socket:"):
                self.assertNotIn(link[8:-1], inodes)
        c.quit()


class PoolImplicitTls(CertServed):
    """-i: TLS from the first byte (port 465)."""
    SERVE = {"implicit": True, "front": "pool"}

    def test_session_and_variables(self):
        before = None
        for i in range(6):
            c = self.srv.ssl_client(self.ca.context())
            code, text = c.ehlo("client.test")
            self.assertNotIn(b"STARTTLS", text)
            self.assertEqual(c.docmd("STARTTLS")[0], 503)
            c.sendmail("a@client.test", ["alice@posta.test"], b"Subject: %d\r\n\r\nx\r\n" % i)
            c.quit()
            wait_idle(self.srv)
            if i == 1:
                before = (set(self.srv.tlsd_pids()), set(self.srv.processes()))
        wait_idle(self.srv)
        self.assertEqual((set(self.srv.tlsd_pids()), set(self.srv.processes())), before)
        qs = self.srv.queued()
        self.assertEqual(len(qs), 6)
        for q in qs:
            self.assertRegex(q.body.split(b"\n\t", 1)[1],
                             rb"^by mx\.posta\.test \(\[127\.0\.0\.1\]\) with ESMTPS \(TLSv1\.[23] cipher [A-Z0-9_-]+\)\n")

    def test_new_certificate(self):
        before = peer_serial("127.0.0.1", self.srv.port, self.ca.context(), starttls=False)
        pem, key = self.ca.server("mx.posta.test")
        install_cert(self.inst, pem, key)
        after = peer_serial("127.0.0.1", self.srv.port, self.ca.context(), starttls=False)
        self.assertNotEqual(before, after)
        self.assertEqual(after, 1000 + self.ca.serial)

    def test_failed_handshake_then_a_good_one(self):
        with socket.create_connection(("127.0.0.1", self.srv.port), 10) as s:
            s.sendall(b"EHLO plain.test\r\n")
            s.settimeout(10)
            try:
                self.assertNotIn(b"250", s.recv(1000))
            except OSError:
                pass
        wait_for(lambda: "TLS handshake failed" in self.srv.logtext(), 10, what="the failed handshake")
        c = self.srv.ssl_client(self.ca.context())
        self.assertEqual(c.ehlo("client.test")[0], 250)
        c.quit()

    def test_probe_is_no_failed_handshake(self):
        """A connection opened and closed without a byte (svc/posta-smtps's
        readiness check at every start, a port scan) tried no handshake:
        nothing is logged for it. A client that sends plain text still is."""
        before = self.srv.logtext()
        socket.create_connection(("127.0.0.1", self.srv.port), 10).close()
        with socket.create_connection(("127.0.0.1", self.srv.port), 10) as s:
            s.sendall(b"EHLO plain.test\r\n")
            s.settimeout(10)
            try:
                s.recv(1000)
            except OSError:
                pass
        wait_for(lambda: "TLS handshake failed" in self.srv.logtext()[len(before):], 10, what="the plain client's failure")
        c = self.srv.ssl_client(self.ca.context())
        self.assertEqual(c.ehlo("client.test")[0], 250)
        c.quit()
        new = [l for l in self.srv.logtext()[len(before):].splitlines() if "127.0.0.1" in l]
        self.assertEqual(len([l for l in new if "TLS handshake failed" in l]), 1, new)
        self.assertEqual([l for l in new if "TLS handshake failed" not in l and not l.startswith("posta-smtpd: info: TLS ")], [])

    def test_no_certificate_no_session(self):
        remove_cert(self.inst)
        with socket.create_connection(("127.0.0.1", self.srv.port), 10) as s:
            s.settimeout(10)
            self.assertEqual(s.recv(100), b"")
        wait_for(lambda: "no TLS to offer" in self.srv.logtext(), 10, what="the pool's word")


if __name__ == "__main__":
    unittest.main()
