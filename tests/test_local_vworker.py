"""posta-lspawn's virtual-mailbox workers (issue 14, item 5): a delivery to
a virtual mailbox with Maildirs only starts no process; the workers run as
posta-v, are replaced after control/localmaxuse deliveries and when they
die; a worker killed mid-delivery gives a temporary failure, and the retry
delivers once; system users, the alias user and dot-qmail programs still
get a forked child; a worker cannot open what only root may."""
import os
import pwd
import re
import signal
import subprocess
import tempfile
import time
import unittest

from posta import IS_ROOT, Instance, instance_and_secret, maildir_files
from lspawn import LSpawn, owner, queue_message
from opstools import can, creds, user_creds

BODY = (b"Received: from client.example.net by mx.example.com; 1 Jan 2025 00:00:00 +0000\n"
        b"From: Bob <bob@example.net>\nTo: vw@example.com\nSubject: hello\n\n"
        b"From the start\n.\n..\nbinary \x01\x7f\xff bytes\nno final newline")


def workers(ls, want=None, timeout=10):
    """The pids of posta-lspawn's workers (children named posta-vworker),
    once there are want of them."""
    end = time.time() + timeout
    while True:
        pids = []
        try:
            with open("/proc/%d/task/%d/children" % (ls.proc.pid, ls.proc.pid)) as f:
                kids = [int(p) for p in f.read().split()]
        except OSError:
            kids = []
        for p in kids:
            try:
                with open("/proc/%d/comm" % p) as f:
                    if f.read().strip() == "posta-vworker":
                        pids.append(p)
            except OSError:
                pass
        if want is None or len(pids) == want or time.time() > end:
            return sorted(pids)
        time.sleep(0.05)


class Forks:
    """Counts the processes posta-lspawn starts (strace on it alone)."""

    def __init__(self, pid):
        self.out = tempfile.NamedTemporaryFile(suffix=".strace")
        self.proc = subprocess.Popen(["strace", "-qq", "-p", str(pid), "-e", "trace=clone,clone3,fork,vfork",
                                      "-o", self.out.name], stderr=subprocess.DEVNULL)
        time.sleep(1)   # attached

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(10)
        with open(self.out.name) as f:
            text = f.read()
        self.out.close()
        return len(re.findall(r"^(clone3?|v?fork)\(", text, re.M))


