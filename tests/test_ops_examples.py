"""The documentation's examples that send mail, run as printed on a host
whose node name has no dot (issue 20: there the demo's sendmail example
went to demo@localhost.vm from root@vm.vm and bounced).

Every instance here is made and run in a UTS namespace of the test's own
named "vm", with an /etc/hosts that gives no fully qualified name for it
(tests/lib/nodename.py), so control/me is "vm" as on such a machine, and
posta-send resolves through a dnsmasq that answers NXDOMAIN for every name
under .vm, as the real DNS did.

- The demo: the examples tools/demo prints (make run's banner) are read
  from its output and run as printed; both messages reach demo@localhost's
  Maildir, nothing bounces, nothing goes to postmaster.
- INSTALL: the commands of steps 2 (names), 3 (mailboxes) and 7 (check)
  are read from INSTALL and run in order, /var/posta being the test's
  instance (named so, and by POSTA_HOME for the programs), after what make install does (step 1) and with the instance's
  own s6 tree (step 5); both messages reach alice@example.com.
- README, INSTALL and doc/operators.md hold no other example that sends
  mail: a new one makes the test fail until a test runs it.
"""
import os
import re
import signal
import subprocess
import unittest

from dnsfix import Dns
from nodename import on_host
from opstools import kill_leftovers
from posta import BIN, BUILD, IS_ROOT, SERVICES, TOP, Instance, base_dir, maildir_files, wait_for

NODE = "vm"
HOSTS = "127.0.0.1 localhost\n"
DEMO = os.path.join(TOP, "tools", "demo")
DOCS = ("README", "INSTALL", os.path.join("doc", "operators.md"))
# a command line that hands a message to posta (or to any MTA): the
# program in a command's place, after any VAR=value
SENDS = re.compile(r"(^|[|;&(]\s*)(\w+=\S*\s+)*(\S*/)?"
                   r"(sendmail|posta-inject|qmail-inject|swaks|smtp-source|mailx?)(\s|$)")


def doc(name):
    with open(os.path.join(TOP, name)) as f:
        return f.read()


def code_lines(text, inline=True):
    """The commands of a text: lines indented by four spaces or more
    (continuations joined), and `inline` spans unless told not to."""
    out, cont = [], ""
    for line in text.splitlines():
        if line.startswith("    ") and line.strip():
            line = cont + line.strip()
            cont = ""
            if line.endswith("\\"):
                cont = line[:-1].rstrip() + " "
                continue
            out.append(line)
    if inline:
        out += re.findall(r"`([^`\n]+)`", text)
    return out


def sends(cmd):
    """1 when a command line sends mail (a shell comment aside): sendmail
    with a mode that reads no message (-bp, -bi, -bs, -q) does not."""
    cmd = re.sub(r"(^|\s)#.*$", "", cmd)
    return SENDS.search(cmd) and not re.search(r"sendmail\s+-(bp|bi|bs|q)", cmd)


def mail_examples(text):
    return [c for c in code_lines(text) if sends(c)]


def install_steps(numbers):
    """{step: [command, ...]}: the indented commands of INSTALL's numbered
    steps."""
    text, out = doc("INSTALL"), {}
    for n in numbers:
        block = re.split(r"(?m)^%d\. .*$" % n, text)[1]
        block = re.split(r"(?m)^\d+\. .*$", block)[0]
        out[n] = code_lines(block, inline=False)
    return out


class VmInstance(Instance):
    """An instance whose s6 tree runs with node name vm."""

    def svscan_command(self):
        return on_host(NODE, super().svscan_command(), HOSTS)


def sh(cmd, **kw):
    """Runs a printed command line as a shell on host vm runs it."""
    return subprocess.run(on_host(NODE, ["sh", "-c", cmd], HOSTS), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=kw.pop("timeout", 60), **kw)


def send_log(home):
    try:
        with open(os.path.join(home, "log", "posta-send", "current"), errors="replace") as f:
            return [l.split("  ", 1)[1] for l in f.read().splitlines() if "  " in l]
    except FileNotFoundError:
        return []


