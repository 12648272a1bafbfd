"""Processes against processes: what one uid can do to the programs that
run for another party (issue 15, found by tests/test_sec_boundaries.py).

Queue readers: posta-q owns queue/, so it can put a folder of its own in
place of queue/info (or queue/remote, queue/cmd), and owns queue/todo
outright. Root's posta-qread and posta-qstat go on as posta-s and open
every record without following a link or blocking on a FIFO, read only
regular files, and name in a warning what they skipped: a FIFO hangs
neither, a link to a root-only file shows nothing of it.

Sessions of one uid: posta-smtpd, posta-rspawn, posta-remote, posta-send
(every program that holds another party's data) are not dumpable, so a
process of the same uid (a session taken over by its client, a delivery
taken over by a hostile server) can neither read their memory through
/proc nor attach to them with ptrace. Each attack runs in a child with
exactly the attacker's credentials (read from /proc of a real process of
that uid, or as posta-setup gives them).
"""
import ctypes
import errno
import os
import pwd
import shutil
import subprocess
import unittest

from opstools import attempt, creds, instance_processes, user_creds
from posta import IS_ROOT, Instance, free_port, wait_for
from qrecord import build as record
from smtppeer import ScriptPeer

DENIED = (errno.EACCES, errno.EPERM)
SPLIT = 23
SECRET = b"root-only-secret"