@unittest.skipUnless(IS_ROOT, "the workers' uid and the forks need root")
class VWorkerTest(unittest.TestCase):
    def setUp(self):
        self.inst = Instance()
        self.addCleanup(self.inst.cleanup)
        self.box = self.inst.add_mailbox("vw@example.com")
        self.vuid, self.vgid = owner("posta-v")
        self.ls = None

    def start(self, conc=2, maxuse=None):
        self.inst.control("concurrencylocal", str(conc))
        if maxuse is not None:
            self.inst.control("localmaxuse", str(maxuse))
        self.ls = LSpawn(self.inst)
        self.addCleanup(self.ls.kill)
        self.assertEqual(len(workers(self.ls, conc)), conc, self.ls.stderr())

    def system_user(self):
        """A system account whose home (with a Maildir) is in the instance."""
        user = "pvw%d" % (os.getpid() % 100000)
        home = self.inst.path("sysuser")
        subprocess.run(["useradd", "-M", "-d", home, "-s", "/usr/sbin/nologin", user], check=True)
        self.addCleanup(subprocess.run, ["userdel", user])
        uid = pwd.getpwnam(user).pw_uid
        for d in ("", "Maildir", "Maildir/new", "Maildir/cur", "Maildir/tmp"):
            os.makedirs(os.path.join(home, d), mode=0o700, exist_ok=True)
            os.chown(os.path.join(home, d), uid, pwd.getpwnam(user).pw_gid)
        os.chmod(home, 0o755)
        return user, uid

    def new_files(self, before):
        return [f for f in maildir_files(self.box) if f not in before]

    def test_byte_exact_and_no_fork(self):
        self.start(conc=3)
        forks = Forks(self.ls.proc.pid)
        before = set(maildir_files(self.box))
        n = 40
        for i in range(n):
            result = self.ls.deliver("vw@example.com", BODY, sender="bob@example.net", slot=i % 3)
            self.assertTrue(result.startswith("K2.0.0 - delivered: 1 maildir"), result)
        self.assertEqual(forks.stop(), 0, "posta-lspawn forked for virtual deliveries")
        new = self.new_files(before)
        self.assertEqual(len(new), n)
        for fn in new:
            with open(fn, "rb") as f:
                self.assertEqual(f.read(), b"Return-Path: <bob@example.net>\nDelivered-To: vw@example.com\n" + BODY)
            st = os.stat(fn)
            self.assertEqual((st.st_uid, st.st_mode & 0o777), (self.vuid, 0o600))
        self.assertEqual(os.listdir(os.path.join(self.box, "tmp")), [])
        self.assertEqual(self.ls.close(), 0)

    def test_concurrent_deliveries(self):
        self.start(conc=4)
        before = set(maildir_files(self.box))
        for round_ in range(5):
            for slot in range(4):
                self.ls.request(slot, "vw@example.com", queue_message(self.inst, BODY), sender="b@x.org")
            got = sorted(self.ls.response() for _ in range(4))
            self.assertEqual([s for s, _ in got], [0, 1, 2, 3])
            for _, r in got:
                self.assertTrue(r.startswith("K2.0.0"), r)
        self.assertEqual(len(self.new_files(before)), 20)

    def test_max_use(self):
        self.start(conc=1, maxuse=3)
        seen = [workers(self.ls, 1)]
        for i in range(7):
            self.assertTrue(self.ls.deliver("vw@example.com", BODY).startswith("K2.0.0"))
            if (i + 1) % 3:
                self.assertEqual(workers(self.ls, 1), seen[-1])
                continue
            # its third: it exits, and another takes its place
            end = time.time() + 10
            while workers(self.ls, 1) == seen[-1] and time.time() < end:
                time.sleep(0.05)
            seen.append(workers(self.ls, 1))
            self.assertNotEqual(seen[-1], seen[-2])
        self.assertEqual(len(set(p for ps in seen for p in ps)), 3, seen)
        self.assertEqual(len(maildir_files(self.box)), 7)

    def test_worker_killed_mid_delivery(self):
        self.start(conc=1)
        [pid] = workers(self.ls, 1)
        big = BODY + b"\n" + (b"x" * 999 + b"\n") * 200000    # 200 MB
        path = queue_message(self.inst, big)
        tmp = os.path.join(self.box, "tmp")
        self.ls.request(0, "vw@example.com", path)
        end = time.time() + 60
        while not os.listdir(tmp) and time.time() < end:
            time.sleep(0.001)
        os.kill(pid, signal.SIGSTOP)
        self.assertTrue(os.listdir(tmp), "the worker never started writing")
        self.assertEqual(maildir_files(self.box), [])
        os.kill(pid, signal.SIGKILL)
        slot, result = self.ls.response()
        self.assertEqual(slot, 0)
        self.assertTrue(result.startswith("Z4.3.0 - posta-local killed by signal 9"), result)
        # a fresh worker takes over; the retry (posta-send's) delivers once
        [fresh] = workers(self.ls, 1)
        self.assertNotEqual(fresh, pid)
        forks = Forks(self.ls.proc.pid)
        self.assertTrue(self.ls.deliver("vw@example.com", path).startswith("K2.0.0"))
        self.assertEqual(forks.stop(), 0)
        files = maildir_files(self.box)
        self.assertEqual(len(files), 1)
        self.assertEqual(os.path.getsize(files[0]), len(big) + len("Return-Path: <>\nDelivered-To: vw@example.com\n"))
        # killed after the link: the retry finds its stable name, no second copy
        self.assertTrue(self.ls.deliver("vw@example.com", path).startswith("K2.0.0"))
        self.assertEqual(len(maildir_files(self.box)), 1)

    def test_programs_alias_and_system_users_fork(self):
        home = os.path.dirname(self.inst.add_mailbox("prog@example.com").rstrip("/"))
        with open(os.path.join(home, ".qmail"), "w") as f:
            f.write("|id -u > id.out\n./Maildir/\n")
        os.chmod(os.path.join(home, ".qmail"), 0o644)
        os.chown(os.path.join(home, ".qmail"), self.vuid, self.vgid)
        self.start(conc=2)
        forks = Forks(self.ls.proc.pid)
        self.assertTrue(self.ls.deliver("prog@example.com", BODY).startswith("K2.0.0 - delivered: 1 maildir, 0 mbox, 1 program"))
        self.assertEqual(forks.stop(), 1)
        with open(os.path.join(home, "id.out")) as f:
            self.assertEqual(int(f.read()), self.vuid)
        # the alias user (postmaster) and a system account: a child each
        user, uid = self.system_user()
        forks = Forks(self.ls.proc.pid)
        self.assertTrue(self.ls.deliver("postmaster@example.com", BODY).startswith("K2.0.0"))
        self.assertTrue(self.ls.deliver(user + "@example.com", BODY).startswith("K2.0.0"))
        self.assertEqual(forks.stop(), 2)
        [fn] = maildir_files(self.inst.path("sysuser", "Maildir"))
        self.assertEqual(os.stat(fn).st_uid, uid)
        # and a Maildir-only virtual mailbox still none
        forks = Forks(self.ls.proc.pid)
        self.assertTrue(self.ls.deliver("vw@example.com", BODY).startswith("K2.0.0"))
        self.assertEqual(forks.stop(), 0)

    def test_no_workers_when_maxuse_zero(self):
        self.inst.control("localmaxuse", "0")
        self.ls = LSpawn(self.inst)
        self.addCleanup(self.ls.kill)
        time.sleep(0.5)
        self.assertEqual(workers(self.ls), [])
        forks = Forks(self.ls.proc.pid)
        self.assertTrue(self.ls.deliver("vw@example.com", BODY).startswith("K2.0.0"))
        self.assertEqual(forks.stop(), 1)


