"""The logs carry addresses, client IPs and logins: only root and posta-l
read them. A running instance's log folder and files, after a logged
delivery, are out of reach of an unrelated uid (posta-r, nobody); a second
posta-setup closes those an older, looser instance left open."""
import os
import stat
import unittest

from posta import IS_ROOT, FreshInstanceCase, try_as, wait_for


def read(fn):
    with open(fn, "rb") as f:
        f.read()


@unittest.skipUnless(IS_ROOT, "the uids exist in a root-made instance")
class LogModesTest(FreshInstanceCase):
    def logged(self):
        box = self.inst.add_mailbox("alice@example.com")
        self.inst.start(services=("posta-send",))
        self.inst.sendmail("alice@example.com")
        self.inst.wait_mail(box)
        current = self.inst.path("log", "posta-send", "current")
        wait_for(lambda: "alice@example.com" in self.inst.log("posta-send"), what="the delivery in the log")
        return current

    def assert_closed(self, current):
        folder = os.path.dirname(current)
        for user in ("posta-r", "nobody"):
            self.assertFalse(try_as(user, lambda: read(current)), "%s read %s" % (user, current))
            self.assertFalse(try_as(user, lambda: os.listdir(folder)), "%s listed %s" % (user, folder))
        self.assertTrue(try_as("posta-l", lambda: read(current)))

    def test_running_instance_logs_are_closed(self):
        current = self.logged()
        for s in ("posta-send", "posta-smtpd", "posta-submission", "posta-smtps"):
            st = os.stat(self.inst.path("log", s))
            self.assertEqual(stat.S_IMODE(st.st_mode), 0o700, s)
        self.assertEqual(stat.S_IMODE(os.stat(current).st_mode) & 0o077, 0)
        self.assert_closed(current)

    def test_setup_closes_an_older_instance_logs(self):
        current = self.logged()
        self.inst.stop()
        folder = os.path.dirname(current)
        os.chmod(folder, 0o755)
        os.chmod(current, 0o644)
        old = os.path.join(folder, "@400000000000000000000000.s")
        with open(old, "w") as f:
            f.write("an archived log\n")
        os.chmod(old, 0o744)
        self.inst.setup()
        self.assertEqual(stat.S_IMODE(os.stat(folder).st_mode), 0o700)
        self.assertEqual(stat.S_IMODE(os.stat(current).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(old).st_mode), 0o700)
        self.assertEqual(self.inst.check().returncode, 0, self.inst.check().stdout)
        self.assert_closed(current)


if __name__ == "__main__":
    unittest.main()
