"""A real DNS server on loopback for tests: dnsmasq, authoritative for the
domains the test describes, NXDOMAIN for any other name under .test.

    dns = Dns()                      # 127.0.0.53, port 53
    dns.mx("a.test", 10, "mx1.a.test")
    dns.host("mx1.a.test", "127.0.0.11", "fd00::11")
    dns.null_mx("null.test")
    dns.start()                      # waits until it answers
    ... DNSCACHEIP=dns.addr ...
    dns.stop()

Also SilentDns, a UDP socket that reads questions and never answers, for
"the DNS server does not answer". Needs root inside the test's private
network namespace (port 53).
"""
import os
import socket
import struct
import subprocess
import time

from sockloop import SockLoop


def query(addr, name, qtype=15, timeout=1.0):
    """One raw DNS question; returns (rcode, answer count) or None."""
    q = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    q += struct.pack(">HH", qtype, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(q, (addr, 53))
        r = s.recv(4096)
        return r[3] & 15, struct.unpack(">H", r[6:8])[0]
    except OSError:
        return None
    finally:
        s.close()


class Dns:
    def __init__(self, addr="127.0.0.53", zone="test"):
        self.addr = addr
        self.zone = zone
        self.args = []
        self.proc = None

    def mx(self, domain, pref, host):
        self.args.append("--mx-host=%s,%s,%d" % (domain, host, pref))
        return self

    def host(self, name, *addrs):
        self.args.append("--host-record=%s,%s" % (name, ",".join(addrs)))
        return self

    def null_mx(self, domain):
        # RFC 7505: one MX record, preference 0, the root as exchanger
        return self.rr(domain, 15, "000000")

    def rr(self, name, rrtype, hexdata):
        self.args.append("--dns-rr=%s,%d,%s" % (name, rrtype, hexdata))
        return self

    def start(self):
        cmd = ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
               "--no-hosts", "--pid-file=", "--port=53", "--listen-address=" + self.addr,
               "--bind-interfaces", "--user=root", "--group=root",
               "--local=/%s/" % self.zone] + self.args
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("dnsmasq exited: %s" % self.proc.stderr.read().decode())
            if query(self.addr, "probe." + self.zone, timeout=0.2) is not None:
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("dnsmasq does not answer on %s" % self.addr)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.proc.stderr.close()
        self.proc = None


class SilentDns(SockLoop):
    """Reads DNS questions on addr:53 and never answers; counts them."""

    def __init__(self, addr="127.0.0.54"):
        self.addr = addr
        self.questions = 0
        SockLoop.__init__(self, addr, 53, socket.SOCK_DGRAM)

    def serve_one(self):
        self.sock.recv(4096)
        self.questions += 1
