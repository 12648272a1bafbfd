"""STARTTLS on the SMTP port: posta-tlsd in front of posta-smtpd, as
svc/posta-smtpd/run runs them (tcpserver as root, $UID/$GID posta-d).

Offered only with control/servercert.pem; TLS 1.2 and 1.3 only; the session
forgotten after the switch (RFC 3207); nothing pipelined behind STARTTLS
executed (CVE-2011-0411); the Received line names the protocol and cipher;
a new certificate applies to the next connection; the key never reaches the
process that parses SMTP."""
import os
import socket
import ssl
import subprocess
import unittest
import warnings

from posta import IS_ROOT, wait_for
from smtpd_harness import RELAYLESS
from tlskit import CertServed, install_cert, peer_serial, read, remove_cert


def recv_all(sock, wait=1.0):
    """Everything the server says within wait seconds of silence."""
    sock.settimeout(wait)
    out = b""
    while True:
        try:
            d = sock.recv(65536)
        except (socket.timeout, ssl.SSLError, ConnectionResetError):
            break
        if not d:
            break
        out += d
    return out


class StartTls(CertServed):
    def ehlo_keywords(self, c):
        code, text = c.ehlo("client.test")
        self.assertEqual(code, 250)
        return text.decode().split("\n")[1:]

    def test_offered_with_a_certificate_and_the_session_works(self):
        c = self.srv.client()
        self.assertIn("STARTTLS", self.ehlo_keywords(c))
        self.assertEqual(c.starttls(context=self.ca.context())[0], 220)
        self.assertIn(c.sock.version(), ("TLSv1.2", "TLSv1.3"))
        # after the switch: no STARTTLS any more, and EHLO is needed again
        self.assertEqual(c.mail("a@client.test")[0], 503)
        self.assertNotIn("STARTTLS", self.ehlo_keywords(c))
        self.assertEqual(c.starttls.__self__.docmd("STARTTLS")[0], 503)
        c.sendmail("a@client.test", ["alice@posta.test"], b"Subject: tls\r\n\r\nsecret\r\n")
        c.quit()
        (q,) = self.srv.queued()
        received = q.body.split(b"\n\t", 1)[1]
        self.assertRegex(received, rb"^by mx\.posta\.test \(\[127\.0\.0\.1\]\) with ESMTPS \(TLSv1\.[23] cipher [A-Z0-9_-]+\)\n")
        self.assertIn("TLS TLSv1.", self.srv.logtext())

    def test_not_offered_without_a_certificate(self):
        remove_cert(self.inst)
        c = self.srv.client()
        self.assertNotIn("STARTTLS", self.ehlo_keywords(c))
        self.assertEqual(c.docmd("STARTTLS")[0], 502)
        # posta-tlsd became posta-smtpd (or the pool gave the connection
        # to posta-smtpd alone): no relay process for this session
        self.assertEqual(self.srv.tlsd_sessions(), [])
        c.quit()

    def test_broken_certificate_mail_still_flows(self):
        with open(self.inst.path("control", "servercert.pem"), "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
        c = self.srv.client()
        self.assertNotIn("STARTTLS", self.ehlo_keywords(c))
        c.sendmail("a@client.test", ["alice@posta.test"], b"Subject: broken cert\r\n\r\nx\r\n")
        c.quit()
        self.assertEqual(len(self.srv.queued()), 1)
        log = self.srv.logtext()
        self.assertIn("posta-tlsd: warning: unable to", log)
        self.assertIn("offering no STARTTLS in this session", log)

    def test_plain_text_still_accepted_on_port_25(self):
        c = self.srv.client(RELAYLESS)
        self.ehlo_keywords(c)
        c.sendmail("a@client.test", ["alice@posta.test"], b"Subject: plain\r\n\r\nx\r\n")
        c.quit()
        (q,) = self.srv.queued()
        self.assertIn(b"with ESMTP\n", q.body)

    def test_pipelined_commands_after_starttls_are_not_executed(self):
        """The CVE-2011-0411 attack: commands in the same packet as
        STARTTLS must be thrown away, not run once TLS is up."""
        s = socket.create_connection(("127.0.0.1", self.srv.port), 20)
        self.assertTrue(recv_all(s, 0.5).startswith(b"220 "))
        s.sendall(b"EHLO client.test\r\n")
        self.assertIn(b"STARTTLS", recv_all(s, 0.5))
        s.sendall(b"STARTTLS\r\nRSET\r\nMAIL FROM:<evil@client.test>\r\nRCPT TO:<alice@posta.test>\r\n")
        reply = b""
        while not reply.endswith(b"\r\n"):
            reply += s.recv(1)
        self.assertEqual(reply, b"220 2.0.0 ready to start TLS\r\n")
        t = self.ca.context().wrap_socket(s)
        # the injected commands had no reply in plain text, and get none now
        t.sendall(b"NOOP\r\n")
        self.assertEqual(recv_all(t), b"250 2.0.0 ok\r\n")
        # and left no transaction behind: RCPT needs a MAIL of our own
        t.sendall(b"EHLO client.test\r\n")
        recv_all(t)
        t.sendall(b"RCPT TO:<alice@posta.test>\r\n")
        self.assertEqual(recv_all(t), b"503 5.5.1 send MAIL first\r\n")
        t.close()
        self.assertNotIn("evil", self.srv.logtext())

    def test_plain_text_after_starttls_fails_the_handshake(self):
        """Commands sent in plain text after the 220 go to the handshake,
        which they break: the session ends, nothing is executed."""
        s = socket.create_connection(("127.0.0.1", self.srv.port), 20)
        recv_all(s, 0.5)
        s.sendall(b"EHLO client.test\r\n")
        recv_all(s, 0.5)
        s.sendall(b"STARTTLS\r\n")
        self.assertEqual(recv_all(s, 0.5), b"220 2.0.0 ready to start TLS\r\n")
        s.sendall(b"MAIL FROM:<evil@client.test>\r\nRCPT TO:<alice@posta.test>\r\nDATA\r\n")
        rest = recv_all(s, 5)
        self.assertNotIn(b"250", rest)
        s.close()
        wait_for(lambda: "TLS handshake failed with 127.0.0.1" in self.srv.logtext(), 10,
                 what="the handshake failure in the log")
        self.assertEqual(self.srv.queued(), [])

    def test_tls_1_2_and_1_3_only(self):
        for v in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            c = self.srv.client()
            c.starttls(context=self.ca.context(minimum=v, maximum=v))
            self.assertEqual(c.sock.version(), v.name.replace("_", "."))
            c.quit()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            old = self.ca.context(maximum=ssl.TLSVersion.TLSv1_1)
            old.minimum_version = ssl.TLSVersion.TLSv1
        old.set_ciphers("DEFAULT:@SECLEVEL=0")
        c = self.srv.client()
        with self.assertRaises((ssl.SSLError, OSError, smtplib_error())):
            c.starttls(context=old)
            c.noop()
        c.close()
        wait_for(lambda: "TLS handshake failed with 127.0.0.1" in self.srv.logtext(), 10,
                 what="the refused handshake in the log")

    def test_new_certificate_without_restart(self):
        before = peer_serial("127.0.0.1", self.srv.port, self.ca.context())
        pem, key = self.ca.server("mx.posta.test")
        install_cert(self.inst, pem, key, apart=True)
        after = peer_serial("127.0.0.1", self.srv.port, self.ca.context())
        self.assertNotEqual(before, after)
        self.assertEqual(after, 1000 + self.ca.serial)
        os.unlink(self.inst.path("control", "serverkey.pem"))

    @unittest.skipUnless(IS_ROOT, "needs the users of a privilege-separated instance")
    def test_key_stays_out_of_posta_smtpd(self):
        c = self.srv.client()
        c.starttls(context=self.ca.context())
        c.ehlo("client.test")
        (smtpd,) = wait_for(self.srv.smtpd_sessions, what="posta-smtpd")
        (tlsd,) = wait_for(self.srv.tlsd_sessions, what="posta-tlsd")
        for pid in (smtpd, tlsd):
            with open("/proc/%d/status" % pid) as f:
                ids = [l.split()[1:] for l in f if l.startswith(("Uid:", "Gid:"))]
            d = __import__("pwd").getpwnam("posta-d")
            self.assertEqual(set(ids[0]), {str(d.pw_uid)})
            self.assertEqual(set(ids[1]), {str(d.pw_gid)})
        # posta-smtpd holds pipes (or in the pool, sockets to its TLS
        # worker) and posta-tlsd's control socket, never the client's TCP
        # socket, nor a descriptor of the certificate or the key
        links = [os.readlink("/proc/%d/fd/%s" % (smtpd, fd)) for fd in os.listdir("/proc/%d/fd" % smtpd)]
        if self.srv.front == "tcpserver":
            self.assertTrue(os.readlink("/proc/%d/fd/0" % smtpd).startswith("pipe:"))
            self.assertTrue(os.readlink("/proc/%d/fd/1" % smtpd).startswith("pipe:"))
        tcp_inodes = tcp_socket_inodes()
        for l in links:
            if l.startswith("socket:"):
                self.assertNotIn(l[8:-1], tcp_inodes)
            self.assertNotIn("server", l)
        # posta-d can read neither the key file nor posta-tlsd's memory
        for path in (self.inst.path("control", "servercert.pem"), "/proc/%d/mem" % tlsd, "/proc/%d/environ" % tlsd):
            p = subprocess.run(["s6-setuidgid", "posta-d", "head", "-c", "1", path],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertNotEqual(p.returncode, 0, path)
        # nothing of the key in posta-smtpd's memory
        key_line = read(self.key).split(b"\n")[1]
        self.assertFalse(memory_holds(smtpd, key_line))
        # (the search does find what is there: the HELO name it keeps)
        self.assertTrue(memory_holds(smtpd, b"client.test"))
        c.quit()


def smtplib_error():
    import smtplib
    return smtplib.SMTPException


def tcp_socket_inodes():
    out = set()
    for fn in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(fn) as f:
            for line in f.readlines()[1:]:
                out.add(line.split()[9])
    return out


def memory_holds(pid, needle, mapmax=64 << 20, chunk=1 << 20):
    """Whether a readable, writable mapping of a process (heap, stack,
    data) holds needle; mappings over mapmax (a sanitizer's shadow) are
    skipped."""
    with open("/proc/%d/maps" % pid) as maps, open("/proc/%d/mem" % pid, "rb", 0) as mem:
        for line in maps:
            addr, perms = line.split()[:2]
            start, end = (int(x, 16) for x in addr.split("-"))
            if not perms.startswith("rw") or end - start > mapmax:
                continue
            tail = b""
            for at in range(start, end, chunk):
                try:
                    mem.seek(at)
                    data = tail + mem.read(min(chunk, end - at))
                except OSError:
                    break
                if needle in data:
                    return True
                tail = data[-len(needle):]
    return False


if __name__ == "__main__":
    unittest.main()
