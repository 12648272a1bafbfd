"""tlskit.py: throwaway certificates and TLS front ends for the TLS and AUTH
tests.

    ca = Ca(dirname)                    # a CA made with openssl, for this test
    pem, key = ca.server("mx.posta.test")
    install_cert(inst, pem, key)        # control/servercert.pem, root's, 0600
    srv = TlsSmtpd(inst, implicit=False, submission=True)
    srv.start()                         # posta-smtpdpool -t/-i (root, then posta-d)
                                        # with posta-tlsd -w and posta-smtpd -w workers,
                                        # or with front="tcpserver" (or
                                        # $POSTA_SMTPD_FRONT=tcpserver): tcpserver (root)
                                        # + posta-tlsd + posta-smtpd per connection
    c = srv.client(); c.starttls(context=ca.context()); c.login(...)

TlsSmtpd runs its front as root with $UID/$GID naming posta-d, as the run
scripts of svc/ do, so that posta-tlsd reads the key as root and drops
before it reads from the network: posta-smtpdpool -t (or -i), whose keeper
starts the posta-tlsd -w workers as root, by default; tcpserver running
posta-tlsd per connection with front="tcpserver".
"""
import os
import pwd
import smtplib
import socket
import ssl
import subprocess
import unittest

from posta import IS_ROOT, Instance, wait_for
from smtpd_harness import RELAY, Smtpd, clear_queue, configure, serving


