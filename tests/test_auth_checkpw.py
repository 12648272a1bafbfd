"""posta-checkpw, the setuid posta-v password checker, attacked by posta's
other uids.

It was mode 4710 to group posta-nofiles, so posta-r, posta-l and
posta-alias could run it and try passwords against mailboxes/.passwd, with
no limit but their patience: a password oracle. It is now mode 4710 to
posta-d's own group: the kernel refuses anyone else (EACCES).

Run with descriptor 3 closed, it opened the password file as descriptor 3
and read it as its input (login NUL password NUL): with a password file
whose first 512 bytes look like input, it authenticated nobody's
credentials. It now checks descriptors 0 to 3 before opening anything."""
import fcntl
import grp
import os
import pwd
import subprocess
import sys
import unittest

from opstools import read_all
from posta import IS_ROOT, InstanceCase

ALICE, ALICE_PW = "alice@posta.test", "alice-Secret-1"
PROG = ("/bin/sh", "-c", "echo ok $USER")


def as_user(name):
    """preexec_fn: become name, with its groups, as a login would."""
    pw = pwd.getpwnam(name)
    groups = os.getgrouplist(name, pw.pw_gid)

    def drop():
        os.setgroups(groups)
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    return drop


@unittest.skipUnless(IS_ROOT, "needs the users of a privilege-separated instance")
class CheckPwUids(InstanceCase):
    @classmethod
    def prepare(cls):
        cls.inst.add_mailbox(ALICE, ALICE_PW)

    def checkpw(self, user, data, fd3=True):
        """Runs posta-checkpw as user with data on fd 3 (or fd 3 closed)."""
        r, w = os.pipe()
        os.write(w, data)
        os.close(w)
        drop = as_user(user)

        def pre():
            # close_fds would run after this: every other descriptor of
            # ours is close-on-exec already
            if fd3:
                os.dup2(fcntl.fcntl(r, fcntl.F_DUPFD, 10), 3)
            else:
                try:
                    os.close(3)
                except OSError:
                    pass
            drop()
        try:
            return subprocess.run([self.inst.bin("posta-checkpw")] + list(PROG), preexec_fn=pre, close_fds=False,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env={"PATH": "/usr/bin:/bin"}, timeout=60)
        finally:
            os.close(r)

    def test_installed_for_posta_d_alone(self):
        st = os.stat(self.inst.bin("posta-checkpw"))
        self.assertEqual(st.st_mode & 0o7777, 0o4710)
        self.assertEqual(st.st_uid, pwd.getpwnam("posta-v").pw_uid)
        gd = pwd.getpwnam("posta-d").pw_gid
        self.assertEqual(st.st_gid, gd)
        # posta-d's group is its own: no other user has it, primary or not
        self.assertEqual(grp.getgrgid(gd).gr_name, "posta-d")
        for u in ("posta-alias", "posta-l", "posta-q", "posta-r", "posta-s", "posta-v", "nobody"):
            self.assertNotIn(gd, os.getgrouplist(u, pwd.getpwnam(u).pw_gid), u)
        p = self.inst.check()
        self.assertEqual(p.returncode, 0, p.stdout.decode() + p.stderr.decode())

    def test_other_uids_get_eacces(self):
        """posta's other users (and a local user) cannot even run it, so
        cannot try a password, right or wrong."""
        good = b"%s\0%s\0" % (ALICE.encode(), ALICE_PW.encode())
        for user in ("posta-r", "posta-l", "posta-alias", "posta-q", "posta-s", "nobody"):
            with self.subTest(user=user):
                with self.assertRaises(PermissionError) as cm:
                    self.checkpw(user, good)
                self.assertEqual(cm.exception.errno, 13)

    def test_posta_d_runs_it(self):
        p = self.checkpw("posta-d", b"%s\0%s\0" % (ALICE.encode(), ALICE_PW.encode()))
        self.assertEqual((p.returncode, p.stdout), (0, b"ok alice@posta.test\n"), p.stderr)
        self.assertEqual(self.checkpw("posta-d", b"%s\0wrong\0" % ALICE.encode()).returncode, 1)

    def test_fd3_closed(self):
        """With fd 3 closed nothing is read in its place: exit 2, even when
        the password file's first 512 bytes look like credentials."""
        fn = self.inst.path("mailboxes", ".passwd")
        with open(fn, "rb") as f:
            saved = f.read()
        st = os.stat(fn)
        try:
            # bob's line, found after the first 512 bytes; those bytes are
            # bob NUL his password NUL: what fd 3 would have carried
            p = self.inst.run("posta-user", "add", "bob@posta.test", "-p", "-", input=b"bob-pw\n")
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(fn, "rb") as f:
                lines = f.read()
            head = b"bob@posta.test\0bob-pw\0"
            with open(fn, "wb") as f:
                f.write(head + b"x" * (511 - len(head)) + b"\n" + lines)
            os.chown(fn, st.st_uid, st.st_gid)
            os.chmod(fn, 0o600)
            p = self.checkpw("posta-d", b"", fd3=False)
            self.assertEqual((p.returncode, p.stdout), (2, b""), p.stderr)
            self.assertIn(b"descriptor 3 is not open", p.stderr)
        finally:
            with open(fn, "wb") as f:
                f.write(saved)
            os.chown(fn, st.st_uid, st.st_gid)
            os.chmod(fn, 0o600)
        p = self.checkpw("posta-d", b"", fd3=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(b"descriptor 3 is not open", p.stderr)

    def test_std_fds_closed(self):
        """fd 0, 1 and 2 closed: the password file takes none of them; the
        program it runs finds them open on /dev/null. Run by posta-v, the
        owner (the C library mends the descriptors of a run that changes
        uid, but not this one's)."""
        r, w = os.pipe()
        os.write(w, b"%s\0%s\0" % (ALICE.encode(), ALICE_PW.encode()))
        os.close(w)
        out_r, out_w = os.pipe()
        drop = as_user("posta-v")

        def pre():
            a, b = fcntl.fcntl(r, fcntl.F_DUPFD, 10), fcntl.fcntl(out_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)
            for fd in (0, 1, 2, a, b):
                os.close(fd)
            drop()
        prog = (sys.executable, "-c", "import os\nfor fd in 0, 1, 2, 3:\n"
                 "    os.write(4, os.readlink('/proc/self/fd/%d' % fd).encode() + b' ')")
        p = subprocess.Popen([self.inst.bin("posta-checkpw")] + list(prog), preexec_fn=pre, close_fds=False,
                             env=self.inst.env(PATH="/usr/bin:/bin"))
        os.close(r)
        os.close(out_w)
        out = read_all(out_r)
        os.close(out_r)
        self.assertEqual(p.wait(60), 0)
        self.assertEqual(out.split()[:3], [b"/dev/null"] * 3)
        self.assertTrue(out.split()[3].startswith(b"pipe:"), out)

if __name__ == "__main__":
    unittest.main()