@unittest.skipUnless(IS_ROOT, "the workers' uid needs root")
class VWorkerConfinementTest(unittest.TestCase):
    def test_uid_fds_and_root_only_files(self):
        inst, secret = instance_and_secret(self)
        inst.add_mailbox("vw@example.com")
        with open(os.path.join(secret, "key"), "w") as f:
            f.write("root only\n")
        ls = LSpawn(inst)
        self.addCleanup(ls.kill)
        pids = workers(ls, 10)
        self.assertTrue(pids)
        vuid, vgid = owner("posta-v")
        for pid in pids:
            c = creds(pid)
            self.assertEqual(c["uid"], (vuid,) * 4)
            self.assertEqual(c["gid"], (vgid,) * 4)
            self.assertEqual(c["groups"], [vgid])
            # nothing of posta-lspawn's: not posta-send's socket, not queue/mess
            fds = sorted(int(f) for f in os.listdir("/proc/%d/fd" % pid))
            self.assertEqual(fds, [0, 1, 2, 3])
            self.assertEqual(os.readlink("/proc/%d/fd/0" % pid), "/dev/null")
            self.assertEqual(os.readlink("/proc/%d/fd/1" % pid), "/dev/null")
            with open("/proc/%d/status" % pid) as f:
                self.assertIn("CapEff:\t0000000000000000", f.read())
            # not dumpable: another posta-v process (a dot-qmail program)
            # cannot read its memory or its environment
            self.assertFalse(can(user_creds("posta-v"), open, "/proc/%d/environ" % pid))
            # what the worker's credentials may open
            self.assertFalse(can(c, open, os.path.join(secret, "key")))
            self.assertFalse(can(c, os.listdir, inst.path("queue", "mess")))
            self.assertFalse(can(c, open, inst.path("control", "concurrencylocal"), "a"))
            self.assertFalse(can(c, os.kill, ls.proc.pid, 0))
        self.assertTrue(ls.deliver("vw@example.com", BODY).startswith("K2.0.0"))


if __name__ == "__main__":
    unittest.main()