@unittest.skipUnless(IS_ROOT, "needs namespaces and port 53")
class Examples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dns = Dns(zone=NODE).start()

    @classmethod
    def tearDownClass(cls):
        cls.dns.stop()

    def setUp(self):
        self.procs = []
        self.homes = []

    def tearDown(self):
        kill_leftovers(self.procs, self.homes)

    def nothing_else(self, home, box_count):
        """No bounce queued, nothing for postmaster, no remote delivery,
        the queue empty, every message delivered."""
        def left(kind):
            d = os.path.join(home, "queue", kind)
            return [f for s in os.listdir(d) for f in os.listdir(os.path.join(d, s))]
        kinds = ("bounce", "todo", "info", "remote", "local")
        # posta-clean removes a todo file after posta-send's "end msg" line,
        # in its own time: the queue empties, it need not be empty yet
        try:
            wait_for(lambda: not any(left(k) for k in kinds), 10, what="the queue empty")
        except AssertionError:
            pass
        for kind in kinds:
            self.assertEqual(left(kind), [], "queue/%s" % kind)
        self.assertEqual(maildir_files(os.path.join(home, "alias", "Maildir")), [])
        log = send_log(home)
        self.assertEqual([l for l in log if re.match(r"(bounce msg|starting delivery \d+: msg \d+ to remote)", l)], [])
        self.assertEqual(len([l for l in log if re.match(r"delivery \d+: msg \d+: success: ", l)]), box_count)

    def wait_box(self, home, box, n, cmd):
        """Waits until box holds n messages, the last one sent by cmd."""
        try:
            wait_for(lambda: len(maildir_files(box)) == n, 15, what="the message of `%s` in %s" % (cmd, box))
        except AssertionError as e:
            raise AssertionError("%s; posta-send's log:\n%s" % (e, "\n".join(send_log(home)))) from None

    # --- the demo ------------------------------------------------------------------
    def test_demo_examples(self):
        home = os.path.join(base_dir(), "demo-vm")
        self.homes.append(home)
        r = subprocess.run(on_host(NODE, [DEMO, BUILD, "setup", home], HOSTS), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=120)
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 0, out)
        with open(os.path.join(home, "control", "me")) as f:
            self.assertEqual(f.read(), "vm\n")
        examples = re.search(r"(?m)^Send it a message:\n((?:  .*\n)+)", out).group(1).splitlines()
        examples = [e.strip() for e in examples]
        self.assertEqual(len(examples), 2, out)
        self.assertTrue(all(sends(e) for e in examples), examples)
        box = re.search(r"Maildir\s+(/\S+/)", out).group(1)

        inst = Instance(setup=False)
        inst.home = home
        inst.service_env("posta-send", DNSCACHEIP=self.dns.addr)
        p = subprocess.Popen(on_host(NODE, [DEMO, BUILD, "run", home], HOSTS), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(p)
        for s in SERVICES:
            inst.wait_service(s, 30)

        for n, e in enumerate(examples, 1):
            r = sh(e)
            self.assertEqual(r.returncode, 0, "%s: %s" % (e, r.stdout.decode(errors="replace")))
            self.wait_box(home, box, n, e)
        wait_for(lambda: len([l for l in send_log(home) if l.startswith("end msg ")]) == 2, 10, what="end msg")
        log = send_log(home)
        self.assertTrue([l for l in log if re.match(r"info msg \d+: bytes \d+ from <root@vm> ", l)], log)
        self.assertEqual(len([l for l in log if re.match(r"starting delivery \d+: msg \d+ to local <demo@localhost>$", l)]),
                         2, log)
        self.nothing_else(home, 2)

        os.killpg(p.pid, signal.SIGINT)
        out = p.communicate(timeout=90)[0].decode()
        self.assertIn("posta demo stopped.", out)

    # --- INSTALL ---------------------------------------------------------------------
    def test_install_examples(self):
        inst = VmInstance(setup=False)
        home = inst.home
        self.homes.append(home)
        steps = install_steps((1, 2, 3, 7))
        self.assertIn("make install", steps[1])
        # step 1: what make install does, on the test's folder
        for cmd in ([os.path.join(BIN, "posta-setup"), home], [os.path.join(BIN, "posta-setup"), "-c", home]):
            r = subprocess.run(on_host(NODE, cmd, HOSTS), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=120)
            self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn(b"control/me is vm, without a dot", r.stdout)

        def run(cmd):
            # the programs find conf-home, /var/posta, unless POSTA_HOME names another
            r = sh(cmd.replace("/var/posta", home), env=dict(os.environ, POSTA_HOME=home))
            self.assertEqual(r.returncode, 0, "%s: %s" % (cmd, r.stdout.decode(errors="replace")))
            return r.stdout.decode()

        for cmd in steps[2] + steps[3]:
            run(cmd)
        # the names are set: posta-setup -c has nothing more to say
        r = subprocess.run([os.path.join(BIN, "posta-setup"), "-c", home], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual((r.returncode, r.stderr), (0, b""))
        box = run("/var/posta/bin/posta-user path alice@example.com").strip()
        # step 5: the instance's own tree
        inst.service_env("posta-send", DNSCACHEIP=self.dns.addr)
        inst.start()
        try:
            n = 0
            for cmd in steps[7]:
                out = run(cmd)
                if sends(cmd):
                    n += 1
                    self.wait_box(home, box, n, cmd)
                if cmd.startswith("ls "):
                    self.assertEqual(len(out.split()), n, out)
                if "posta-qstat" in cmd:
                    self.assertIn("messages in queue:", out)
            self.assertEqual(n, len([c for c in steps[7] if sends(c)]))
            wait_for(lambda: len([l for l in send_log(home) if l.startswith("end msg ")]) == 2, 10, what="end msg")
            self.nothing_else(home, 2)
        finally:
            inst.stop()

    # --- every example that sends mail is run above ------------------------------------
    def test_every_mail_example_is_run(self):
        """The examples of README, INSTALL and doc/operators.md that send
        mail are those test_install_examples runs (step 7's); the demo's
        are read from its output by test_demo_examples."""
        ran = [c for c in install_steps((7,))[7] if sends(c)]
        self.assertEqual(len(ran), 2, ran)
        for name in DOCS:
            for e in mail_examples(doc(name)):
                self.assertIn(e, ran, "%s: an example that sends mail that no test runs: %s" % (name, e))

if __name__ == "__main__":
    unittest.main()
