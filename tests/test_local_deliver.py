"""posta-local run directly, as the mailbox owner, on a virtual mailbox of a
real instance: the dot-qmail cascade and extensions, forwards (and a
forwarding loop), program deliveries with each exit code and qmail's
environment, mbox delivery with its lock, the loop checks, an unwritable
Maildir."""
import fcntl
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
import unittest

from posta import IS_ROOT, InstanceCase, maildir_files, wait_for
from lspawn import owner, run_local, write_message

MSG = b"Received: from a by b\nSubject: test\n\nFrom here on\n>From there\nbody\n"


def lock_waiter(path):
    """Whether a process waits for a POSIX lock on path (/proc/locks lists
    a waiter as "N: -> POSIX ADVISORY WRITE PID MAJ:MIN:INODE START END")."""
    ino = ":%d" % os.stat(path).st_ino
    with open("/proc/locks") as f:
        return any(w[1] == "->" and w[6].endswith(ino) for w in (l.split() for l in f) if len(w) > 6)


class DeliverTest(InstanceCase):
    @classmethod
    def prepare(cls):
        cls.box = cls.inst.add_mailbox("alice@example.com")
        cls.home = os.path.dirname(cls.box.rstrip("/"))
        cls.uid, cls.gid = owner("posta-v")
        cls.user = "posta-v" if IS_ROOT else None
        cls.cap = cls.inst.path("capture")
        os.makedirs(cls.cap, exist_ok=True)
        os.chown(cls.cap, cls.uid, cls.gid)

    def tearDown(self):
        for f in os.listdir(self.home):
            if f.startswith(".qmail") or f in ("mbox", "env.out", "stdin.out"):
                os.unlink(os.path.join(self.home, f))

    def write(self, name, text, mode=0o644):
        fn = os.path.join(self.home, name)
        with open(fn, "w") as f:
            f.write(text)
        os.chmod(fn, mode)
        os.chown(fn, self.uid, self.gid)
        return fn

    def local(self, message=MSG, local="alice", ext="", sender="bob@example.net", **kw):
        dash = "-" if ext or local.endswith("-") else ""
        return run_local(self.inst, self.home, local, "example.com", message, sender=sender, dash=dash,
                         ext=ext, user=self.user, **kw)

    def count(self):
        return len(maildir_files(self.box))

    def injector(self, code=0):
        """A QMAILQUEUE program that keeps what it gets; returns the env
        for posta-local and a function reading (message, envelope) back."""
        script = os.path.join(self.cap, "qq%d" % code)
        with open(script, "w") as f:
            f.write("#!/bin/sh\nn=$(date +%%s%%N)\ncat > %s/m.$n\ncat <&1 > %s/e.$n\nexit %d\n"
                    % (self.cap, self.cap, code))
        os.chmod(script, 0o755)
        for f in os.listdir(self.cap):
            if f[:2] in ("m.", "e."):
                os.unlink(os.path.join(self.cap, f))

        def captured():
            names = sorted(f for f in os.listdir(self.cap) if f.startswith("m."))
            out = []
            for m in names:
                with open(os.path.join(self.cap, m), "rb") as a, open(os.path.join(self.cap, "e" + m[1:]), "rb") as b:
                    out.append((a.read(), b.read()))
            return out
        return self.inst.env(QMAILQUEUE=script), captured

    # --- Maildir, cascade, extensions -----------------------------------------
    def test_default_delivery_and_cascade(self):
        n = self.count()
        self.assertEqual(self.local()[0], 0)
        self.assertEqual(self.count(), n + 1)
        # an empty .qmail means the default delivery
        self.write(".qmail", "")
        self.assertEqual(self.local()[0], 0)
        self.assertEqual(self.count(), n + 2)
        # only comments: delivered nowhere, successfully
        self.write(".qmail", "# dropped\n")
        self.assertEqual(self.local(), (0, "delivered: 0 maildir, 0 mbox, 0 program, 0 forward"))
        self.assertEqual(self.count(), n + 2)

    def test_extensions(self):
        n = self.count()
        self.assertEqual(self.local(local="alice-foo", ext="foo"),
                         (100, "Sorry, no mailbox here by that name. (#5.1.1)"))
        self.write(".qmail-foo", "./Maildir/\n")
        self.assertEqual(self.local(local="alice-Foo", ext="Foo")[0], 0)
        self.write(".qmail-list-default", "|echo \"$DEFAULT\" > env.out\n")
        self.assertEqual(self.local(local="alice-list-a.b-c", ext="list-a.b-c")[0], 0)
        with open(os.path.join(self.home, "env.out")) as f:
            self.assertEqual(f.read(), "a.b-c\n")
        self.assertEqual(self.local(local="alice-lis", ext="lis")[0], 100)
        # dots in an extension never make a path: .qmail-x:y
        self.write(".qmail-x:y", "./Maildir/\n")
        self.assertEqual(self.local(local="alice-x.y", ext="x.y")[0], 0)
        self.write(".qmail-default", "./Maildir/\n")
        self.assertEqual(self.local(local="alice-anything", ext="anything")[0], 0)
        self.assertEqual(self.count(), n + 3)

    def test_dotqmail_safety(self):
        self.write(".qmail", "./Maildir/\n", mode=0o666)
        code, text = self.local()
        self.assertEqual(code, 111)
        self.assertIn("group or world writable", text)
        self.write(".qmail", "\n./Maildir/\n")
        code, text = self.local()
        self.assertEqual(code, 111)
        self.assertIn("first line of .qmail is blank", text)

    def test_unwritable_maildir(self):
        n = self.count()
        tmp = os.path.join(self.box, "tmp")
        os.chmod(tmp, 0o500)
        try:
            code, text = self.local()
            self.assertEqual(code, 111, text)
            self.assertRegex(text, r"unable to create \./Maildir/tmp/.*Permission denied \(#4\.\d\.\d\)")
            self.assertEqual(self.count(), n)
        finally:
            os.chmod(tmp, 0o700)
        self.assertEqual(self.local()[0], 0)
        self.assertEqual(self.count(), n + 1)
        self.assertEqual(os.listdir(tmp), [])
        # no Maildir at all: temporary too
        self.write(".qmail", "./NoMaildir/\n")
        code, text = self.local()
        self.assertEqual(code, 111)
        self.assertIn("(#4.2.1)", text)

    # --- loops -------------------------------------------------------------
    def test_delivered_to_loop(self):
        n = self.count()
        looping = b"Delivered-To: someone@else.org\ndelivered-to: ALICE@example.com \n" + MSG
        self.assertEqual(self.local(looping),
                         (100, "This message is looping: it already has my Delivered-To line. (#5.4.6)"))
        # the same line in the body is no loop
        self.assertEqual(self.local(MSG + b"Delivered-To: alice@example.com\n")[0], 0)
        hops = b"".join(b"Received: from hop%d\n" % i for i in range(99))
        self.assertEqual(self.local(hops + MSG)[0], 0)   # 100 with MSG's own
        code, text = self.local(hops + b"Delivered-To: x@y.org\n" + MSG)
        self.assertEqual(code, 100)
        self.assertIn("more than 100 Received and Delivered-To lines", text)
        self.assertEqual(self.count(), n + 2)

    # --- forwards ------------------------------------------------------------
    def test_forward(self):
        env, captured = self.injector()
        self.write(".qmail-fwd", "&bob@example.org\n# a comment\ncarol@example.net  \n")
        self.assertEqual(self.local(local="alice-fwd", ext="fwd", sender="s@x.org", env=env),
                         (0, "delivered: 0 maildir, 0 mbox, 0 program, 2 forward"))
        [(m, e)] = captured()
        self.assertEqual(m, b"Delivered-To: alice-fwd@example.com\n" + MSG)
        self.assertEqual(e, b"Fs@x.org\0Tbob@example.org\0Tcarol@example.net\0\0")
        # the null sender stays null
        self.assertEqual(self.local(local="alice-fwd", ext="fwd", sender="", env=env)[0], 0)
        self.assertTrue(captured()[1][1].startswith(b"F\0Tbob@example.org\0"))

    def test_forward_injector_failures(self):
        self.write(".qmail-fwd", "&bob@example.org\n")
        env, _ = self.injector(71)
        code, text = self.local(local="alice-fwd", ext="fwd", env=env)
        self.assertEqual(code, 111)
        self.assertIn("exited 71", text)
        env, _ = self.injector(31)
        self.assertEqual(self.local(local="alice-fwd", ext="fwd", env=env)[0], 100)
        self.write(".qmail-fwd", "&bad\x01address@example.org\n")
        self.assertEqual(self.local(local="alice-fwd", ext="fwd", env=env)[0], 111)

    def test_forwarding_loop_stopped(self):
        # alice-a forwards to alice-b, which forwards back to alice-a
        env, captured = self.injector()
        self.write(".qmail-a", "&alice-b@example.com\n")
        self.write(".qmail-b", "&alice-a@example.com\n")
        self.assertEqual(self.local(local="alice-a", ext="a", env=env)[0], 0)
        first = captured()[-1][0]
        self.assertEqual(self.local(first, local="alice-b", ext="b", env=env)[0], 0)
        second = captured()[-1][0]
        self.assertTrue(second.startswith(b"Delivered-To: alice-b@example.com\nDelivered-To: alice-a@example.com\n"))
        code, text = self.local(second, local="alice-a", ext="a", env=env)
        self.assertEqual(code, 100)
        self.assertIn("it already has my Delivered-To line", text)
        self.assertEqual(len(captured()), 2)

    @unittest.skipUnless(os.path.exists(os.path.join(os.environ.get("POSTA_BUILD", "build"), "bin", "posta-queue")),
                         "posta-queue is not built in this tree")
    def test_forward_through_posta_queue(self):
        self.write(".qmail-fwd", "&bob@example.org\n")
        before = set(self.inst.queue_files("todo"))
        self.assertEqual(self.local(local="alice-fwd", ext="fwd", sender="s@x.org")[0], 0)
        self.assertEqual(len(set(self.inst.queue_files("todo")) - before), 1)

    # --- programs ------------------------------------------------------------
    def test_program_exit_codes(self):
        table = [(0, 0), (99, 99), (100, 100), (111, 111), (64, 100), (65, 100), (70, 100), (76, 100),
                 (77, 100), (78, 100), (112, 100), (1, 111), (2, 111), (120, 111)]
        for exitcode, want in table:
            n = self.count()
            self.write(".qmail", "|echo out; echo err >&2; exit %d\n./Maildir/\n" % exitcode)
            code, text = self.local()
            self.assertEqual(code, want, "program exit %d: %s" % (exitcode, text))
            self.assertEqual(self.count(), n + (1 if exitcode == 0 else 0))
            if want in (100, 111):
                self.assertIn("(exit %d): out err (#" % exitcode, text)
        self.write(".qmail", "|kill -9 $$\n")
        code, text = self.local()
        self.assertEqual(code, 111)
        self.assertIn("killed by signal 9", text)

    def test_program_descendants_do_not_hold_the_delivery(self):
        # a background process that keeps the output pipe open, quiet or
        # writing without end, does not keep posta-local waiting
        for bg in ("sleep 3", "while :; do echo spam; done"):
            self.write(".qmail", "|(%s) & echo started\n./Maildir/\n" % bg)
            t0 = time.monotonic()
            code, text = self.local()
            self.assertEqual(code, 0, text)
            self.assertLess(time.monotonic() - t0, 2.5, bg)

    def test_program_environment_and_stdin(self):
        self.write(".qmail-ext-default", "|env > env.out; cat > stdin.out\n")
        code, text = self.local(local="alice-ext-one-two", ext="ext-one-two", sender="bob@example.net")
        self.assertEqual(code, 0, text)
        with open(os.path.join(self.home, "env.out")) as f:
            env = dict(l.split("=", 1) for l in f.read().split("\n") if "=" in l and not l.startswith(" "))
        want = {"SENDER": "bob@example.net", "NEWSENDER": "bob@example.net",
                "RECIPIENT": "alice-ext-one-two@example.com", "LOCAL": "alice-ext-one-two",
                "HOST": "example.com", "HOST2": "example", "EXT": "ext-one-two", "EXT2": "one-two",
                "EXT3": "two", "EXT4": "", "DEFAULT": "one-two", "HOME": self.home,
                "DTLINE": "Delivered-To: alice-ext-one-two@example.com",
                "RPLINE": "Return-Path: <bob@example.net>", "POSTA_HOME": self.inst.home}
        for k, v in want.items():
            self.assertEqual(env.get(k), v, k)
        self.assertTrue(env["UFLINE"].startswith("From bob@example.net "))
        with open(os.path.join(self.home, "stdin.out"), "rb") as f:
            self.assertEqual(f.read(), MSG)

    # --- mbox ------------------------------------------------------------------
    def test_mbox(self):
        self.write(".qmail", "./mbox\n")
        self.assertEqual(self.local(sender=""), (0, "delivered: 0 maildir, 1 mbox, 0 program, 0 forward"))
        self.assertEqual(self.local(MSG + b"no newline at the end"), (0, "delivered: 0 maildir, 1 mbox, 0 program, 0 forward"))
        fn = os.path.join(self.home, "mbox")
        st = os.stat(fn)
        self.assertEqual((st.st_uid, stat.S_IMODE(st.st_mode)), (self.uid, 0o600))
        with open(fn, "rb") as f:
            data = f.read()
        body = b"Received: from a by b\nSubject: test\n\n>From here on\n>>From there\nbody\n"
        m = re.fullmatch(rb"From MAILER-DAEMON \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n"
                         rb"Return-Path: <>\nDelivered-To: alice@example.com\n(.*)\n"
                         rb"From bob@example.net \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n"
                         rb"Return-Path: <bob@example.net>\nDelivered-To: alice@example.com\n(.*)\n", data, re.S)
        self.assertIsNotNone(m, data)
        self.assertEqual(m.group(1), body)
        self.assertEqual(m.group(2), body + b"no newline at the end\n")

    def test_mbox_waits_for_the_lock(self):
        self.write(".qmail", "./mbox\n")
        fn = self.write("mbox", "", mode=0o600)
        path = write_message(self.inst, MSG, 0o644)
        with open(fn, "r+") as held:
            fcntl.lockf(held, fcntl.LOCK_EX)
            cmd = [self.inst.bin("posta-local"), "u", self.home, "alice", "", "", "example.com", "", "./Maildir/"]
            if IS_ROOT:
                cmd = ["s6-setuidgid", "posta-v"] + cmd
            with open(path, "rb") as stdin:
                p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, cwd=self.home, env=self.inst.env())
            wait_for(lambda: lock_waiter(fn), 10, what="posta-local waiting for the lock")
            self.assertIsNone(p.poll())
            self.assertEqual(os.path.getsize(fn), 0)
            fcntl.lockf(held, fcntl.LOCK_UN)
            self.assertEqual(p.wait(10), 0)
        self.assertGreater(os.path.getsize(fn), len(MSG))

    def test_header_lines_never_get_control_characters(self):
        n = self.count()
        self.assertEqual(self.local(sender="evil\r\nX-Injected: yes@x.org")[0], 0)
        files = maildir_files(self.box)
        self.assertEqual(len(files), n + 1)
        newest = max(files, key=os.path.getmtime)
        with open(newest, "rb") as f:
            self.assertTrue(f.read().startswith(b"Return-Path: <evil__X-Injected: yes@x.org>\nDelivered-To:"))

    @unittest.skipUnless(IS_ROOT and shutil.which("unshare"), "needs root to mount a small tmpfs")
    def test_disk_full(self):
        # A 256 KiB tmpfs in a private mount namespace, nearly filled: the
        # delivery fails for now, leaves nothing behind, and succeeds once
        # there is room again.
        home = tempfile.mkdtemp(dir=self.inst.home)
        msg = write_message(self.inst, b"Subject: big\n\n" + b"x" * 100000 + b"\n", 0o644)
        local = " ".join([self.inst.bin("posta-local"), "u", home, "alice", "''", "''", "example.com",
                          "s@x.org", "./Maildir/"])
        script = """
set -e
mount -t tmpfs -o size=256k,mode=0755 none "$B"
mkdir -p "$B/Maildir/tmp" "$B/Maildir/new" "$B/Maildir/cur"
chown -R posta-v "$B"
head -c 200000 /dev/zero > "$B/filler" || true
set +e
s6-setuidgid posta-v %(local)s < "$M" > "$B/../out1"; echo "rc1=$?"
echo "new1=$(ls "$B/Maildir/new" | wc -l) tmp1=$(ls "$B/Maildir/tmp" | wc -l)"
rm "$B/filler"
s6-setuidgid posta-v %(local)s < "$M" > /dev/null; echo "rc2=$?"
echo "new2=$(ls "$B/Maildir/new" | wc -l) tmp2=$(ls "$B/Maildir/tmp" | wc -l)"
""" % {"local": local}
        p = subprocess.run(["unshare", "-m", "--", "sh", "-c", script], env=dict(os.environ, B=home, M=msg),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        out = dict(kv.split("=") for kv in p.stdout.decode().split())
        self.assertEqual(out, {"rc1": "111", "new1": "0", "tmp1": "0", "rc2": "0", "new2": "1", "tmp2": "0"},
                         p.stderr.decode())
        with open(os.path.join(self.inst.home, "out1")) as f:
            self.assertRegex(f.read(), r"unable to write \./Maildir/tmp/.*: No space left on device \(#4\.3\.1\)")

    def test_sticky_home(self):
        os.chmod(self.home, 0o1700)
        try:
            code, text = self.local()
            self.assertEqual(code, 111)
            self.assertIn("sticky", text)
        finally:
            os.chmod(self.home, 0o700)


if __name__ == "__main__":
    unittest.main()
