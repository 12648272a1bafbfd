"""posta-user import and export: a file of mailboxes (address, optional
crypt hash) applied whole, with one users/cdb build; refused whole, with
the bad line's number, when one line is bad or repeats another; export
prints what import reads; a running instance delivers to imported
mailboxes at once, and imported passwords work with posta-checkpw."""
import crypt
import fcntl
import hashlib
import os
import pwd
import subprocess
import unittest
import warnings

from posta import IS_ROOT, Instance, maildir_files
from sendtools import send_instance

warnings.filterwarnings("ignore", category=DeprecationWarning)


def yescrypt(password):
    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))


def snapshot(inst):
    """What an import may change: the files' bytes and the folders."""
    out = {}
    for rel in ("users/assign", "users/cdb", "mailboxes/.passwd", "mailboxes/.virtual",
                "control/locals", "control/rcpthosts"):
        try:
            with open(inst.path(rel), "rb") as f:
                out[rel] = hashlib.sha256(f.read()).hexdigest()
        except FileNotFoundError:
            out[rel] = None
    for top, dirs, files in os.walk(inst.path("mailboxes")):
        out[top] = sorted(dirs + files)
    return out


def checkpw(inst, login, password):
    """posta-checkpw as posta-d, login NUL password NUL on descriptor 3."""
    pw = pwd.getpwnam("posta-d")
    r, w = os.pipe()
    os.write(w, login.encode() + b"\0" + password.encode() + b"\0")
    os.close(w)

    def pre():
        # through a high number: r may be 3 itself, close-on-exec
        os.dup2(fcntl.fcntl(r, fcntl.F_DUPFD, 10), 3)
        os.setgroups(os.getgrouplist("posta-d", pw.pw_gid))
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    try:
        return subprocess.run([inst.bin("posta-checkpw"), "/bin/true"], preexec_fn=pre, close_fds=False,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={"PATH": "/usr/bin:/bin"}, timeout=60).returncode
    finally:
        os.close(r)


