"""hardkit.py: a whole running posta instance for the attack, fault and
load tests (tests/test_attack_*.py, test_fault_*.py, test_load_*.py).

    w = World()            # DNS (dnsmasq) on 127.0.0.53: every domain of
                           # FAR has its MX at 127.0.0.9, where a catching
                           # SMTP server records whatever reaches it
    w.start()              # the instance's services under s6-svscan
    c = w.raw()            # raw SMTP from 127.0.0.2 (no RELAYCLIENT)
    w.relayed()            # messages that reached the catching server
    w.snapshot()           # the instance's files, for before/after
    w.cleanup()

The instance is posta.test (control/me, locals, rcpthosts); alice@ and
bob@posta.test are virtual mailboxes. control/tcp.smtp gives RELAYCLIENT to
127.0.0.1 only.
"""
import os
import pwd
import shutil
import socket
import tempfile
import time

import qrecord
from dnsfix import Dns
from posta import Instance, maildir_files, pids, proc_read, wait_for
from smtpd_harness import RawClient
from smtppeer import AioPeer

ME = "posta.test"
FAR = ("far.test", "evil.test", "b.test", "c.test")
CATCH = "127.0.0.9"
DNSIP = "127.0.0.53"
RELAY = "127.0.0.1"
RELAYLESS = "127.0.0.2"

# files that change while mail flows; everything else must stay as it was
MOVING = ("queue/", "log/", "svscan.log", "svc/", "control/tcp.smtp.cdb", "remote/")  # remote/tcpto: posta-remote's


class World:
    def __init__(self, dns=True, catch=True, **control):
        self.dns = None
        self.peer = None
        if dns:
            self.dns = Dns(DNSIP)
            for d in FAR:
                self.dns.mx(d, 10, "mx." + d)
                self.dns.host("mx." + d, CATCH)
            self.dns.start()
        if catch:
            self.peer = AioPeer(CATCH, 25).start()
        self.marks = None
        self.inst = Instance()
        self.inst.control("me", ME)
        self.inst.control("locals", [ME])
        self.inst.control("rcpthosts", [ME])
        self.inst.control("tcp.smtp", ['%s:allow,RELAYCLIENT=""' % RELAY, ":allow"])
        self.inst.control("timeoutremote", "10")
        self.inst.control("timeoutconnect", "2")
        for k, v in control.items():
            self.inst.control(k, v)
        for s in ("posta-send", "posta-smtpd"):
            self.inst.service_env(s, DNSCACHEIP=DNSIP)
        self.alice = self.inst.add_mailbox("alice@" + ME)
        self.bob = self.inst.add_mailbox("bob@" + ME)

    def marks_dir(self, prefix, mode):
        """A folder outside the instance (mode: 0o777 or 0o1777, so anyone
        may write there) where a command that an attack smuggled in, or a
        fault wrapper, leaves its mark; removed by cleanup."""
        self.marks = tempfile.mkdtemp(prefix=prefix)
        os.chmod(self.marks, mode)
        return self.marks

    def start(self, services=("posta-send", "posta-smtpd")):
        self.inst.start(services)

    def raw(self, source=RELAYLESS, timeout=30):
        s = socket.create_connection((self.inst.ip, self.inst.smtp_port), timeout,
                                     source_address=(source, 0))
        return RawClient(s)

    def relayed(self):
        """Messages that reached the catching server, notifications (null
        sender) apart."""
        return [m for m in (self.peer.messages if self.peer else []) if m["mail_from"] not in ("", "<>")]

    def mail(self, box):
        out = []
        for f in maildir_files(box):
            with open(f, "rb") as fh:
                out.append(fh.read())
        return out

    def queue_empty(self):
        return not self.inst.queue_files("mess") and not self.inst.queue_files("todo")

    def pending(self):
        """Recipients still to be tried: todo files not yet preprocessed, and
        recipients in state P of the local and remote records of messages
        that have an info record (without one a record is a leftover of a
        finished message, doc/queue.md's state 6)."""
        n = len(self.inst.queue_files("todo"))
        infos = set(self.inst.queue_files("info"))
        for kind in ("local", "remote"):
            for i in self.inst.queue_files(kind):
                if i not in infos:
                    continue
                try:
                    fields = qrecord.load(self.inst, kind, i)
                except (OSError, ValueError):
                    n += 1
                    continue
                n += sum(1 for t, v in fields if t == "S" and v == b"P")
        return n

    def wait_queue_empty(self, timeout=30):
        """Waits until every recipient is delivered or failed for good. (A
        failure's notice waits for posta-bounce, which may not be installed:
        its bounce record may stay.)"""
        wait_for(lambda: self.pending() == 0, timeout, interval=0.1, what="no pending recipient")

    def snapshot(self):
        """Every path under the instance home but those that move while mail
        flows, and every Maildir's tmp/ (which must end empty)."""
        out = set()
        home = self.inst.home
        for root, dirs, files in os.walk(home):
            rel = os.path.relpath(root, home)
            rel = "" if rel == "." else rel + "/"
            for n in dirs + files:
                p = rel + n
                if p.startswith(MOVING) or "/new/" in p or "/cur/" in p:
                    continue
                out.add(p)
        return out

    def tmp_by_posta(self):
        """Entries of /tmp owned by one of posta's users: a posta program
        that wrote into /tmp would show here (other tests' folders, made by
        root, do not)."""
        uids = set()
        for name in ("posta-alias", "posta-d", "posta-l", "posta-q", "posta-r", "posta-s", "posta-v"):
            try:
                uids.add(pwd.getpwnam(name).pw_uid)
            except KeyError:
                pass
        out = set()
        for n in os.listdir("/tmp"):
            try:
                if os.lstat(os.path.join("/tmp", n)).st_uid in uids:
                    out.add(n)
            except FileNotFoundError:
                pass
        return out

    def cleanup(self):
        self.inst.cleanup()
        if self.marks:
            shutil.rmtree(self.marks, True)
        if self.peer:
            self.peer.stop()
        if self.dns:
            self.dns.stop()


