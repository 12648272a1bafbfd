"""Privilege separation, checked on a root-made instance with every service
running: each daemon runs under its conf-users uid (read from /proc), no
process that reads network input runs as root, posta-smtpd and posta-remote
(with their very credentials) can read neither the queue nor a mailbox, and
posta-local runs as the mailbox's owner."""
import grp
import os
import pwd
import stat
import subprocess
import time
import unittest

from dnsfix import Dns
from opstools import can, creds, instance_processes, read_file, write_file
from posta import IS_ROOT, Instance, maildir_files, wait_for
from smtppeer import Blackhole


def uid(name):
    return pwd.getpwnam(name).pw_uid


def gid(name):
    return grp.getgrnam(name).gr_gid


@unittest.skipUnless(IS_ROOT, "privilege separation needs root")
class PrivSep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dns = Dns().mx("far.test", 10, "mx.far.test").host("mx.far.test", "127.0.0.9").start()
        cls.hole = Blackhole("127.0.0.9")
        cls.inst = Instance()
        cls.box = cls.inst.add_mailbox("alice@example.com")
        cls.inst.service_env("posta-send", DNSCACHEIP=cls.dns.addr)
        # long enough to look at posta-remote, short enough not to hold up the stop
        cls.inst.control("timeoutconnect", "5")
        cls.inst.start()

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()
        cls.hole.stop()
        cls.dns.stop()

    def procs(self, comm):
        return [pid for pid, c in instance_processes(self.inst.home) if c == comm]

    def supervised(self, service):
        p = subprocess.run(["s6-svstat", "-o", "pid", self.inst.path("svc", service)], stdout=subprocess.PIPE)
        return int(p.stdout.decode().strip())

    def assert_runs_as(self, pid, user, group, what):
        c = creds(pid)
        self.assertEqual(set(c["uid"]), {uid(user)}, what)
        self.assertEqual(set(c["gid"]), {gid(group)}, what)
        self.assertEqual(c["groups"], [gid(group)] if group != "root" else c["groups"], what)
        return c

    def queue_and_mailboxes(self):
        """Paths a process outside the queue and the mailboxes must not read."""
        self.inst.sendmail("alice@example.com", message=b"Subject: secret\n\nsecret\n")
        files = wait_for(lambda: maildir_files(self.box), 10, what="a delivery")
        h = self.inst.home
        return {
            "queue": os.path.join(h, "queue"),
            "mess": os.path.join(h, "queue", "mess", "0"),
            "todo": os.path.join(h, "queue", "todo", "0"),
            "info": os.path.join(h, "queue", "info", "0"),
            "maildir": os.path.join(self.box, "new"),
            "mail": files[0],
            "alias": os.path.join(h, "alias", "Maildir", "new"),
        }

    @staticmethod
    def parent(pid):
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])

    def test_daemons_run_as_conf_users(self):
        send = self.supervised("posta-send")
        # the supervised process is the daemon itself: posta-start exec'd into it
        with open("/proc/%d/comm" % send) as f:
            self.assertEqual(f.read().strip(), "posta-send")
        self.assert_runs_as(send, "posta-s", "posta", "posta-send")
        self.assertEqual(self.procs("posta-start"), [])
        (lspawn,) = self.procs("posta-lspawn")
        self.assertEqual(set(creds(lspawn)["uid"]), {0})   # the one root daemon: it becomes each owner
        (rspawn,) = self.procs("posta-rspawn")
        self.assert_runs_as(rspawn, "posta-r", "posta-nofiles", "posta-rspawn")
        (clean,) = self.procs("posta-clean")
        self.assert_runs_as(clean, "posta-q", "posta", "posta-clean")
        for pid in (lspawn, rspawn, clean):
            with open("/proc/%d/stat" % pid) as f:
                self.assertEqual(int(f.read().rsplit(")", 1)[1].split()[1]), send, "a child of posta-send")
        # the injector daemon: started as root, it became the queue's owner
        injectd = self.supervised("posta-injectd")
        self.assert_runs_as(injectd, "posta-q", "posta", "posta-injectd")
        # posta-lspawn's virtual-mailbox workers: posta-v, its group alone
        # (posta-lspawn starts them one after another: under ASan the last
        # may come after this test looks)
        want = int(self.inst.control("concurrencylocal") or "10")
        wait_for(lambda: len(self.procs("posta-vworker")) >= want, 20, what="%d posta-vworker" % want)
        workers = self.procs("posta-vworker")
        self.assertEqual(len(workers), want)
        for pid in workers:
            self.assert_runs_as(pid, "posta-v", "posta-nofiles", "posta-vworker")
            with open("/proc/%d/stat" % pid) as f:
                self.assertEqual(int(f.read().rsplit(")", 1)[1].split()[1]), lspawn, "a child of posta-lspawn")
        for service in ("posta-smtpd", "posta-submission"):
            pid = self.supervised(service)
            with open("/proc/%d/comm" % pid) as f:
                self.assertEqual(f.read().strip(), "posta-smtpdpool", service)
            # posta-smtpdpool binds the port as root and is posta-d from
            # then on, its SMTP workers too; its keeper, a child forked
            # before the drop, stays root to start the TLS workers (which
            # read the key as root and become posta-d before they read a
            # byte from a client): it reads nothing from the network
            self.assert_runs_as(pid, "posta-d", "posta-d", "posta-smtpdpool")
            keepers = [k for k in self.procs("posta-smtpdpool") if self.parent(k) == pid]
            self.assertEqual(len(keepers), 1, service)
            self.assertEqual(set(creds(keepers[0])["uid"]), {0}, service)
            for t in self.procs("posta-tlsd"):
                if self.parent(t) == keepers[0]:
                    self.assert_runs_as(t, "posta-d", "posta-d", "posta-tlsd")
        loggers = self.procs("s6-log")
        # posta-smtps's logger runs too, its service down without a certificate
        self.assertEqual(len(loggers), 5)
        for pid in loggers:
            self.assert_runs_as(pid, "posta-l", "posta-nofiles", "s6-log")
        for service in ("posta-send", "posta-injectd", "posta-smtpd", "posta-submission", "posta-smtps"):
            st = os.stat(self.inst.path("log", service, "current"))
            self.assertEqual(st.st_uid, uid("posta-l"))

    def test_posta_smtpd_reads_neither_queue_nor_mailboxes(self):
        paths = self.queue_and_mailboxes()
        with self.inst.smtp() as s:
            s.ehlo("client.test")
            # every posta-smtpd: the pools' workers, the session's among them
            for pid in wait_for(lambda: self.procs("posta-smtpd"), what="a posta-smtpd"):
                c = self.assert_runs_as(pid, "posta-d", "posta-d", "posta-smtpd")
            for what in ("queue", "mess", "todo", "info", "maildir", "alias"):
                self.assertFalse(can(c, os.listdir, paths[what]), what)
            self.assertFalse(can(c, read_file, paths["mail"]))
            self.assertFalse(can(c, write_file, self.inst.path("control", "me")))
            self.assertFalse(can(c, write_file, self.inst.path("users", "assign")))

    def test_posta_remote_reads_neither_queue_nor_mailboxes(self):
        paths = self.queue_and_mailboxes()
        self.inst.sendmail("bob@far.test", message=b"Subject: out\n\nout\n")
        # its connection hangs in the black hole: time to look at it
        (pid,) = wait_for(lambda: self.procs("posta-remote"), 10, what="a posta-remote")
        c = self.assert_runs_as(pid, "posta-r", "posta-nofiles", "posta-remote")
        for what in ("queue", "mess", "todo", "info", "maildir", "alias"):
            self.assertFalse(can(c, os.listdir, paths[what]), what)
        self.assertFalse(can(c, read_file, paths["mail"]))
        # what it may touch: its own state
        self.assertTrue(can(c, os.listdir, self.inst.path("remote")))
        # the message came as a descriptor it can read, nothing more
        fds = [os.readlink("/proc/%d/fd/%s" % (pid, fd)) for fd in os.listdir("/proc/%d/fd" % pid)]
        self.assertTrue(any("/queue/mess/" in f for f in fds), fds)

    def test_posta_local_runs_as_the_mailbox_owner(self):
        out = os.path.join(self.inst.home, "whoami.out")
        with open(self.inst.path("alias", ".qmail-whoami"), "w") as f:
            # and what it inherited from posta-lspawn (root, no exec
            # between them): descriptors 0, 1, 2 alone, and no stray variable
            f.write("|id -u > %s; id -G >> %s; env > %s.env; exec ls -l /proc/self/fd > %s.fd\n" % (out, out, out, out))
        os.chown(self.inst.path("alias", ".qmail-whoami"), uid("posta-alias"), gid("posta-nofiles"))
        os.chmod(self.inst.home, 0o755)
        for fn in (out, out + ".fd", out + ".env"):
            open(fn, "w").close()
            os.chown(fn, uid("posta-alias"), -1)
        with self.inst.smtp() as c:
            c.sendmail("s@example.com", ["whoami@localhost", "alice@example.com"], b"Subject: who\r\n\r\nwho\r\n")
        text = wait_for(lambda: open(out).read().count("\n") == 2 and open(out).read(), 10, what="id's output")
        u, groups = text.splitlines()
        self.assertEqual(int(u), uid("posta-alias"))
        # ls's own descriptor is the folder it lists
        text = wait_for(lambda: open(out + ".fd").read().count("->") >= 3 and open(out + ".fd").read(), 10, what="ls's output")
        fds = [l.split()[-3] for l in text.splitlines() if "->" in l and "/fd" not in l.split()[-1]]
        self.assertEqual(sorted(int(x) for x in fds), [0, 1, 2], "descriptors the program inherited: " + text)
        names = {l.split("=", 1)[0] for l in open(out + ".env").read().splitlines() if "=" in l}
        self.assertNotIn("POSTA_LSPAWN_EXEC", names)
        self.assertNotIn("UID", names)
        self.assertEqual(groups.split(), [str(gid("posta-nofiles"))])
        # a virtual mailbox's messages belong to posta-v, written by posta-local as posta-v
        files = wait_for(lambda: [f for f in maildir_files(self.box) if b"Subject: who" in open(f, "rb").read()],
                         10, what="the message in alice's Maildir")
        st = os.stat(files[0])
        self.assertEqual(st.st_uid, uid("posta-v"))
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.box, "new")).st_mode) & 0o077, 0)