@unittest.skipUnless(IS_ROOT, "needs the users of a privilege-separated instance")
class ImportTest(unittest.TestCase):
    def setUp(self):
        self.inst = Instance()
        self.addCleanup(self.inst.cleanup)

    def user(self, *args, input=None, user=None):
        return self.inst.run("posta-user", *args, input=input, user=user)

    def importing(self, text, user=None):
        return self.user("import", "-", input=text.encode(), user=user)

    def test_import_export_round_trip(self):
        h = yescrypt("alice-pw")
        text = ("# mailboxes of a.example\n\n"
                "Alice@A.example:%s\n"
                "  bob@a.example  \r\n"
                "carol@b.example\n" % h)
        p = self.importing(text)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = self.user("export").stdout.decode()
        self.assertEqual(out, "alice@a.example:%s\nbob@a.example\ncarol@b.example\n" % h)
        for a in ("alice@a.example", "bob@a.example", "carol@b.example"):
            path = self.user("path", a).stdout.decode().strip()
            local, domain = a.split("@")
            self.assertEqual(path, "%s/mailboxes/%s/%s/Maildir/" % (self.inst.home, domain, local))
            for sub in ("tmp", "new", "cur"):
                st = os.stat(os.path.join(path, sub))
                self.assertEqual(st.st_mode & 0o777, 0o700)
                self.assertEqual(st.st_uid, pwd.getpwnam("posta-v").pw_uid)
            self.assertEqual(os.stat(os.path.dirname(path.rstrip("/"))).st_mode & 0o777, 0o711)
        for f in ("locals", "rcpthosts"):
            with open(self.inst.path("control", f)) as fh:
                lines = fh.read().split()
            self.assertIn("a.example", lines)
            self.assertIn("b.example", lines)
        with open(self.inst.path("users", "assign")) as f:
            assign = f.read()
        self.assertEqual(assign.count("=bob@a.example:"), 1)
        self.assertTrue(assign.endswith("\n.\n"))
        # export | import elsewhere gives the same export; into the same
        # instance it changes nothing but the order of users/assign
        other = Instance()
        self.addCleanup(other.cleanup)
        p = other.run("posta-user", "import", "-", input=out.encode())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(other.run("posta-user", "export").stdout.decode(), out)
        p = self.importing(out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.user("export").stdout.decode(), out)
        self.assertEqual(sorted(self.user("list").stdout.decode().split()),
                         ["alice@a.example", "bob@a.example", "carol@b.example"])
        # a file named on the command line
        fn = self.inst.path("more.txt")
        with open(fn, "w") as f:
            f.write("dave@b.example\n")
        p = self.user("import", fn)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("dave@b.example\n", self.user("export").stdout.decode())

    def test_a_bad_line_changes_nothing(self):
        self.assertEqual(self.importing("keep@k.example:%s\n" % yescrypt("k")).returncode, 0)
        before = snapshot(self.inst)
        cases = [
            ("new1@n.example\n# fine\nbad..dot@n.example\nnew2@n.example\n", "line 3: "),
            ("new1@n.example\nnew2@n.example:secret-in-clear\n", "line 2: "),
            ("new1@n.example\nnew2@n.example:\n", "line 2: "),
            ("new1@n.example\nnobody\n", "line 2: "),
            # repeats, whatever the case
            ("new1@n.example\nnew2@n.example\nNEW1@n.example\n", "line 3: repeats the address of line 1"),
        ]
        for text, msg in cases:
            p = self.importing(text)
            self.assertEqual(p.returncode, 100, text)
            err = p.stderr.decode()
            self.assertIn(msg, err)
            self.assertIn("nothing imported", err)
            self.assertNotIn("secret-in-clear", err)
            self.assertEqual(snapshot(self.inst), before, text)
        # posta-v may not add a domain: refused whole, the known one too
        p = self.importing("pv@k.example\npv@new.example\n", user="posta-v")
        self.assertEqual(p.returncode, 100, p.stderr)
        self.assertEqual(snapshot(self.inst), before)
        # neither may anyone else import, nor export (the hashes)
        self.assertEqual(self.user("export", user="nobody").returncode, 100)
        self.assertEqual(self.importing("x@k.example\n", user="nobody").returncode, 100)
        self.assertEqual(snapshot(self.inst), before)

    def test_existing_mailboxes_and_posta_v(self):
        p = self.user("add", "old@o.example", "-p", "-", input=b"old-pw\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        # already there without a hash: kept, its password too
        p = self.importing("old@o.example\nnew@o.example\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(checkpw(self.inst, "old@o.example", "old-pw"), 0)
        with open(self.inst.path("users", "assign")) as f:
            self.assertEqual(f.read().count("old@o.example:"), 1)
        # with a hash: replaced
        p = self.importing("OLD@o.example:%s\n" % yescrypt("new-pw"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(checkpw(self.inst, "old@o.example", "new-pw"), 0)
        self.assertNotEqual(checkpw(self.inst, "old@o.example", "old-pw"), 0)
        with open(self.inst.path("mailboxes", ".passwd")) as f:
            self.assertEqual(f.read().lower().count("old@o.example:"), 1)
        # posta-v imports into its own list, in a known domain
        p = self.importing("pv1@o.example\npv2@o.example:%s\n" % yescrypt("pv2-pw"), user="posta-v")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(self.inst.path("mailboxes", ".virtual")) as f:
            self.assertEqual(f.read(), "pv1@o.example\npv2@o.example\n")
        self.assertEqual(checkpw(self.inst, "pv2@o.example", "pv2-pw"), 0)
        self.assertEqual(self.user("export").stdout.decode().split("\n")[:3],
                         ["new@o.example", "old@o.example:" + self.hash_of("old@o.example"), "pv1@o.example"])

    def hash_of(self, addr):
        with open(self.inst.path("mailboxes", ".passwd")) as f:
            for line in f:
                a, h = line.rstrip("\n").split(":", 1)
                if a == addr:
                    return h


@unittest.skipUnless(IS_ROOT, "needs the users of a privilege-separated instance")
class RunningInstanceTest(unittest.TestCase):
    def test_delivers_to_imported_mailboxes_at_once(self):
        inst = send_instance()
        self.addCleanup(inst.cleanup)
        inst.add_mailboxes(["first@r.example"])
        inst.start(services=("posta-send",))
        self.addCleanup(inst.stop)
        text = "".join("m%d@r%d.example:%s\n" % (i, i % 3, yescrypt("pw%d" % i)) for i in range(5))
        p = inst.run("posta-user", "import", "-", input=text.encode())
        self.assertEqual(p.returncode, 0, p.stderr)
        for i in range(5):
            inst.sendmail("m%d@r%d.example" % (i, i % 3), message=b"Subject: s%d\n\nbody %d\n" % (i, i))
        for i in range(5):
            box = inst.run("posta-user", "path", "m%d@r%d.example" % (i, i % 3)).stdout.decode().strip()
            files = inst.wait_mail(box, 1, timeout=30)
            with open(files[0], "rb") as f:
                self.assertTrue(f.read().endswith(b"body %d\n" % i))
            self.assertEqual(checkpw(inst, "m%d@r%d.example" % (i, i % 3), "pw%d" % i), 0)
            self.assertNotEqual(checkpw(inst, "m%d@r%d.example" % (i, i % 3), "wrong"), 0)
        self.assertEqual(maildir_files(inst.add_mailboxes(["first@r.example"])[0]), [])


if __name__ == "__main__":
    unittest.main()
