"""The trust boundaries of doc/security.md, crossed on purpose.

On a root-made instance with every service running (a certificate, a
mailbox with a password, a message delivered and one waiting in the queue
for a remote server that cannot be found), each of posta's uids, and a
local user (nobody), tries what its boundary forbids: read or write the
queue, read a Maildir, mailboxes/.passwd or the TLS key, write control/,
users/, the alias user's or posta-v's files or a log, control a service
through s6, run root's programs, signal another uid's daemon. Each try is a real system call made in a
child with exactly the credentials the daemon has (read from /proc for
the running ones, as posta-lspawn sets them for posta-v and posta-alias);
it must fail with EACCES or EPERM. The same call made as root must succeed
(the object is there: a failure is the boundary's, not a typo's), and one
thing each uid is meant to do must work with the same credentials.
"""
import errno
import grp
import os
import pwd
import subprocess
import unittest

from opstools import attempt, creds, instance_processes
from posta import IS_ROOT, SPLIT, Instance, maildir_files, wait_for
from tlskit import Ca, install_cert

DENIED = (errno.EACCES, errno.EPERM)
PASSWORD = b"correct horse"
# made by a fix not merged everywhere yet (smtpd/: issue 15, item 6)
LATER = ("smtpd",)
POSTA_UIDS = ("posta-alias", "posta-d", "posta-l", "posta-q", "posta-r", "posta-s", "posta-v")


def conf_creds(user):
    """The credentials posta gives a uid that has no daemon of its own
    (posta-lspawn's children: the owner's uid, its gid as the only group)."""
    pw = pwd.getpwnam(user)
    return {"uid": (pw.pw_uid,) * 4, "gid": (pw.pw_gid,) * 4, "groups": [pw.pw_gid]}


def root_creds():
    return {"uid": (0, 0, 0, 0), "gid": (0, 0, 0, 0), "groups": sorted(os.getgroups())}


# --- the attempts: each one system call (or two), nothing else ---------------
def read(path):
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.read(fd, 1)
    finally:
        os.close(fd)


def listdir(path):
    os.listdir(path)


def create(folder):
    """A new file in folder (removed again when that worked)."""
    fn = os.path.join(folder, "sec-boundary-%d" % os.getpid())
    os.close(os.open(fn, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
    os.unlink(fn)


def append(path):
    os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK))


def signal0(pid):
    os.kill(pid, 0)


def read_memory(pid):
    """A few bytes of another process's memory, through /proc/PID/mem."""
    with open("/proc/%d/maps" % pid) as f:
        start = int(f.readline().split("-")[0], 16)
    fd = os.open("/proc/%d/mem" % pid, os.O_RDONLY)
    try:
        os.pread(fd, 16, start)
    finally:
        os.close(fd)


def execute(path):
    """execve path; only when it fails does the child come back."""
    pid = os.fork()
    if pid == 0:
        try:
            os.execv(path, [path, "--sec-boundary-never-a-valid-option"])
        except OSError as e:
            os._exit(200 + (e.errno if e.errno < 50 else 49))
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code >= 200:
        raise OSError(code - 200, "execve " + path)


