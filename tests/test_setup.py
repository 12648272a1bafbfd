"""posta-setup: a new instance passes its own check, a second run touches no
queued message, mailbox or setting, and the check names what is wrong."""
import grp
import os
import pwd
import stat
import subprocess
import unittest

from posta import BIN, IS_ROOT, SPLIT, FreshInstanceCase, Instance, base_dir

USERS = ["posta-alias", "posta-d", "posta-l", "posta-q", "posta-r", "posta-s", "posta-v"]


def unbuilt_programs():
    """Programs of the install table that this build does not have yet."""
    table = ["posta-queue", "posta-setup", "posta-smtpd", "posta-send", "posta-start", "posta-clean",
             "posta-lspawn", "posta-local", "posta-rspawn", "posta-remote", "posta-bounce",
             "posta-inject", "sendmail", "posta-qstat", "posta-qread", "posta-newu", "posta-user"]
    return {p for p in table if not os.path.exists(os.path.join(BIN, p))}


class SetupTest(FreshInstanceCase):
    def check_problems(self, inst=None):
        p = (inst or self.inst).check()
        lines = [l for l in p.stdout.decode().splitlines() if l]
        # a program this build does not have yet is the one acceptable problem
        missing = unbuilt_programs()
        real = [l for l in lines if not any(l.endswith("/bin/%s: missing" % m) for m in missing)]
        return p.returncode, real

    def test_new_instance_passes_check(self):
        rc, problems = self.check_problems()
        self.assertEqual(problems, [])
        if not unbuilt_programs():
            self.assertEqual(rc, 0)

    def test_layout(self):
        h = self.inst.home
        for d in ("bin", "control", "users", "queue", "mailboxes", "svc", "log", "alias"):
            self.assertTrue(os.path.isdir(os.path.join(h, d)), d)
        for kind in ("mess", "intd", "todo", "info", "local", "remote", "bounce"):
            subs = os.listdir(os.path.join(h, "queue", kind))
            self.assertEqual(sorted(int(s) for s in subs), list(range(SPLIT)), kind)
        self.assertTrue(stat.S_ISFIFO(os.lstat(os.path.join(h, "queue/lock/trigger")).st_mode))
        self.assertEqual(self.inst.control("smtplisten"), "127.0.0.1 %d\n" % self.inst.smtp_port)
        self.assertEqual(self.inst.control("submissionlisten"), "127.0.0.1 %d\n" % self.inst.sub_port)
        self.assertTrue(os.path.exists(os.path.join(h, "control/tcp.smtp.cdb")))
        for s in ("posta-send", "posta-smtpd", "posta-submission"):
            for f in ("run", "log/run"):
                fn = os.path.join(h, "svc", s, f)
                self.assertTrue(os.access(fn, os.X_OK), fn)
                text = open(fn).read()
                self.assertNotIn("@", text.replace("$@", ""), fn)
                self.assertIn(h, text)
            self.assertTrue(os.path.isdir(os.path.join(h, "svc", s, "env")))

    def test_second_run_touches_no_message_mailbox_or_setting(self):
        h = self.inst.home
        mess = os.path.join(h, "queue/mess/5/5")
        todo = os.path.join(h, "queue/todo/5/5")
        box = os.path.join(h, "mailboxes/example.com/alice/Maildir/new")
        os.makedirs(box)
        for fn, data in ((mess, b"message"), (todo, b"todo"), (os.path.join(box, "1.x"), b"mail")):
            with open(fn, "wb") as f:
                f.write(data)
        self.inst.control("me", "mail.example.com")
        self.inst.control("databytes", "12345")
        with open(os.path.join(h, "svc/posta-smtpd/env/DNSCACHEIP"), "w") as f:
            f.write("127.0.0.53\n")
        # an operator's slip that setup must mend
        os.chmod(os.path.join(h, "queue/todo"), 0o777)
        self.inst.setup()
        for fn, data in ((mess, b"message"), (todo, b"todo"), (os.path.join(box, "1.x"), b"mail")):
            with open(fn, "rb") as f:
                self.assertEqual(f.read(), data)
        self.assertEqual(self.inst.control("me"), "mail.example.com\n")
        self.assertEqual(self.inst.control("databytes"), "12345\n")
        self.assertEqual(open(os.path.join(h, "svc/posta-smtpd/env/DNSCACHEIP")).read(), "127.0.0.53\n")
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(h, "queue/todo")).st_mode), 0o750)

    def test_check_names_what_is_wrong(self):
        h = self.inst.home
        os.chmod(os.path.join(h, "queue/mess/7"), 0o755)
        os.rmdir(os.path.join(h, "queue/intd/3"))
        rc, problems = self.check_problems()
        self.assertEqual(rc, 100)
        self.assertIn("%s/queue/mess/7: mode is 0755, should be 0750" % h, problems)
        self.assertIn("%s/queue/intd/3: missing" % h, problems)
        self.assertEqual(len(problems), 2, problems)

    def test_check_mailbox_owner_and_key_mode(self):
        """Issue 22 item 4: -c names a virtual mailbox's Maildir and a
        users/assign mailbox's Maildir owned by another user than the one
        who delivers there (deliveries defer with Permission denied), and
        a private key others may read, with exit 100; a good one passes."""
        h = self.inst.home
        box = self.inst.add_mailbox("alice@example.com")
        self.assertEqual(self.check_problems(), (0, []))
        v = os.stat(box).st_uid
        wrong = v + 1 if IS_ROOT else v
        if IS_ROOT:
            os.chown(os.path.join(box, "new"), wrong, -1)
        os.chmod(box, 0o500)
        rc, problems = self.check_problems()
        self.assertEqual(rc, 100)
        path = os.path.normpath(box)
        self.assertIn("%s: mode is 0500, its owner needs rwx (0700): deliveries to it fail" % path, problems)
        if IS_ROOT:
            self.assertIn("%s/new: owner is uid %d, should be %d (posta-v): deliveries to it fail with Permission denied"
                          % (path, wrong, v), problems)
            self.assertEqual(len(problems), 2, problems)
            os.chown(os.path.join(box, "new"), v, -1)
        os.chmod(box, 0o700)
        self.assertEqual(self.check_problems(), (0, []))
        # a users/assign mailbox: HOME/Maildir must be its uid's
        home = os.path.join(h, "bobhome")
        for d in ("", "Maildir", "Maildir/tmp", "Maildir/new", "Maildir/cur"):
            os.mkdir(os.path.join(home, d) if d else home, 0o700)
        uid = 65534 if IS_ROOT else os.getuid()
        with open(os.path.join(h, "users", "assign"), "w") as f:
            f.write("=bob@example.com:nobody:%d:%d:%s:::\n.\n" % (uid, uid, home))
        if IS_ROOT:
            rc, problems = self.check_problems()
            self.assertEqual(rc, 100)
            self.assertIn("%s/Maildir: owner is uid 0, should be %d (nobody): deliveries to it fail with Permission denied"
                          % (home, uid), problems)
            for d in ("", "Maildir", "Maildir/tmp", "Maildir/new", "Maildir/cur"):
                os.chown(os.path.join(home, d), uid, uid)
        self.assertEqual(self.check_problems(), (0, []))
        # the private key: 0644 is a problem, in serverkey.pem or in servercert.pem
        from tlskit import Ca, install_cert
        pem, key = Ca(os.path.join(h, "ca")).server("mx.example.com")
        install_cert(self.inst, pem, key)
        self.assertEqual(self.check_problems(), (0, []))
        os.chmod(os.path.join(h, "control", "servercert.pem"), 0o644)
        self.assertEqual(self.check_problems(), (100, [
            "%s/control/servercert.pem: mode is 0644: others may read the private key (chmod 600)" % h]))
        install_cert(self.inst, pem, key, apart=True)
        os.chmod(os.path.join(h, "control", "servercert.pem"), 0o644)   # a certificate alone: public
        self.assertEqual(self.check_problems(), (0, []))
        os.chmod(os.path.join(h, "control", "serverkey.pem"), 0o640)
        self.assertEqual(self.check_problems(), (100, [
            "%s/control/serverkey.pem: mode is 0640: others may read the private key (chmod 600)" % h]))

    def test_bad_usage(self):
        for args in (["-s", "0", "/tmp/x"], ["-s", "70000", "/tmp/x"], ["-i", "a b", "/tmp/x"],
                     ["relative/path"], [], ["-q", "/tmp/x"], ["/tmp/with space"]):
            p = subprocess.run([os.path.join(BIN, "posta-setup")] + args, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
            self.assertEqual(p.returncode, 100, args)
            self.assertIn(b"posta-setup: ", p.stderr)

    @unittest.skipUnless(IS_ROOT, "needs root")
    def test_root_instance_owners(self):
        h = self.inst.home
        uid = {u: pwd.getpwnam(u).pw_uid for u in USERS}
        gposta = grp.getgrnam("posta").gr_gid
        gnofiles = grp.getgrnam("posta-nofiles").gr_gid
        self.assertEqual(pwd.getpwnam("posta-q").pw_gid, gposta)
        self.assertEqual(pwd.getpwnam("posta-s").pw_gid, gposta)
        for u in ("posta-alias", "posta-l", "posta-r", "posta-v"):
            self.assertEqual(pwd.getpwnam(u).pw_gid, gnofiles, u)
        # posta-d has a group of its own: posta-checkpw's
        gd = grp.getgrnam("posta-d").gr_gid
        self.assertEqual(pwd.getpwnam("posta-d").pw_gid, gd)

        def owner(rel):
            st = os.lstat(os.path.join(h, rel))
            return st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)

        self.assertEqual(owner("queue"), (uid["posta-q"], gposta, 0o750))
        self.assertEqual(owner("queue/mess/0"), (uid["posta-q"], gposta, 0o750))
        self.assertEqual(owner("queue/intd/0"), (uid["posta-q"], gposta, 0o700))
        self.assertEqual(owner("queue/pid"), (uid["posta-q"], gposta, 0o700))
        self.assertEqual(owner("queue/info/22"), (uid["posta-s"], gposta, 0o700))
        self.assertEqual(owner("queue/lock/trigger"), (uid["posta-s"], gposta, 0o622))
        self.assertEqual(owner("mailboxes"), (uid["posta-v"], gnofiles, 0o755))
        self.assertEqual(owner("alias"), (uid["posta-alias"], gnofiles, 0o755))
        self.assertEqual(owner("control/me"), (0, 0, 0o644))
        if os.path.exists(os.path.join(h, "bin/posta-queue")):
            self.assertEqual(owner("bin/posta-queue"), (uid["posta-q"], gposta, 0o6711))
        if os.path.exists(os.path.join(h, "bin/posta-checkpw")):
            self.assertEqual(owner("bin/posta-checkpw"), (uid["posta-v"], gd, 0o4710))
        # the SMTP front end cannot read the queue
        p = subprocess.run(["s6-setuidgid", "posta-d", "ls", os.path.join(h, "queue/todo")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"Permission denied", p.stderr)
        # the queue manager can
        p = subprocess.run(["s6-setuidgid", "posta-s", "ls", os.path.join(h, "queue/todo")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr)
        svc = open(os.path.join(h, "svc/posta-smtpd/run")).read()
        self.assertIn("s6-envuidgid posta-d", svc)
        self.assertIn("s6-setuidgid posta-l", open(os.path.join(h, "svc/posta-smtpd/log/run")).read())

    @unittest.skipUnless(IS_ROOT, "needs root to become another user")
    def test_single_user_instance(self):
        home = os.path.join(base_dir(), "single")
        os.mkdir(home)
        os.chown(home, pwd.getpwnam("nobody").pw_uid, -1)
        inst = Instance(name="single", setup=False)
        try:
            p = subprocess.run(["s6-setuidgid", "nobody", os.path.join(BIN, "posta-setup"),
                                "-s", str(inst.smtp_port), "-m", str(inst.sub_port), "-i", "127.0.0.1", home],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertEqual(p.returncode, 0, p.stderr)
            nobody = pwd.getpwnam("nobody").pw_uid
            for dirpath, dirnames, filenames in os.walk(home):
                for n in dirnames + filenames:
                    st = os.lstat(os.path.join(dirpath, n))
                    self.assertEqual(st.st_uid, nobody, os.path.join(dirpath, n))
                    self.assertFalse(st.st_mode & 0o6000, os.path.join(dirpath, n))
            p = subprocess.run(["s6-setuidgid", "nobody", os.path.join(BIN, "posta-setup"), "-c", home],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            missing = unbuilt_programs()
            problems = [l for l in p.stdout.decode().splitlines()
                        if not any(l.endswith("/bin/%s: missing" % m) for m in missing)]
            self.assertEqual(problems, [])
            svc = open(os.path.join(home, "svc/posta-smtpd/run")).read()
            self.assertNotIn("s6-envuidgid", svc)
        finally:
            inst.cleanup()


if __name__ == "__main__":
    unittest.main()
