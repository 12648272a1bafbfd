"""posta.py: real posta instances for integration tests.

An Instance is made by build/bin/posta-setup in a temporary folder: as root it
is privilege-separated (the users of conf-users), as anyone else single-user.
Its services run under s6-svscan exactly as an operator runs them.

    inst = Instance()                    # posta-setup, SMTP on a free port
    box = inst.add_mailbox("alice@example.com")
    inst.start()                         # s6-svscan DIR/svc, waits for readiness
    inst.run("sendmail", "alice@example.com", input=b"Subject: hi\n\nhello\n")
    files = inst.wait_mail(box, 1)
    inst.stop()

Every instance of a test run lives under one 0755 folder in /tmp that is
removed at exit (POSTA_TEST_KEEP=1 keeps it for a post-mortem).
A test class that shares one instance derives from InstanceCase and fills
it in prepare() (cls.inst is there).
"""
import atexit
import os
import pwd
import shutil
import signal
import smtplib
import socket
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("POSTA_BUILD") or os.path.join(TOP, "build")
BIN = os.path.join(BUILD, "bin")
IS_ROOT = os.geteuid() == 0


def _conf(name):
    """The first line of the repository's conf-NAME file."""
    with open(os.path.join(TOP, "conf-" + name)) as f:
        return f.readline().strip()


# a message ID lives in queue/KIND/(ID % SPLIT)/ID (conf-split)
SPLIT = int(_conf("split"))
SERVICES = ("posta-send", "posta-injectd", "posta-smtpd", "posta-submission")

# A shell function for the full-disk tests, run in a private mount
# namespace: "tmpfs_over DIR SIZE" mounts a tmpfs of SIZE over DIR, with
# DIR's files, owner and mode.
TMPFS_OVER = r'''
tmpfs_over() {
  local save
  save=$(mktemp -d)
  cp -a "$1/." "$save/"
  mount -t tmpfs -o size="$2" tmpfs "$1"
  cp -a "$save/." "$1/"
  chown --reference="$save" "$1"; chmod --reference="$save" "$1"
  rm -rf "$save"
}
'''

_base = None
_counter = 0


def base_dir():
    """The folder every instance of this test run lives in (0755, so the
    instances' users can reach their files)."""
    global _base
    if _base is None:
        _base = tempfile.mkdtemp(prefix="posta-test-", dir="/tmp")
        os.chmod(_base, 0o755)
        if not os.environ.get("POSTA_TEST_KEEP"):
            atexit.register(shutil.rmtree, _base, True)
    return _base