@unittest.skipUnless(IS_ROOT, "the boundaries are between uids: root makes them")
class Boundaries(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = inst = Instance()
        ca = Ca(inst.path("..", inst.name + "-ca"))
        install_cert(inst, *ca.server("mail.example.com"), apart=True)
        cls.box = inst.add_mailbox("alice@example.com", password=PASSWORD.decode())
        # a quota: the Maildir 0711, maildirsize 0644 (doc/security.md)
        p = inst.run("posta-user", "quota", "alice@example.com", "100000000")
        assert p.returncode == 0, p.stderr
        # nothing answers DNS there: a remote message stays queued, deferred
        inst.service_env("posta-send", DNSCACHEIP="127.0.0.54")
        inst.start()
        inst.sendmail("alice@example.com", message=b"Subject: secret\n\nfor alice only\n")
        inst.sendmail("bob@far.test", message=b"Subject: queued\n\nwaits in the queue\n")
        cls.mail = inst.wait_mail(cls.box, 1)[0]
        cls.mid = wait_for(lambda: inst.queue_files("remote"), 20, what="the remote message's record")[0]

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()

    # --- whom -------------------------------------------------------------------
    def daemon(self, comm):
        pids = [pid for pid, c in instance_processes(self.inst.home) if c == comm]
        self.assertTrue(pids, "no %s running" % comm)
        return pids[0]

    def tls_keeper(self):
        """The process of posta-smtpdpool -t that stays root to start the
        TLS workers."""
        pids = [pid for pid, c in instance_processes(self.inst.home)
                if c == "posta-smtpdpool" and set(creds(pid)["uid"]) == {0}]
        self.assertTrue(pids, "no TLS keeper running")
        return pids[0]

    def who(self):
        """user -> the credentials the instance really gives it."""
        c = {u: conf_creds(u) for u in ("posta-alias", "nobody")}
        c["posta-v"] = creds(self.daemon("posta-vworker"))   # posta-lspawn's virtual-mailbox worker
        c["posta-s"] = creds(self.daemon("posta-send"))
        c["posta-q"] = creds(self.daemon("posta-clean"))
        c["posta-r"] = creds(self.daemon("posta-rspawn"))
        c["posta-l"] = creds(self.daemon("s6-log"))
        c["posta-d"] = creds(self.smtpd)
        for user in POSTA_UIDS:
            self.assertEqual(set(c[user]["uid"]), {pwd.getpwnam(user).pw_uid}, user)
        return c

    def setUp(self):
        self.session = self.inst.smtp()
        self.session.ehlo("client.test")
        self.smtpd = wait_for(lambda: [p for p, c in instance_processes(self.inst.home) if c == "posta-smtpd"],
                              10, what="a posta-smtpd")[0]

    def tearDown(self):
        self.session.close()

    # --- where ------------------------------------------------------------------
    def paths(self):
        h, n, mid = self.inst.home, str(self.mid % SPLIT), str(self.mid)
        q = os.path.join(h, "queue")
        return {
            "mess": os.path.join(q, "mess", n, mid), "mess/N": os.path.join(q, "mess", n),
            "todo/N": os.path.join(q, "todo", n), "intd/N": os.path.join(q, "intd", n),
            "pid": os.path.join(q, "pid"), "info": os.path.join(q, "info", n, mid),
            "info/N": os.path.join(q, "info", n), "remote/N": os.path.join(q, "remote", n),
            "local/N": os.path.join(q, "local", n), "bounce/N": os.path.join(q, "bounce", n),
            "delay/N": os.path.join(q, "delay", n),
            "cmd": os.path.join(q, "cmd"), "trigger": os.path.join(q, "lock", "trigger"),
            "maildir": os.path.join(self.box, "new"), "mail": self.mail,
            "maildir root": self.box, "maildirsize": os.path.join(self.box, "maildirsize"),
            "alias maildir": os.path.join(h, "alias", "Maildir", "new"),
            "passwd": os.path.join(h, "mailboxes", ".passwd"),
            "serverkey": os.path.join(h, "control", "serverkey.pem"),
            "servercert": os.path.join(h, "control", "servercert.pem"),
            "control": os.path.join(h, "control"), "users": os.path.join(h, "users"),
            "assign": os.path.join(h, "users", "assign"), "mailboxes": os.path.join(h, "mailboxes"),
            "alias": os.path.join(h, "alias"), "remote state": os.path.join(h, "remote"),
            "smtpd": os.path.join(h, "smtpd"),
            "log": os.path.join(h, "log", "posta-smtpd", "current"),
            "logdir": os.path.join(h, "log", "posta-smtpd"),
            "supervise": os.path.join(h, "svc", "posta-send", "supervise", "control"),
            "lspawn": self.inst.bin("posta-lspawn"), "start": self.inst.bin("posta-start"),
            "dovecot": os.path.join(h, "dovecot"), "dovecot log": os.path.join(h, "log", "dovecot"),
        }

    # what nobody but its owners may do: (what, attempt, path, the uids allowed)
    def forbidden(self):
        S, Q, GP = {"posta-s"}, {"posta-q"}, {"posta-q", "posta-s"}
        return [
            ("read a queued message by path", read, "mess", GP),
            ("list todo", listdir, "todo/N", GP),
            ("write into mess", create, "mess/N", Q),
            ("write into todo", create, "todo/N", Q),
            ("list intd", listdir, "intd/N", Q),
            ("write into intd", create, "intd/N", Q),
            ("write into pid", create, "pid", Q),
            ("read an info record", read, "info", S),
            ("write into info", create, "info/N", S),
            ("write into queue/local", create, "local/N", S),
            ("write into queue/remote", create, "remote/N", S),
            ("write into bounce", create, "bounce/N", S),
            ("write into delay", create, "delay/N", S),
            ("write a queue command", create, "cmd", S),
            ("wake posta-send", append, "trigger", GP),
            ("list a virtual Maildir", listdir, "maildir", {"posta-v"}),
            ("read a virtual mailbox's mail", read, "mail", {"posta-v"}),
            ("list a quota mailbox's Maildir", listdir, "maildir root", {"posta-v"}),
            ("append to a quota's maildirsize", append, "maildirsize", {"posta-v"}),
            ("read mailboxes/.passwd", read, "passwd", {"posta-v"}),
            ("write into mailboxes/", create, "mailboxes", {"posta-v"}),
            ("list the alias Maildir", listdir, "alias maildir", {"posta-alias"}),
            ("write a dot-qmail file into alias/", create, "alias", {"posta-alias"}),
            ("read the TLS key", read, "serverkey", set()),
            ("read the TLS certificate file", read, "servercert", set()),
            ("write into control/", create, "control", set()),
            ("write into users/", create, "users", set()),
            ("append to users/assign", append, "assign", set()),
            ("list posta-remote's state", listdir, "remote state", {"posta-r"}),
            ("list posta-smtpd's AUTH failure counts", listdir, "smtpd", {"posta-d"}),
            ("append to a log", append, "log", {"posta-l"}),
            ("write into a log folder", create, "logdir", {"posta-l"}),
            ("control posta-send's supervisor", append, "supervise", set()),
            ("run posta-lspawn", execute, "lspawn", set()),
            ("run posta-start", execute, "start", set()),
            # Dovecot (root) reads its configuration there and runs
            # posta-checkpw as root: nobody else writes it (doc/mailhost.md)
            ("write into dovecot/", create, "dovecot", set()),
            ("write into Dovecot's log folder", create, "dovecot log", set()),
        ]

    def cross(self, cases, users):
        who, paths = self.who(), self.paths()
        crossed = []
        for what, func, key, allowed in cases:
            if key in LATER and not os.path.lexists(paths[key]):
                continue
            # the object is there (root's programs are not run for real)
            if func is execute:
                self.assertTrue(os.access(paths[key], os.X_OK), paths[key])
            else:
                self.assertEqual(attempt(root_creds(), func, paths[key]), 0, "root could not %s: %s" % (what, paths[key]))
            for user in users:
                if user in allowed:
                    continue
                e = attempt(who[user], func, paths[key])
                if e not in DENIED:
                    crossed.append("%s could %s (%s): %s" % (user, what, paths[key],
                                                             "it worked" if not e else errno.errorcode.get(e, e)))
        self.assertEqual(crossed, [], "\n".join(crossed))

    # --- the tests --------------------------------------------------------------
    def test_each_uid_stays_inside_its_files(self):
        self.cross(self.forbidden(), POSTA_UIDS + ("nobody",))

    def test_each_uid_does_its_job(self):
        # the same credentials are not simply powerless: each may what it is for
        who, paths = self.who(), self.paths()
        for user, func, key in (("posta-s", read, "mess"), ("posta-s", listdir, "todo/N"), ("posta-s", create, "info/N"),
                                ("posta-q", create, "todo/N"), ("posta-q", listdir, "intd/N"),
                                ("posta-r", create, "remote state"), ("posta-l", create, "logdir"),
                                ("posta-v", read, "mail"), ("posta-v", read, "passwd"),
                                ("posta-alias", listdir, "alias maildir")):
            self.assertEqual(attempt(who[user], func, paths[key]), 0, "%s: %s %s" % (user, func.__name__, key))

    def test_posta_remote_gets_the_message_only_as_a_descriptor(self):
        # posta-r reads a message through the descriptor posta-rspawn is
        # given, never by its path: the queue is closed to it
        who, paths = self.who(), self.paths()
        for func, key in ((read, "mess"), (listdir, "mess/N"), (read, "info")):
            self.assertIn(attempt(who["posta-r"], func, paths[key]), DENIED, key)

    def test_no_uid_signals_another_uids_daemon(self):
        daemons = {"posta-s": self.daemon("posta-send"), "posta-q": self.daemon("posta-clean"),
                   "posta-r": self.daemon("posta-rspawn"), "posta-l": self.daemon("s6-log"),
                   "posta-d": self.smtpd, "root (posta-lspawn)": self.daemon("posta-lspawn"),
                   "posta-v": self.daemon("posta-vworker"),
                   "root (posta-smtpdpool's TLS keeper)": self.tls_keeper(),
                   "root (s6-svscan)": self.inst.svscan.pid}
        who = self.who()
        crossed = []
        for user in POSTA_UIDS + ("nobody",):
            for owner, pid in daemons.items():
                if owner == user:
                    continue
                e = attempt(who[user], signal0, pid)
                if e not in DENIED:
                    crossed.append("%s could signal %s's %d: %s" % (user, owner, pid, errno.errorcode.get(e, e)))
            # a process of its own uid it may signal: the credentials work
            if user in daemons:
                self.assertEqual(attempt(who[user], signal0, daemons[user]), 0, user)
        self.assertEqual(crossed, [], "\n".join(crossed))

    def test_posta_v_cannot_stall_root_lookups(self):
        # posta-lspawn's child looks recipients up as root, in posta-v's
        # mailboxes/.virtual.cdb: a FIFO there must not block it
        fifo = self.inst.path("mailboxes", ".virtual.cdb")
        self.assertEqual(attempt(self.who()["posta-v"], os.mkfifo, fifo, 0o644), 0)
        try:
            self.inst.sendmail("zed@example.com", message=b"Subject: lookup\n\nlookup\n")
            wait_for(lambda: "deferral: <zed@example.com>" in self.inst.log("posta-send"), 10,
                     what="the lookup's deferral")
        finally:
            os.unlink(fifo)

    # posta-q owns queue/ and so the name queue/cmd; root's queue tools
    # write their requests there, following whatever posta-q put there
    def test_posta_q_cannot_aim_root_queue_tools_elsewhere(self):
        q = self.inst.path("queue")
        target = self.inst.path("..", self.inst.name + "-root-only")
        os.makedirs(target, mode=0o700, exist_ok=True)
        posta_q = self.who()["posta-q"]

        def aim():
            os.rename(os.path.join(q, "cmd"), os.path.join(q, "cmd.real"))
            os.symlink(target, os.path.join(q, "cmd"))
        self.assertEqual(attempt(posta_q, aim), 0, "posta-q owns queue/: it may rename there")
        try:
            p = self.inst.run("posta-qhold", "-t", "0", str(self.mid))
        finally:
            os.unlink(os.path.join(q, "cmd"))
            os.rename(os.path.join(q, "cmd.real"), os.path.join(q, "cmd"))
            written = os.listdir(target)
            for f in written:
                os.unlink(os.path.join(target, f))
            self.inst.run("posta-qhold", "-t", "0", "-r", str(self.mid))
        self.assertEqual(written, [], "root's posta-qhold wrote into %s (exit %d, %s)"
                         % (target, p.returncode, p.stderr.decode(errors="replace").strip()))

    def test_posta_q_cannot_hang_root_posta_qread(self):
        q = self.inst.path("queue")
        n, mid = str(self.mid % SPLIT), str(self.mid)
        posta_q = self.who()["posta-q"]

        def plant():
            os.rename(os.path.join(q, "info"), os.path.join(q, "info.real"))
            os.makedirs(os.path.join(q, "info", n))
            os.mkfifo(os.path.join(q, "info", n, mid))
        # posta-send reads queue/info: it waits while the folder is swapped
        self.inst.svc("posta-send", "-d", "-wD")
        try:
            self.assertEqual(attempt(posta_q, plant), 0, "posta-q owns queue/: it may rename there")
            try:
                p = subprocess.run([self.inst.bin("posta-qread"), mid], env=self.inst.env(), timeout=10,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                hung = False
            except subprocess.TimeoutExpired:
                hung = True
            finally:
                subprocess.run(["rm", "-rf", os.path.join(q, "info")], check=True)
                os.rename(os.path.join(q, "info.real"), os.path.join(q, "info"))
        finally:
            self.inst.svc("posta-send", "-u")
            self.inst.wait_service("posta-send")
        self.assertFalse(hung, "root's posta-qread blocked on posta-q's FIFO")
        # a listing tool: it names what it could not read and goes on
        self.assertIn(b"unreadable", p.stdout)

    # each daemon makes itself undumpable (common/nodump.c)
    def test_sessions_of_posta_d_stay_apart(self):
        # a second client's session: the first one's posta-smtpd, taken
        # over, reads its memory (where the second client's password and
        # message pass)
        with self.inst.smtp() as other:
            other.ehlo("other.test")
            pid = wait_for(lambda: [p for p, c in instance_processes(self.inst.home)
                                    if c == "posta-smtpd" and p != self.smtpd], 10, what="a second posta-smtpd")[0]
            self.assertIn(attempt(creds(self.smtpd), read_memory, pid), DENIED)

    def test_users_cdb_holds_no_secret(self):
        # users/cdb (and posta-v's .virtual.cdb) are world-readable: posta-d
        # looks recipients up there; the password's hash is not in them
        with open(self.paths()["passwd"], "rb") as f:
            hashes = [line.split(b":", 1)[1].strip() for line in f if b":" in line]
        self.assertTrue(hashes)
        for name in ("users/cdb", "users/assign", "mailboxes/.virtual.cdb", "mailboxes/.virtual"):
            try:
                with open(self.inst.path(*name.split("/")), "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                continue
            for h in hashes:
                self.assertNotIn(h, data, name)
            self.assertNotIn(PASSWORD, data, name)

    def test_logs_are_not_world_readable(self):
        who, paths = self.who(), self.paths()
        crossed = [u for u in ("posta-d", "posta-r", "posta-v", "posta-alias", "posta-q", "posta-s", "nobody")
                   if attempt(who[u], read, paths["log"]) not in DENIED]
        self.assertEqual(crossed, [], "could read log/posta-smtpd/current")

    # --- posta-checkpw: the AUTH password oracle ----------------------------------
    def checkpw(self, c, password):
        """posta-checkpw /bin/true as c, with LOGIN NUL PASSWORD NUL on fd
        3, as posta-smtpd runs it: exec's errno (negative) or the exit code."""
        data = b"alice@example.com\0" + password + b"\0" + b"0\0"
        r, w = os.pipe()
        os.write(w, data)
        os.close(w)
        prog = self.inst.bin("posta-checkpw")

        def become():
            os.dup2(r, 3)
            os.setgroups(c["groups"])
            os.setresgid(*c["gid"][:3])
            os.setresuid(*c["uid"][:3])
        try:
            p = subprocess.run([prog, "/bin/true"], preexec_fn=become, close_fds=False, cwd="/",
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={"PATH": "/usr/bin:/bin", "POSTA_HOME": self.inst.home}, timeout=30)
            return p.returncode
        except PermissionError as e:
            return -e.errno
        finally:
            os.close(r)

    def test_posta_d_checks_passwords(self):
        c = self.who()["posta-d"]
        self.assertEqual(self.checkpw(c, PASSWORD), 0)
        self.assertEqual(self.checkpw(c, b"wrong"), 1)

    def test_no_other_uid_checks_passwords(self):
        who = self.who()
        oracles = []
        # (posta-v is left out: it owns mailboxes/.passwd and reads the hashes anyway)
        for user in ("posta-alias", "posta-l", "posta-q", "posta-r", "posta-s", "nobody"):
            right, wrong = self.checkpw(who[user], PASSWORD), self.checkpw(who[user], b"wrong")
            # refused at exec (EACCES), or by the program itself for both
            # passwords alike: never an answer that tells them apart
            if not (right == wrong and (right in [-e for e in DENIED] or right not in (0, 1))):
                oracles.append("%s: right password %d, wrong one %d" % (user, right, wrong))
        self.assertEqual(oracles, [], "\n".join(oracles))


if __name__ == "__main__":
    unittest.main()
