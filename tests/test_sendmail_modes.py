"""sendmail's other names and modes, run as an operator and as programs
run them: mailq (and -bp) lists the queue, newaliases (and -bi) says there
is nothing to rebuild, -bs speaks SMTP on stdin and stdout as the calling
user, -q flushes, and an unknown mode is an error. None of them may wait
for a message on stdin: each is run with a stdin that stays open and idle
(a pipe nobody writes to) and with a closed stdin, under a deadline."""
import os
import re
import subprocess
import tempfile
import unittest

from posta import IS_ROOT, Instance, wait_for
from sendtools import FakeRemoteCase, wait_log

DEADLINE = 10


class Named:
    """A folder with links named mailq and newaliases to the instance's
    sendmail, as Debian's /usr/bin/mailq is a link to /usr/sbin/sendmail."""

    def __init__(self, inst):
        self.dir = tempfile.mkdtemp(prefix="posta-test-names-")
        os.chmod(self.dir, 0o755)
        for name in ("mailq", "newaliases", "sendmail"):
            os.symlink(inst.bin("sendmail"), os.path.join(self.dir, name))

    def path(self, name):
        return os.path.join(self.dir, name)


def run(inst, argv, stdin="idle", user=None, env=None):
    """Runs argv with POSTA_HOME set; stdin "idle" (a pipe left open and
    empty), "closed" (no descriptor 0), or bytes. Fails the test when it
    does not end within DEADLINE seconds: a mode that waits for a message
    hangs there."""
    if user is not None:
        argv = ["s6-setuidgid", user] + argv
    kw = dict(stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env or inst.env(), cwd="/")
    if stdin == "closed":
        kw["stdin"] = subprocess.DEVNULL
        kw["pass_fds"] = ()
        kw["preexec_fn"] = lambda: os.close(0)
    else:
        kw["stdin"] = subprocess.PIPE
    p = subprocess.Popen(argv, **kw)
    try:
        if stdin == "idle":
            out, err = _idle(p)
        else:
            out, err = p.communicate(input=None if stdin == "closed" else stdin, timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        raise AssertionError("%s still running after %d s: it waits for stdin" % (argv, DEADLINE))
    return p.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def _idle(p):
    """Reads p's output with its stdin open and never written."""
    import threading
    res = {}

    def reader(name, f):
        res[name] = f.read()
    ts = [threading.Thread(target=reader, args=(n, f)) for n, f in (("out", p.stdout), ("err", p.stderr))]
    for t in ts:
        t.start()
    try:
        p.wait(timeout=DEADLINE)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
            for t in ts:
                t.join()
            for f in (p.stdin, p.stdout, p.stderr):
                f.close()
            raise subprocess.TimeoutExpired(p.args, DEADLINE)
    for t in ts:
        t.join()
    for f in (p.stdin, p.stdout, p.stderr):
        f.close()
    return res["out"], res["err"]


class ListAndAliases(unittest.TestCase):
    """mailq, -bp, newaliases, -bi and unknown modes on an instance whose
    posta-send is down: what is queued stays there to be listed."""

    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()
        cls.names = Named(cls.inst)

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()
        for n in ("mailq", "newaliases", "sendmail"):
            os.unlink(cls.names.path(n))
        os.rmdir(cls.names.dir)

    def test_1_empty_queue(self):
        for stdin in ("idle", "closed"):
            rc, out, err = run(self.inst, [self.names.path("mailq")], stdin)
            self.assertEqual((rc, out, err), (0, "Mail queue is empty\n", ""), stdin)

    def test_2_listing(self):
        self.inst.sendmail("bob@far.test", "carol@far.test", sender="alice@example.com",
                           message=b"Subject: listed\n\n" + b"x" * 1000 + b"\n")
        mid = max(self.inst.queue_files("mess"))
        for argv in ([self.names.path("mailq")], [self.inst.bin("sendmail"), "-bp"],
                     [self.names.path("sendmail"), "-bp"], [self.names.path("mailq"), "-v"]):
            for stdin in ("idle", "closed"):
                rc, out, err = run(self.inst, argv, stdin)
                self.assertEqual((rc, err), (0, ""), (argv, stdin))
                block = out.split("\n\n")[0]
                self.assertRegex(block, r"^message %d\n" % mid)
                self.assertRegex(block, r"\n  arrival: \w{3}, \d+ \w{3} \d{4} [\d:]{8} \+0000\n")
                self.assertRegex(block, r"\n  size: \d{4}\n")
                self.assertIn("\n  sender: <alice@example.com>\n", block)
                self.assertRegex(block, r"<bob@far\.test>: (not yet preprocessed|pending)")
                self.assertRegex(block, r"<carol@far\.test>: (not yet preprocessed|pending)")
                # what posta-qread prints, not a second reader's idea of the queue
                self.assertEqual(out, self.inst.run("posta-qread").stdout.decode())

    @unittest.skipUnless(IS_ROOT, "needs another user")
    def test_3_listing_as_a_user(self):
        """Only root and posta-s read the queue (posta-qread's rule): a user
        gets its message and exit 100, at once."""
        for stdin in ("idle", "closed"):
            rc, out, err = run(self.inst, [self.names.path("mailq")], stdin, user="nobody")
            self.assertEqual((rc, out), (100, ""), err)
            self.assertIn("only root and posta-s may read the queue", err)

    def test_4_newaliases(self):
        for argv in ([self.names.path("newaliases")], [self.inst.bin("sendmail"), "-bi"]):
            for stdin in ("idle", "closed"):
                rc, out, err = run(self.inst, argv, stdin)
                self.assertEqual((rc, err), (0, ""), argv)
                self.assertIn("nothing to rebuild", out)
                self.assertIn(self.inst.path("alias", ".qmail-NAME"), out)

    def test_5_unknown_modes(self):
        before = self.inst.queue_files("mess")
        for args in (["-bd"], ["-bt"], ["-bv", "bob@far.test"], ["-bp", "bob@far.test"], ["-q", "x@y"], ["-Z"]):
            for stdin in ("idle", "closed"):
                rc, out, err = run(self.inst, [self.inst.bin("sendmail")] + args, stdin)
                self.assertEqual((rc, out), (100, ""), args)
                self.assertRegex(err, r"^sendmail: fatal: .*\nusage: sendmail ")
        rc, out, err = run(self.inst, [self.names.path("newaliases"), "x"], "idle")
        self.assertEqual(rc, 100)
        self.assertEqual(self.inst.queue_files("mess"), before)


@unittest.skipUnless(IS_ROOT, "needs another user")
class Smtp(unittest.TestCase):
    """-bs: posta-smtpd on stdin and stdout, as the caller. A local user
    may send to any address, as with sendmail itself, and the message
    says who injected it; RELAYCLIENT or a TLS descriptor in the caller's
    environment do not reach the session."""

    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()
        cls.inst.control("me", "mail.example.com")
        cls.inst.control("rcpthosts", "example.com")

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()

    def session(self, lines, user="nobody", **env):
        """Speaks SMTP with sendmail -bs as a client does, each command
        after the reply to the one before (posta-smtpd throws away what
        comes after DATA before its 354); returns (exit code, the replies,
        stderr)."""
        p = subprocess.Popen(["s6-setuidgid", user, self.inst.bin("sendmail"), "-bs"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.inst.env(**env), cwd="/")
        replies = []

        def reply():
            while True:
                line = p.stdout.readline().decode()
                replies.append(line)
                if not line or line[3:4] != "-":
                    return
        try:
            reply()
            for l in lines:
                p.stdin.write(l.encode() + b"\r\n")
                p.stdin.flush()
                if l in ("", "Subject: bs", "hello"):
                    continue
                reply()
            p.stdin.close()
            p.wait(timeout=DEADLINE)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        err = p.stderr.read().decode()
        p.stdout.close()
        p.stderr.close()
        return p.returncode, "".join(replies), err

    def test_send_as_user(self):
        import pwd
        uid = pwd.getpwnam("nobody").pw_uid
        before = set(self.inst.queue_files("mess"))
        rc, out, err = self.session(["EHLO me", "MAIL FROM:<nobody@example.com>", "RCPT TO:<bob@far.test>",
                                     "DATA", "Subject: bs", "", "hello", ".", "QUIT"],
                                    RELAYCLIENT="@evil.test", POSTA_TLSFD="5", TCPREMOTEIP="192.0.2.9")
        self.assertEqual(rc, 0, err)
        codes = re.findall(r"(?m)^(\d{3}) ", out)
        self.assertEqual(codes, ["220", "250", "250", "250", "354", "250", "221"], out)
        self.assertNotIn("STARTTLS", out)
        new = set(self.inst.queue_files("mess")) - before
        self.assertEqual(len(new), 1)
        block = self.inst.run("posta-qread", new.pop()).stdout.decode()
        self.assertIn("injected by: uid %d\n" % uid, block)
        self.assertIn("<bob@far.test>", block)
        self.assertNotIn("evil", block)
        self.assertNotIn("192.0.2.9", self.inst.run("posta-qread").stdout.decode())

    def test_ends_with_its_input(self):
        """A closed or empty stdin ends the session (an idle one is a silent
        client: posta-smtpd's timeoutsmtpd ends it, as on the network)."""
        for stdin in ("closed", b""):
            rc, out, err = run(self.inst, [self.inst.bin("sendmail"), "-bs"], stdin, user="nobody")
            self.assertEqual(rc, 0, err)
            self.assertTrue(out.startswith("220 "), out)


class Flush(FakeRemoteCase):
    """-q asks posta-send to try every message now (posta-qflush)."""

    def test_flush(self):
        self.start()
        self.inst.sendmail("down@far.test")
        mid = max(self.inst.queue_files("mess"))
        wait_log(self.inst, r"^delivery \d+: msg \d+: deferral: <down@far.test>")
        open(os.path.join(self.inst.spool, "up"), "w").close()
        rc, out, err = run(self.inst, [self.inst.bin("sendmail"), "-q"], "idle")
        self.assertEqual((rc, out, err), (0, "all: flushed\n", ""))
        wait_for(lambda: mid not in self.inst.queue_files("mess"), what="the message delivered")
        if IS_ROOT:
            rc, out, err = run(self.inst, [self.inst.bin("sendmail"), "-q"], "closed", user="nobody")
            self.assertEqual(rc, 100, err)
            self.assertIn("only root and posta-s may change the queue", err)


if __name__ == "__main__":
    unittest.main()