def free_port(ip="127.0.0.1"):
    """A TCP port nothing listens on at ip right now."""
    fam = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def pids():
    """The pid of every process running now."""
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def proc_read(pid, name):
    """/proc/PID/NAME: where the link points for exe and cwd (a str), else
    the file's bytes; None when it cannot be read (the process is gone, or
    not dumpable and not ours)."""
    path = "/proc/%d/%s" % (pid, name)
    try:
        if name in ("exe", "cwd"):
            return os.readlink(path)
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def wait_for(predicate, timeout=10.0, interval=0.02, what="condition"):
    """Polls predicate until it returns something true; returns that, or
    raises AssertionError naming what after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        v = predicate()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))
        time.sleep(interval)


def try_as(user, f):
    """Runs f() in a child as user (its uid and primary group, no other
    group): True when f returned, False when it raised PermissionError;
    any other failure of the child raises AssertionError."""
    pid = os.fork()
    if not pid:
        code = 2
        try:
            pw = pwd.getpwnam(user)
            os.setgroups([])
            os.setgid(pw.pw_gid)
            os.setuid(pw.pw_uid)
            f()
            code = 0
        except PermissionError:
            code = 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, 1), "the child as %s failed otherwise" % user
    return code == 0


def as_user(user, f):
    """Runs f() in a child as user (try_as); asserts it returned."""
    assert try_as(user, f), "the attack as %s failed" % user


def instance_and_secret(case):
    """(inst, folder) for one test: an Instance, and beside it a folder
    only root may enter (what an attack must not reach); both removed
    once the test case has ended."""
    inst = Instance()
    case.addCleanup(inst.cleanup)
    d = os.path.join(base_dir(), inst.name + "-secret")
    os.mkdir(d, 0o700)
    case.addCleanup(shutil.rmtree, d)
    return inst, d


def dovecot_sanitizer_conf(home):
    """Lines for an instance's dovecot/local.conf under the sanitizers
    (run.py --build-asan), "" otherwise: Dovecot's auth process runs
    posta-checkpw, whose reports must reach the run's folder (Dovecot
    clears the environment but what it imports), and ASan's shadow memory
    needs more address space than the auth service's 256 MB limit."""
    san = [k for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS") if os.environ.get(k)]
    if not san:
        return ""
    env = " ".join(["TZ", "POSTA_HOME=" + home] + ["%s=%s" % (k, os.environ[k]) for k in san])
    return "import_environment = %s\nservice auth {\n  vsz_limit = 0\n}\n" % env


def maildir_files(maildir):
    """Paths of the messages in a Maildir's new/ and cur/, sorted."""
    out = []
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        if os.path.isdir(d):
            out.extend(os.path.join(d, f) for f in os.listdir(d) if not f.startswith("."))
    return sorted(out)


class Instance:
    """One posta instance in a temporary folder."""

    def __init__(self, name=None, ip="127.0.0.1", smtp_port=None, sub_port=None, setup=True):
        global _counter
        _counter += 1
        self.name = name or "i%d" % _counter
        self.home = os.path.join(base_dir(), self.name)
        self.ip = ip
        self.smtp_port = smtp_port or free_port(ip)
        self.sub_port = sub_port or free_port(ip)
        self.svscan = None
        self._svscan_log = None
        if setup:
            self.setup()

    # --- creation ---------------------------------------------------------
    def setup(self, *extra):
        """Runs posta-setup on the instance (again: it is idempotent)."""
        cmd = [os.path.join(BIN, "posta-setup"), "-s", str(self.smtp_port), "-m", str(self.sub_port),
               "-i", self.ip] + list(extra) + [self.home]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        if p.returncode != 0:
            raise AssertionError("posta-setup failed (%d): %s" % (p.returncode, p.stderr.decode(errors="replace")))
        return p

    def check(self):
        """posta-setup -c: returns the CompletedProcess."""
        return subprocess.run([os.path.join(BIN, "posta-setup"), "-c", self.home],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)

    # --- files -------------------------------------------------------------
    def path(self, *parts):
        return os.path.join(self.home, *parts)

    def bin(self, prog):
        return self.path("bin", prog)

    def control(self, name, value=None):
        """Writes control/NAME (a string, or a list of lines) and returns
        nothing; without value, returns its content or None."""
        fn = self.path("control", name)
        if value is None:
            try:
                with open(fn) as f:
                    return f.read()
            except FileNotFoundError:
                return None
        if isinstance(value, (list, tuple)):
            value = "".join("%s\n" % v for v in value)
        elif not value.endswith("\n"):
            value += "\n"
        tmp = fn + ".tmp"
        with open(tmp, "w") as f:
            f.write(value)
        os.chmod(tmp, 0o644)
        os.rename(tmp, fn)

    def remove_control(self, name):
        try:
            os.unlink(self.path("control", name))
        except FileNotFoundError:
            pass

    def env(self, **extra):
        e = dict(os.environ)
        e["POSTA_HOME"] = self.home
        e.update({k: str(v) for k, v in extra.items()})
        return e

    def service_env(self, service, **variables):
        """Sets variables in svc/SERVICE/env/ (read by its run script)."""
        d = self.path("svc", service, "env")
        os.makedirs(d, exist_ok=True)
        for k, v in variables.items():
            with open(os.path.join(d, k), "w") as f:
                f.write("%s\n" % v)

    # --- running programs ----------------------------------------------------
    def run(self, prog, *args, input=None, env=None, user=None, timeout=60, cwd=None):
        """Runs bin/PROG with POSTA_HOME set; as user (a name) when given,
        through s6-setuidgid. Returns the CompletedProcess (bytes)."""
        cmd = [self.bin(prog)] + [str(a) for a in args]
        if user is not None:
            cmd = ["s6-setuidgid", user] + cmd
        return subprocess.run(cmd, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env or self.env(), timeout=timeout, cwd=cwd or self.home)

    def sendmail(self, *rcpts, message=b"Subject: test\n\ntest\n", sender=None, user=None):
        args = (["-f", sender] if sender is not None else []) + list(rcpts)
        p = self.run("sendmail", *args, input=message, user=user)
        if p.returncode != 0:
            raise AssertionError("sendmail exited %d: %s" % (p.returncode, p.stderr.decode(errors="replace")))
        return p

    def add_mailbox(self, address, password=None):
        """posta-user add; returns the Maildir's path (ending in /). A
        password goes on stdin (-p -), never in an argument."""
        args = ["add", address] + (["-p", "-"] if password else [])
        p = self.run("posta-user", *args, input=(password + "\n").encode() if password else None)
        if p.returncode != 0:
            raise AssertionError("posta-user add %s: %s" % (address, p.stderr.decode(errors="replace")))
        p = self.run("posta-user", "path", address)
        if p.returncode != 0:
            raise AssertionError("posta-user path %s: %s" % (address, p.stderr.decode(errors="replace")))
        return p.stdout.decode().strip()

    def add_mailboxes(self, addresses):
        """Many mailboxes with one posta-user import (one users/cdb build
        for all, not one each); returns their Maildirs' paths, in order,
        as posta-user path prints them."""
        addresses = list(addresses)
        p = self.run("posta-user", "import", "-", input="".join(a + "\n" for a in addresses).encode())
        if p.returncode != 0:
            raise AssertionError("posta-user import: %s" % p.stderr.decode(errors="replace"))
        out = []
        for a in addresses:
            local, domain = a.lower().rsplit("@", 1)
            out.append("%s/mailboxes/%s/%s/Maildir/" % (self.home, domain, local))
        return out

    def wait_mail(self, maildir, n=1, timeout=10.0):
        """Waits until a Maildir holds at least n messages; returns their paths."""
        return wait_for(lambda: len(maildir_files(maildir)) >= n and maildir_files(maildir),
                        timeout, what="%d message(s) in %s" % (n, maildir))

    def qpath(self, kind, mid):
        """queue/KIND/N/ID, the file of message mid (an int) in KIND."""
        return self.path("queue", kind, str(mid % SPLIT), str(mid))

    def queue_files(self, kind):
        """Ids of the files in queue/KIND/*/ (as ints)."""
        out = []
        d = self.path("queue", kind)
        for sub in os.listdir(d):
            for f in os.listdir(os.path.join(d, sub)):
                if f.isdigit():
                    out.append(int(f))
        return sorted(out)

    # --- services ------------------------------------------------------------
    def start(self, services=SERVICES, timeout=30):
        """Runs s6-svscan on DIR/svc with only the given services up, and
        waits until each is up and ready."""
        for s in SERVICES:
            down = self.path("svc", s, "down")
            if s in services:
                if os.path.exists(down):
                    os.unlink(down)
            else:
                open(down, "w").close()
        self._svscan_log = open(self.path("svscan.log"), "ab")
        self.svscan = subprocess.Popen(self.svscan_command(), stdin=subprocess.DEVNULL,
                                       stdout=self._svscan_log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.svscan_started()
        for s in services:
            self.wait_service(s, timeout)

    def svscan_command(self):
        """The command that runs s6-svscan (a subclass may wrap it)."""
        return ["s6-svscan", self.path("svc")]

    def svscan_started(self):
        """Called once s6-svscan runs, before the services are waited for."""

    def wait_service(self, service, timeout=30):
        d = self.path("svc", service)
        wait_for(lambda: os.path.exists(os.path.join(d, "supervise", "status")), timeout,
                 what="s6-supervise of %s" % service)
        p = subprocess.run(["s6-svwait", "-U", "-t", str(int(timeout * 1000)), d],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise AssertionError("%s not ready: %s\n%s" % (service, p.stderr.decode(errors="replace"),
                                                           self.log(service)[-2000:]))

    def svc(self, service, *flags):
        """s6-svc FLAGS DIR/svc/SERVICE (e.g. "-d", "-u", "-a", "-h")."""
        subprocess.run(["s6-svc"] + list(flags) + [self.path("svc", service)], check=True)

    def svstat(self, service):
        p = subprocess.run(["s6-svstat", self.path("svc", service)], stdout=subprocess.PIPE)
        return p.stdout.decode()

    def stop(self, timeout=20):
        """Brings every service down and ends s6-svscan."""
        if self.svscan is None:
            return
        subprocess.run(["s6-svscanctl", "-t", self.path("svc")], stderr=subprocess.DEVNULL)
        try:
            self.svscan.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.svscan.pid, signal.SIGKILL)
            self.svscan.wait()
        self.svscan = None
        if self._svscan_log:
            self._svscan_log.close()
            self._svscan_log = None

    def log(self, service):
        """The current log file of a service ('' when there is none yet)."""
        try:
            with open(self.path("log", service, "current"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def smtp(self, port=None, **kw):
        return smtplib.SMTP(self.ip, port or self.smtp_port, timeout=kw.pop("timeout", 30), **kw)

    def cleanup(self):
        self.stop()
        if not os.environ.get("POSTA_TEST_KEEP"):
            shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()


class InstanceCase(unittest.TestCase):
    """A TestCase with one Instance for the whole class (cls.inst): made
    before the first test, then prepare() fills it; removed after the last."""

    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()
        try:
            cls.prepare()
        except BaseException:
            cls.inst.cleanup()
            raise

    @classmethod
    def prepare(cls):
        pass

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()


class FreshInstanceCase(unittest.TestCase):
    """A TestCase with a new Instance for every test (self.inst), removed
    once the test has ended (after its tearDown). A setUp of its own calls
    super().setUp() first."""

    def setUp(self):
        self.inst = Instance()
        self.addCleanup(self.inst.cleanup)