# --- the queue readers ---------------------------------------------------------
@unittest.skipUnless(IS_ROOT, "posta-q against root's tools: root makes the uids")
class QueueReaders(unittest.TestCase):
    """posta-q plants FIFOs and links to a root-only file where root's
    posta-qread and posta-qstat look for records."""

    @classmethod
    def setUpClass(cls):
        # no service runs: the message stays in todo, and nothing but the
        # test touches the queue
        cls.inst = inst = Instance()
        inst.sendmail("bob@far.test", message=b"Subject: queued\n\nwaits\n")
        (cls.mid,) = inst.queue_files("todo")
        cls.n = str(cls.mid % SPLIT)
        cls.secret = inst.path("..", inst.name + "-root-only")
        os.makedirs(cls.secret, mode=0o700, exist_ok=True)
        os.chmod(cls.secret, 0o700)
        mark = SECRET.decode()
        for kind, fields in (
                ("info", [("t", 1), ("s", 5), ("F", mark + "@info.test"), ("u", 0)]),
                ("rcpt", [("A", mark + "@rcpt.test"), ("S", "P"), ("n", 0), ("w", 0)]),
                ("todo", [("t", 1), ("F", mark + "@todo.test"), ("u", 0), ("T", mark + "@todo.test")])):
            fn = os.path.join(cls.secret, kind)
            with open(fn, "wb") as f:
                f.write(record(kind, fields))
            os.chmod(fn, 0o600)
        # a record posta-q may write itself: nothing secret in it
        cls.info = record("info", [("t", 1), ("s", 5), ("F", "q@info.test"), ("u", 0)])
        cls.posta_q = user_creds("posta-q")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.secret, ignore_errors=True)
        cls.inst.cleanup()

    def target(self, kind):
        return os.path.join(self.secret, kind)

    def swap(self, folder, entries):
        """As posta-q: queue/FOLDER becomes a folder of posta-q's (with
        every N), holding entries: name -> "fifo", ("link", target) or
        bytes. Root puts the real one back (cleanup)."""
        q = self.inst.path("queue")
        real, mine = os.path.join(q, folder + ".real"), os.path.join(q, folder)

        def plant():
            os.rename(mine, real)
            os.mkdir(mine, 0o755)
            for i in range(SPLIT):
                os.mkdir(os.path.join(mine, str(i)), 0o755)
            self.put(mine, entries)

        def restore():
            if os.path.lexists(real):
                shutil.rmtree(mine, ignore_errors=True)
                os.rename(real, mine)
        self.addCleanup(restore)
        self.assertEqual(attempt(self.posta_q, plant), 0, "posta-q owns queue/: it may rename there")

    @staticmethod
    def put(folder, entries):
        for name, what in entries.items():
            fn = os.path.join(folder, name)
            if what == "fifo":
                os.mkfifo(fn, 0o644)
            elif isinstance(what, tuple):
                os.symlink(what[1], fn)
            else:
                with open(fn, "wb") as f:
                    f.write(what)

    def replace_todo(self, what):
        """As posta-q, in its own queue/todo/N: the message's todo record
        replaced (root puts a copy of the real one back)."""
        fn = self.inst.path("queue", "todo", self.n, str(self.mid))
        with open(fn, "rb") as f:
            saved = f.read()
        st = os.stat(fn)

        def restore():
            if os.path.lexists(fn):
                os.unlink(fn)
            with open(fn, "wb") as f:
                f.write(saved)
            os.chown(fn, st.st_uid, st.st_gid)
            os.chmod(fn, st.st_mode & 0o7777)
        self.addCleanup(restore)

        def plant():
            os.unlink(fn)
            self.put(os.path.dirname(fn), {str(self.mid): what})
        self.assertEqual(attempt(self.posta_q, plant), 0, "posta-q owns queue/todo")

    def tool(self, *args):
        """Root runs bin/ARGS[0] ARGS[1:]: its CompletedProcess; a tool that
        does not finish within 10 seconds fails the test."""
        try:
            return subprocess.run([self.inst.bin(args[0])] + list(args[1:]), env=self.inst.env(), cwd="/",
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  timeout=10)
        except subprocess.TimeoutExpired:
            self.fail("root's %s blocked on what posta-q put in the queue" % " ".join(args))

    def check_tools(self, skipped, qstat_skipped=None):
        """Every reading of the queue finishes, shows nothing root-only,
        and names the record it skipped (a path relative to the home)."""
        for args in (("posta-qread", str(self.mid)), ("posta-qread",), ("posta-qstat",), ("posta-qstat", "-d")):
            p = self.tool(*args)
            out = p.stdout + p.stderr
            self.assertNotIn(SECRET, out, args)
            want = qstat_skipped if args[0] == "posta-qstat" else skipped
            if want is None or args == ("posta-qstat",):
                continue
            self.assertEqual(p.returncode, 0, (args, out))
            self.assertIn(b"warning: not a regular file, not read: " + want.encode(), p.stderr, args)
            if args[0] == "posta-qread":
                self.assertIn(b"message %d\n  unreadable" % self.mid, p.stdout, args)
            else:
                self.assertIn(b"unreadable records: 1\n", p.stdout, args)

    def info_path(self, folder="info"):
        return "queue/%s/%s/%d" % (folder, self.n, self.mid)

    def test_a_fifo_as_info_record(self):
        self.swap("info", {os.path.join(self.n, str(self.mid)): "fifo"})
        self.check_tools(self.info_path(), self.info_path())

    def test_a_link_to_a_root_only_file_as_info_record(self):
        self.swap("info", {os.path.join(self.n, str(self.mid)): ("link", self.target("info"))})
        self.check_tools(self.info_path(), self.info_path())

    def test_a_link_to_a_root_only_file_as_recipients_record(self):
        # a whole info record of posta-q's, and queue/remote of its own
        self.swap("info", {os.path.join(self.n, str(self.mid)): self.info})
        self.swap("remote", {os.path.join(self.n, str(self.mid)): ("link", self.target("rcpt"))})
        self.check_tools(self.info_path("remote"), self.info_path("remote"))

    def test_a_fifo_as_recipients_record(self):
        self.swap("info", {os.path.join(self.n, str(self.mid)): self.info})
        self.swap("local", {os.path.join(self.n, str(self.mid)): "fifo"})
        self.check_tools(self.info_path("local"), self.info_path("local"))

    def test_a_fifo_as_todo_record(self):
        self.replace_todo("fifo")
        self.check_tools(self.info_path("todo"))

    def test_a_link_to_a_root_only_file_as_todo_record(self):
        self.replace_todo(("link", self.target("todo")))
        self.check_tools(self.info_path("todo"))

    def test_a_fifo_and_a_link_as_requests(self):
        # queue/cmd of posta-q's: a FIFO named as the message's request
        self.swap("cmd", {str(self.mid): "fifo", str(self.mid + 1): ("link", self.target("info"))})
        for args in (("posta-qread", str(self.mid)), ("posta-qstat", "-d")):
            p = self.tool(*args)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertNotIn(SECRET, p.stdout + p.stderr)

    def test_untouched_queue_reads_as_before(self):
        p = self.tool("posta-qread", str(self.mid))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, b"")
        self.assertIn(b"recipient <bob@far.test>: not yet preprocessed", p.stdout)


# --- sessions of one uid ----------------------------------------------------------
PTRACE_SEIZE = 0x4206