def openssl(*args, cwd=None):
    p = subprocess.run(["openssl"] + list(args), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode:
        raise AssertionError("openssl %s: %s" % (" ".join(args), p.stdout.decode(errors="replace")))


class Ca:
    """A certificate authority of its own, and server certificates it signs."""

    def __init__(self, folder):
        self.dir = folder
        os.makedirs(folder, exist_ok=True)
        self.cert = os.path.join(folder, "ca.pem")
        self.key = os.path.join(folder, "ca.key")
        self.serial = 0
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", self.key, "-out", self.cert, "-days", "2", "-subj", "/CN=posta test CA")

    def server(self, name, *more, days=2):
        """A key and a certificate for name (and more names): their paths.
        days=-1 makes one that expired when it was made."""
        self.serial += 1
        base = os.path.join(self.dir, "%s-%d" % (name, self.serial))
        ext = base + ".ext"
        with open(ext, "w") as f:
            f.write("subjectAltName=%s\n" % ",".join("DNS:" + n for n in (name,) + more))
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=" + name)
        openssl("x509", "-req", "-in", base + ".csr", "-CA", self.cert, "-CAkey", self.key,
                "-set_serial", str(1000 + self.serial), "-out", base + ".pem", "-days", str(days),
                "-extfile", ext)
        return base + ".pem", base + ".key"

    def self_signed(self, name):
        """A key and a certificate for name that no CA signed: their paths."""
        self.serial += 1
        base = os.path.join(self.dir, "self-%s-%d" % (name, self.serial))
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", base + ".key", "-out", base + ".pem", "-days", "2", "-subj", "/CN=" + name,
                "-addext", "subjectAltName=DNS:" + name)
        return base + ".pem", base + ".key"

    def server_context(self, pem, key):
        """An SSL context that serves pem and key."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(pem, key)
        return ctx

    def context(self, minimum=None, maximum=None):
        """An SSL context that trusts this CA (names not checked: the tests
        connect to addresses)."""
        ctx = ssl.create_default_context(cafile=self.cert)
        ctx.check_hostname = False
        if minimum:
            ctx.minimum_version = minimum
        if maximum:
            ctx.maximum_version = maximum
        return ctx


def serve_with_cert(cls, **kw):
    """For a test class's setUpClass: a configured instance (cls.inst), a
    test CA (cls.ca), mx.posta.test's certificate and key installed
    (cls.pem, cls.key) and a started TlsSmtpd(cls.inst, **kw) (cls.srv)."""
    cls.inst = Instance()
    configure(cls.inst)
    cls.ca = Ca(cls.inst.path("ca"))
    cls.pem, cls.key = cls.ca.server("mx.posta.test")
    install_cert(cls.inst, cls.pem, cls.key)
    cls.srv = TlsSmtpd(cls.inst, **kw)
    cls.srv.start()


class CertServed(unittest.TestCase):
    """A test class served by serve_with_cert(cls, **SERVE), its certificate
    put back and its queue emptied before each test."""
    SERVE = {}

    @classmethod
    def setUpClass(cls):
        serve_with_cert(cls, **cls.SERVE)

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def setUp(self):
        install_cert(self.inst, self.pem, self.key)
        clear_queue(self.srv)


def install_cert(inst, pem, key, apart=False):
    """control/servercert.pem (with the key in it, or the key in
    control/serverkey.pem when apart), owned by root, mode 0600."""
    def write(name, data):
        fn = inst.path("control", name)
        tmp = fn + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o600)
        os.rename(tmp, fn)
    cert, secret = read(pem), read(key)
    if apart:
        write("serverkey.pem", secret)
        write("servercert.pem", cert)
    else:
        write("servercert.pem", cert + secret)


def read(fn):
    with open(fn, "rb") as f:
        return f.read()


def remove_cert(inst):
    for name in ("servercert.pem", "serverkey.pem"):
        inst.remove_control(name)


def peer_serial(ip, port, ctx, starttls=True, source=RELAY):
    """The serial number of the certificate the server shows."""
    if starttls:
        c = smtplib.SMTP(ip, port, timeout=20, source_address=(source, 0))
        c.starttls(context=ctx)
        der = c.sock.getpeercert(binary_form=True)
        c.quit()
    else:
        with socket.create_connection((ip, port), 20, source_address=(source, 0)) as s:
            with ctx.wrap_socket(s) as t:
                der = t.getpeercert(binary_form=True)
    p = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-serial"], input=der,
                       stdout=subprocess.PIPE, check=True)
    return int(p.stdout.decode().strip().split("=")[1], 16)


class TlsSmtpd(Smtpd):
    """posta-smtpdpool -t/-i (or tcpserver + posta-tlsd [-i]) + posta-smtpd
    [-s], as svc/ runs them."""

    def __init__(self, inst=None, implicit=False, submission=False, pool_args=(), **kw):
        super().__init__(inst, **kw)
        self.implicit = implicit
        self.submission = submission
        self.pool_args = list(pool_args)

    def start(self):
        if self.front == "tcpserver":
            cmd = ["tcpserver", "-R", "-H", "-l", "0", "-c", str(self.concurrency), "-b", "300",
                   "-x", self.rules, "--", "127.0.0.1", str(self.port), self.inst.bin("posta-tlsd")]
            if self.implicit:
                cmd.append("-i")
            cmd.append(self.inst.bin("posta-smtpd"))
            what = "tcpserver"
        else:
            cmd = [self.inst.bin("posta-smtpdpool"), "-c", str(self.concurrency), "-x", self.rules] + self.pool_args + [
                   "-i" if self.implicit else "-t", self.inst.bin("posta-tlsd"), "--",
                   "127.0.0.1", str(self.port), self.inst.bin("posta-smtpd"), "-w"]
            what = "posta-smtpdpool"
        if self.submission:
            cmd.append("-s")
        env = self.inst.env(**self.env)
        if IS_ROOT:
            pw = pwd.getpwnam("posta-d")
            env.update(UID=str(pw.pw_uid), GID=str(pw.pw_gid), GIDLIST=str(pw.pw_gid))
        self.log = open(self.inst.path("smtpd-test.log"), "ab")
        self.proc = subprocess.Popen(cmd, cwd=self.inst.home, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(self._listening, 10, what="%s on port %d" % (what, self.port))

    def tlsd_sessions(self):
        """Pids of the posta-tlsd processes serving a client now: under
        tcpserver every one, in the pool the workers that hold a TCP
        socket."""
        return serving(self.tlsd_pids(), self.front)

    def smtpd_sessions(self):
        """Pids of the posta-smtpd processes serving a client now: under
        tcpserver every one, in the pool the workers that hold the sockets
        of a session (three sockets or more: the pool's, and to their TLS
        worker the data and the control socket)."""
        if self.front == "tcpserver":
            return self.processes()
        out = []
        for pid in self.processes():
            try:
                fds = os.listdir("/proc/%d/fd" % pid)
                n = sum(os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:") for fd in fds)
            except OSError:
                continue
            if n >= 3:
                out.append(pid)
        return out

    def tlsd_pids(self):
        out = []
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    if os.readlink("/proc/%s/exe" % p) == self.inst.bin("posta-tlsd"):
                        out.append(int(p))
                except OSError:
                    pass
        return out

    def ssl_client(self, ctx, source=RELAY, timeout=30):
        """smtplib over implicit TLS (port 465)."""
        return smtplib.SMTP_SSL("127.0.0.1", self.port, timeout=timeout, context=ctx,
                                source_address=(source, 0))

    def stop(self):
        super().stop()
        wait_for(lambda: not self.tlsd_pids(), 30, what="posta-tlsd sessions to end")
