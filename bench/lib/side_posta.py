"""side_posta.py: the posta instance under test.

An instance made by posta-setup through tests/lib/posta.py's Instance, with
B virtual mailboxes 1u@DOMAIN ... Bu@DOMAIN (posta-user add), run by its own
s6-svscan inside the server's cgroup (cgroup.py), so that every process of
the instance (s6, tcpserver, posta-smtpd, posta-queue, posta-send and its
helpers, posta-local, s6-log) is counted. 127.0.0.1 may relay (tcp.smtp);
control/smtproutes sends DEAD_DOMAIN to a closed loopback port (scale.py);
DNSCACHEIP points at loopback, where no DNS server answers.

missing() names the programs the build lacks, so that a partly built posta
is reported, not crashed on.

Never changes the build or the repository; its instance lives in the
bench's folder.
"""
import os
import time

import posta as plib  # tests/lib/posta.py

DEAD_DOMAIN = "dead.test"
DEAD_ROUTE = "[127.0.0.9]:9"   # a loopback address no interface has: every connection is refused

NEEDED = ("posta-setup", "posta-user", "posta-queue", "posta-smtpd", "posta-send", "posta-start",
          "posta-lspawn", "posta-local", "posta-rspawn", "posta-clean")
NEEDED_REMOTE = ("posta-remote",)


def missing(build, remote=False):
    names = NEEDED + (NEEDED_REMOTE if remote else ())
    return [p for p in names if not os.access(os.path.join(build, "bin", p), os.X_OK)]


class BenchInstance(plib.Instance):
    """An Instance whose s6-svscan starts inside a cgroup."""

    group = None

    def svscan_command(self):
        return self.group.wrap(super().svscan_command())

    def svscan_started(self):
        if hasattr(self.group, "set_root"):
            self.group.set_root(self.svscan.pid)


class Side:
    """What both servers' sides do alike; each names its queue manager's
    process (manager) and counts its queue (queue_size)."""
    manager = None

    def wait_queue_empty(self, timeout=120):
        deadline = time.monotonic() + timeout
        while self.queue_size():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True

    def manager_pid(self):
        """The queue manager's pid, or None."""
        for pid in self.group.pids():
            try:
                with open("/proc/%d/comm" % pid) as f:
                    if f.read().strip() == self.manager:
                        return pid
            except OSError:
                pass
        return None


class Posta(Side):
    name = "posta"
    manager = "posta-send"
    hold_what = "posta-send down"

    def __init__(self, parent, build, group, ip, port, boxes, domain, notes):
        self.parent = parent
        self.build = build
        self.group = group
        self.ip, self.port = ip, port
        self.nboxes = boxes
        self.domain = domain
        self.notes = notes
        self.inst = None
        self.maildirs = []

    def setup(self):
        os.environ["POSTA_BUILD"] = self.build
        plib.BUILD, plib.BIN = self.build, os.path.join(self.build, "bin")
        plib._base = self.parent   # the bench's folder, not a /tmp/posta-test-* one
        inst = BenchInstance(name="posta-bench", ip=self.ip, smtp_port=self.port, sub_port=self.port + 1)
        inst.group = self.group
        self.inst = inst
        self.maildirs = [inst.add_mailbox("%du@%s" % (k, self.domain)) for k in range(1, self.nboxes + 1)]
        inst.control("tcp.smtp", ['127.0.0.1:allow,RELAYCLIENT=""', ":allow"])
        inst.control("smtproutes", ["%s:%s" % (DEAD_DOMAIN, DEAD_ROUTE)])
        for svc in ("posta-send", "posta-smtpd"):
            inst.service_env(svc, DNSCACHEIP="127.0.0.1")

    def set_backlog(self, n):
        """tcpserver -b N (its listen backlog; tcpserver's default is 20)."""
        run = self.inst.path("svc", "posta-smtpd", "run")
        with open(run) as f:
            s = f.read()
        with open(run, "w") as f:
            f.write(s.replace("tcpserver -v", "tcpserver -b %d -v" % n, 1))
        self.notes.append("posta-smtpd's tcpserver run with -b %d (not as shipped)" % n)

    def start(self, services=("posta-send", "posta-injectd", "posta-smtpd")):
        # BENCH_INJECTD=0 leaves the injector daemon down: posta-smtpd then
        # runs posta-queue for every message, as before it existed
        if os.environ.get("BENCH_INJECTD") == "0":
            services = tuple(s for s in services if s != "posta-injectd")
            self.notes.append("posta-injectd down (BENCH_INJECTD=0): posta-queue run per message")
        self.inst.start(services=services, timeout=60)

    def up(self, service, timeout=120):
        self.inst.svc(service, "-u")
        self.inst.wait_service(service, timeout)

    def down(self, service):
        self.inst.svc(service, "-wD", "-d")

    def hold(self):
        """Mail stays in the queue: posta-send down."""
        self.down("posta-send")

    def release(self):
        self.up("posta-send")

    def stop(self):
        if self.inst:
            self.inst.stop()
        self.group.kill()

    def queue_size(self):
        """Messages in the queue (files in queue/mess)."""
        d = self.inst.path("queue", "mess")
        return sum(len(os.listdir(os.path.join(d, s))) for s in os.listdir(d))

    def qstat(self):
        """(messages in queue, not yet preprocessed) from posta-qstat."""
        p = self.inst.run("posta-qstat")
        nums = [int(w) for w in p.stdout.decode().replace(":", " ").split() if w.isdigit()]
        return tuple(nums[:2]) if len(nums) >= 2 else (None, None)

    def log(self, service):
        return self.inst.log(service)
