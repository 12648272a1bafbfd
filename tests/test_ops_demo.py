"""`make run` as a newcomer uses it: tools/demo (the steps of `make run`
and `make run-setup`) in a temporary folder, every service of the instance
up and ready under s6-svscan, a message sent with swaks to 127.0.0.1:2525
in the demo Maildir, posta-send's log telling that message's whole life in
doc/log-format.md's lines, s6-svc -d/-u of posta-send losing nothing,
Ctrl-C (SIGINT to the foreground script) ending every process with the
queue intact for the next run, and a SIGTERM to s6-svscan ending every
process too. The demo's ports are free: the tests run in a private network
namespace. With Dovecot installed, make run starts it too: the demo's
message is read over IMAP on 127.0.0.1:2143, as README says."""
import imaplib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import unittest

from opstools import instance_processes, kill_leftovers
from posta import BUILD, SERVICES, TOP, base_dir, dovecot_sanitizer_conf, maildir_files, wait_for
from sendtools import LOG_FORMS

DEMO = os.path.join(TOP, "tools", "demo")


def foreground_signals():
    """A job a terminal runs in the foreground has SIGINT and SIGQUIT at
    their defaults; the test runner may have been started in the
    background, where a shell ignores them, and a shell cannot trap a
    signal ignored when it started."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def svstat(home, service):
    return subprocess.run(["s6-svstat", os.path.join(home, "svc", service)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout.decode()


def swaks(*args):
    return subprocess.run(["swaks", "--server", "127.0.0.1:2525", "--from", "you@example.com",
                           "--to", "demo@localhost", "--timeout", "20"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)


class Demo(unittest.TestCase):
    def setUp(self):
        self.home = os.path.join(base_dir(), "demo")
        self.procs = []

    def tearDown(self):
        kill_leftovers(self.procs, [self.home])

    def demo(self, what):
        return subprocess.run([DEMO, BUILD, what, self.home], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120)

    def run_demo(self):
        """tools/demo run in the background, in a process group of its own
        as a shell gives a foreground job; waits until every service is up
        and ready."""
        p = subprocess.Popen([DEMO, BUILD, "run", self.home], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                             preexec_fn=foreground_signals)
        self.procs.append(p)
        for s in SERVICES:
            d = os.path.join(self.home, "svc", s)
            wait_for(lambda: os.path.exists(os.path.join(d, "supervise", "status")), 20, what="supervise of " + s)
            w = subprocess.run(["s6-svwait", "-U", "-t", "20000", d], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertEqual(w.returncode, 0, "%s not ready: %s" % (s, w.stderr))
            self.assertRegex(svstat(self.home, s), r"^up \(pid \d+\) \d+ seconds, ready \d+ seconds")
        return p

    def maildir(self):
        p = subprocess.run([os.path.join(self.home, "bin", "posta-user"), "path", "demo@localhost"],
                           stdout=subprocess.PIPE, env=dict(os.environ, POSTA_HOME=self.home))
        return p.stdout.decode().strip()

    def log(self, service="posta-send"):
        try:
            with open(os.path.join(self.home, "log", service, "current"), errors="replace") as f:
                return [l.split("  ", 1)[1] for l in f.read().splitlines() if "  " in l]
        except FileNotFoundError:
            return []

    def ctrl_c(self, p):
        """What a terminal does on Ctrl-C: SIGINT to the foreground group."""
        os.killpg(p.pid, signal.SIGINT)
        out = p.communicate(timeout=90)[0].decode()
        self.assertEqual(p.returncode, 0, out)
        self.assertIn("posta demo stopped.", out)
        self.assertEqual(instance_processes(self.home), [])

    def read_over_imap(self, out, subject):
        """README's steps: a password for demo@localhost, then IMAP."""
        self.assertIn("127.0.0.1:2143", out)
        p = subprocess.run([os.path.join(self.home, "bin", "posta-user"), "passwd", "demo@localhost"],
                           input=b"demo password\n", env=dict(os.environ, POSTA_HOME=self.home),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.assertEqual(p.returncode, 0, p.stdout)

        def connects():
            try:
                socket.create_connection(("127.0.0.1", 2143), timeout=1).close()
                return True
            except OSError:
                return False
        wait_for(connects, 20, what="the demo's Dovecot on 127.0.0.1:2143")
        m = imaplib.IMAP4("127.0.0.1", 2143, timeout=30)
        m.login("demo@localhost", "demo password")
        m.select("INBOX", readonly=True)
        typ, data = m.search(None, "SUBJECT", '"%s"' % subject)
        self.assertEqual(len(data[0].split()), 1)
        m.logout()

    def test_make_run(self):
        # the setup steps: an instance, a mailbox, how to use them
        r = self.demo("setup")
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 0, out)
        box = self.maildir()
        self.assertTrue(box.startswith(self.home + "/") and box.endswith("/"), box)
        self.assertIn("swaks --server 127.0.0.1:2525 --from you@example.com --to demo@localhost", out)
        self.assertIn("POSTA_HOME=%s %s/bin/sendmail demo@localhost" % (self.home, self.home), out)
        self.assertIn(box, out)
        # again: nothing breaks, the mailbox is not made twice
        self.assertEqual(self.demo("setup").returncode, 0)
        local = os.path.join(self.home, "dovecot", "local.conf")
        if os.path.exists(local):
            with open(local, "a") as f:
                f.write(dovecot_sanitizer_conf(self.home))

        p = self.run_demo()
        r = swaks("--header", "Subject: demo one")
        self.assertEqual(r.returncode, 0, r.stdout)
        files = wait_for(lambda: maildir_files(box), 10, what="the message in the demo Maildir")
        with open(files[0], "rb") as f:
            self.assertIn(b"Subject: demo one", f.read())

        if shutil.which("dovecot"):
            self.read_over_imap(out, "demo one")

        # the log of posta-send: that message's life, every line documented
        lines = wait_for(lambda: [l for l in self.log() if l.startswith("end msg ")] and self.log(), 10,
                         what="end msg in posta-send's log")
        self.assertEqual([l for l in lines if not any(rx.match(l) for rx in LOG_FORMS.values())], [])
        mid = re.match(r"new msg (\d+)$", next(l for l in lines if l.startswith("new msg "))).group(1)
        life = [l for l in lines if re.search(r"\bmsg %s\b" % mid, l)]
        self.assertEqual(life[0], "new msg %s" % mid)
        self.assertRegex(life[1], r"^info msg %s: bytes \d+ from <you@example\.com> qp \d+ uid \d+$" % mid)
        self.assertRegex(life[2], r"^starting delivery (\d+): msg %s to local <demo@localhost>$" % mid)
        self.assertRegex(life[3], r"^delivery \d+: msg %s: success: <demo@localhost> 2\.0\.0 - delivered: 1 maildir" % mid)
        self.assertEqual(life[4], "end msg %s" % mid)
        # and posta-smtpd's log has the message it accepted
        self.assertTrue([l for l in self.log("posta-smtpd") if "accepted message" in l])

        # posta-send down: mail is still accepted and waits; up: delivered
        send = os.path.join(self.home, "svc", "posta-send")
        subprocess.run(["s6-svc", "-wD", "-d", send], check=True, timeout=60)
        self.assertTrue(svstat(self.home, "posta-send").startswith("down"))
        self.assertEqual(swaks("--header", "Subject: while down").returncode, 0)
        time.sleep(0.5)
        self.assertEqual(len(maildir_files(box)), 1)
        subprocess.run(["s6-svc", "-wU", "-u", send], check=True, timeout=60)
        wait_for(lambda: len(maildir_files(box)) == 2, 10, what="the second message after s6-svc -u")

        # down again, a message queued, then Ctrl-C: everything ends, the
        # message stays in the queue and the next run delivers it
        subprocess.run(["s6-svc", "-wD", "-d", send], check=True, timeout=60)
        self.assertEqual(swaks("--header", "Subject: across runs").returncode, 0)
        self.ctrl_c(p)
        todo = [f for n in os.listdir(os.path.join(self.home, "queue", "todo"))
                for f in os.listdir(os.path.join(self.home, "queue", "todo", n))]
        self.assertEqual(len(todo), 1)

        p = self.run_demo()
        wait_for(lambda: len(maildir_files(box)) == 3, 10, what="the queued message on the next run")
        time.sleep(0.5)
        self.assertEqual(len(maildir_files(box)), 3)
        # a SIGTERM to s6-svscan ends every process of the instance too
        scan = [pid for pid, comm in instance_processes(self.home) if comm == "s6-svscan"]
        self.assertEqual(len(scan), 1)
        os.kill(scan[0], signal.SIGTERM)
        out = p.communicate(timeout=90)[0].decode()
        self.assertIn("posta demo stopped.", out)
        self.assertEqual(instance_processes(self.home), [])
        subjects = []
        for f in maildir_files(box):
            with open(f, "rb") as fh:
                subjects += re.findall(rb"^Subject: (.*)$", fh.read(), re.M)
        self.assertEqual(sorted(subjects), [b"across runs", b"demo one", b"while down"])


if __name__ == "__main__":
    unittest.main()