def session(w, commands, source=RELAYLESS, greet=True):
    """Sends each command line (bytes, CRLF added) and collects its reply;
    returns the list of replies (b'' once the server closed)."""
    c = w.raw(source)
    out = []
    try:
        if greet:
            c.expect(b"220 ")
        for cmd in commands:
            try:
                c.send(cmd + b"\r\n")
                out.append(c.reply())
            except OSError:
                out.append(b"")
    finally:
        c.close()
    return out


def deliver_one(w, rcpt, data, sender=b"<s@far.test>", helo=b"EHLO client.test", mailparams=b"", rcptparams=b"",
                source=RELAYLESS):
    """One whole transaction; returns the replies of MAIL, RCPT and the data
    (b'' for those never reached)."""
    c = w.raw(source)
    try:
        c.expect(b"220 ")
        c.send(helo + b"\r\n")
        c.reply()
        c.send(b"MAIL FROM:" + sender + mailparams + b"\r\n")
        m = c.reply()
        c.send(b"RCPT TO:" + rcpt + rcptparams + b"\r\n")
        r = c.reply()
        if not r.startswith(b"250"):
            c.send(b"QUIT\r\n")
            return m, r, b""
        c.send(b"DATA\r\n")
        if not c.reply().startswith(b"354"):
            return m, r, b""
        c.send(data)
        d = c.reply()
        c.send(b"QUIT\r\n")
        return m, r, d
    finally:
        c.close()


def rss_kb(pids):
    total = 0
    for p in pids:
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def instance_pids(inst):
    """Pids of every process whose executable or working folder lies in the
    instance (its daemons, tcpserver, posta-smtpd sessions)."""
    out = []
    for pid in pids():
        exe = proc_read(pid, "exe") or ""
        cmd = proc_read(pid, "cmdline")
        if cmd is not None and (exe.startswith(inst.home) or inst.home.encode() in cmd):
            out.append(pid)
    return out


def wait(seconds):
    time.sleep(seconds)