def ptrace_seize(pid):
    """Attaches to pid without stopping it (detached again when the child
    that asked exits)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    if libc.ptrace(PTRACE_SEIZE, pid, None, None) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def read_environ(pid):
    with open("/proc/%d/environ" % pid, "rb") as f:
        f.read(1)


def find_in_memory(pid, needle):
    """Succeeds when needle is in a writable mapping of pid (its heap, its
    stack), read through /proc/PID/mem; OSError otherwise."""
    with open("/proc/%d/maps" % pid) as maps, open("/proc/%d/mem" % pid, "rb", 0) as mem:
        for line in maps:
            addr, perms = line.split()[:2]
            start, end = (int(x, 16) for x in addr.split("-"))
            if not perms.startswith("rw") or end - start > 64 << 20:
                continue
            tail = b""
            for at in range(start, end, 1 << 20):
                try:
                    mem.seek(at)
                    data = tail + mem.read(min(1 << 20, end - at))
                except OSError:
                    break
                if needle in data:
                    return
                tail = data[-len(needle):]
    raise OSError(errno.ENOENT, "not found (yet the memory was readable)")


@unittest.skipUnless(IS_ROOT, "the uids are a root-made instance's")
class SessionsApart(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = inst = Instance()
        # far.test goes to a peer that takes the message and never answers
        # its end: posta-remote stays in the middle of the delivery
        cls.peer = ScriptPeer("127.0.0.9", free_port("127.0.0.9"))
        cls.peer.after_dot = "hang"
        inst.control("smtproutes", "far.test:[127.0.0.9]:%d" % cls.peer.port)
        inst.start()

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()
        cls.peer.stop()

    def procs(self, comm, but=()):
        return [p for p, c in instance_processes(self.inst.home) if c == comm and p not in but]

    @staticmethod
    def cmdline(pid):
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read()

    def attacks(self, attacker, pid, needle=None):
        """Each way in, tried with the attacker's credentials: the errnos."""
        out = {"ptrace": attempt(attacker, ptrace_seize, pid), "environ": attempt(attacker, read_environ, pid)}
        if needle:
            out["memory"] = attempt(attacker, find_in_memory, pid, needle)
        return out

    def assertShut(self, who, target, tries):
        crossed = ["%s: %s" % (k, "it worked" if not e else errno.errorcode.get(e, e))
                   for k, e in tries.items() if e not in DENIED]
        self.assertEqual(crossed, [], "%s got into %s: %s" % (who, target, ", ".join(crossed)))

    ROOT = {"uid": (0,) * 4, "gid": (0,) * 4, "groups": [0]}

    def session_holding(self, needle):
        """The posta-smtpd (a pool's worker, or tcpserver's child) whose
        memory holds needle, as root finds it."""
        (pid,) = wait_for(lambda: [p for p in self.procs("posta-smtpd")
                                   if attempt(self.ROOT, find_in_memory, p, needle) == 0], 10,
                          what="the posta-smtpd of the session")
        return pid

    def test_sessions_of_posta_d_stay_apart(self):
        marker = b"secret-%d@session.test" % os.getpid()
        with self.inst.smtp() as first:
            first.ehlo("first.test")
            with self.inst.smtp() as other:
                other.ehlo("other.test")
                other.mail(marker.decode())
                # root finds the marker: the attack aims at the right place
                victim = self.session_holding(marker)
                attacker = wait_for(lambda: self.procs("posta-smtpd", [victim]), 10, what="another posta-smtpd")[0]
                c = creds(attacker)
                self.assertEqual(set(c["uid"]), {pwd.getpwnam("posta-d").pw_uid})
                self.assertShut("posta-d's other session", "posta-smtpd", self.attacks(c, victim, marker))

    def test_posta_d_cannot_read_the_injector_of_a_session(self):
        # the injector (posta-injectd, else the setuid posta-queue; both
        # posta-q) takes the message during DATA: neither posta-d nor
        # another posta-q process gets into it
        marker = b"secret-body-in-flight-%d" % os.getpid()
        with self.inst.smtp() as s:
            s.ehlo("client.test")
            s.mail("a@client.test")
            s.rcpt("dave@far.test")
            self.assertEqual(s.docmd("DATA")[0], 354)
            s.send(b"Subject: half\r\n\r\n" + marker + b"\r\n")
            smtpd = self.session_holding(marker)
            queue = wait_for(lambda: self.procs("posta-injectd") or self.procs("posta-queue"), 10,
                             what="the injector")[0]
            self.assertShut("posta-d", "the injector", self.attacks(creds(smtpd), queue))
            self.assertShut("posta-q", "the injector", self.attacks(creds(self.procs("posta-clean")[0]), queue))
            s.send(b".\r\n")
            self.assertEqual(s.getreply()[0], 250)

    def test_posta_r_stays_out_of_rspawn_and_other_deliveries(self):
        marker = b"secret-remote-body-%d" % os.getpid()
        self.inst.sendmail("carol@far.test", message=b"Subject: far\n\n" + marker + b"\n")
        wait_for(lambda: [s for s in self.peer.sessions if s.data and marker in s.data], 30,
                 what="the message at the peer")
        (remote,) = [p for p in self.procs("posta-remote") if b"carol@far.test" in self.cmdline(p)]
        (rspawn,) = self.procs("posta-rspawn")
        # posta-r as a hostile server's posta-remote would be: posta-rspawn's own credentials
        r = creds(rspawn)
        self.assertEqual(set(r["uid"]), {pwd.getpwnam("posta-r").pw_uid})
        self.assertShut("posta-r", "posta-remote", self.attacks(r, remote, marker))
        self.assertShut("posta-r", "posta-rspawn", self.attacks(r, rspawn))

    def test_posta_s_stays_out_of_posta_send(self):
        # posta-bounce and root's queue tools run as posta-s
        (send,) = self.procs("posta-send")
        self.assertShut("posta-s", "posta-send", self.attacks(user_creds("posta-s"), send))


if __name__ == "__main__":
    unittest.main()
