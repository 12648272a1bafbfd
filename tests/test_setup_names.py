"""posta-setup on a host whose node name has no dot (issue 20), each case
in a UTS namespace of its own named "vm" with an /etc/hosts of the test's:
control/me is the resolver's fully qualified name when /etc/hosts gives
one, else the node name; a node name with a dot is kept as it is;
posta-setup -c warns, with the fix, when me or defaultdomain has no dot,
and its exit code stays 0."""
import os
import shutil
import subprocess
import unittest

from posta import BIN, IS_ROOT, base_dir
from nodename import on_host

FQDN_HOSTS = "127.0.0.1 localhost\n127.0.1.1 vm.example.test vm\n"
BARE_HOSTS = "127.0.0.1 localhost\n"


@unittest.skipUnless(IS_ROOT, "needs namespaces")
class SetupNames(unittest.TestCase):
    n = 0

    def setUp(self):
        SetupNames.n += 1
        self.home = os.path.join(base_dir(), "names%d" % self.n)

    def tearDown(self):
        shutil.rmtree(self.home, ignore_errors=True)

    def setup(self, node, hosts, *args):
        p = subprocess.run(on_host(node, [os.path.join(BIN, "posta-setup")] + list(args) + [self.home], hosts),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def control(self, name):
        with open(os.path.join(self.home, "control", name)) as f:
            return f.read()

    def write(self, name, text):
        with open(os.path.join(self.home, "control", name), "w") as f:
            f.write(text)

    def check(self):
        return subprocess.run([os.path.join(BIN, "posta-setup"), "-c", self.home],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)

    def warnings(self, p):
        return [l for l in p.stderr.decode().splitlines() if l.startswith("posta-setup: warning: ")]

    def test_fqdn_from_etc_hosts(self):
        self.setup("vm", FQDN_HOSTS)
        self.assertEqual(self.control("me"), "vm.example.test\n")
        self.assertEqual(self.control("locals"), "vm.example.test\nlocalhost\n")
        self.assertEqual(self.control("rcpthosts"), "vm.example.test\nlocalhost\n")
        p = self.check()
        self.assertEqual((p.returncode, self.warnings(p)), (0, []))

    def test_node_name_without_fqdn(self):
        self.setup("vm", BARE_HOSTS)
        self.assertEqual(self.control("me"), "vm\n")
        self.assertEqual(self.control("locals"), "vm\nlocalhost\n")
        p = self.check()
        self.assertEqual(p.returncode, 0, p.stdout)
        w = self.warnings(p)
        h = self.home
        self.assertEqual(w, [
            "posta-setup: warning: control/me is vm, without a dot: other servers may refuse it in EHLO,"
            " and bounces and Message-IDs use it",
            "posta-setup: warning: to name the host (INSTALL, step 2), with its full name: echo mail.example.com"
            " > %s/control/me && echo mail.example.com >> %s/control/locals && echo mail.example.com >>"
            " %s/control/rcpthosts" % (h, h, h),
            "posta-setup: warning: defaultdomain is vm (control/me), without a dot: sendmail and posta-inject"
            " leave hosts without a dot as they are; to qualify them: echo example.com > %s/control/defaultdomain" % h,
        ])
        # the fixes it gives, run as printed, silence it
        for line in w[1:]:
            cmd = line.split(": ", 3)[-1]
            cmd = cmd[cmd.index("echo "):]
            subprocess.run(["sh", "-c", cmd], check=True)
        self.assertEqual(self.control("me"), "mail.example.com\n")
        self.assertEqual(self.control("locals"), "vm\nlocalhost\nmail.example.com\n")
        self.assertEqual(self.control("defaultdomain"), "example.com\n")
        p = self.check()
        self.assertEqual((p.returncode, self.warnings(p)), (0, []))
        # a defaultdomain of its own without a dot is named as such
        self.write("defaultdomain", "corp\n")
        p = self.check()
        self.assertEqual(p.returncode, 0)
        self.assertEqual(len(self.warnings(p)), 1)
        self.assertIn("defaultdomain is corp, without a dot", self.warnings(p)[0])

    def test_node_name_with_dot_kept(self):
        # /etc/hosts would give another name: a dotted node name is not looked up
        self.setup("Box.Example.Net", FQDN_HOSTS)
        self.assertEqual(self.control("me"), "box.example.net\n")

    def test_existing_me_kept(self):
        self.setup("vm", BARE_HOSTS)
        self.write("me", "mail.example.com\n")
        self.setup("vm", FQDN_HOSTS)
        self.assertEqual(self.control("me"), "mail.example.com\n")
        self.assertEqual(self.control("locals"), "vm\nlocalhost\n")

    def test_warning_does_not_hide_problems(self):
        self.setup("vm", BARE_HOSTS)
        os.chmod(os.path.join(self.home, "control"), 0o700)
        p = self.check()
        self.assertEqual(p.returncode, 100)
        self.assertIn(b"/control: mode is 0700, should be 0755", p.stdout)
        self.assertEqual(len(self.warnings(p)), 3)


if __name__ == "__main__":
    unittest.main()
