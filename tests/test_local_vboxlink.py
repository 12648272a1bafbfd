"""mailboxes/.virtual.cdb belongs to posta-v, and posta-lspawn's child reads
it while still root (the lookup decides which uid to become). posta-v must
not make root read another file through it (a link to a root-only cdb) nor
hang a delivery slot on it (a FIFO): either defers the delivery, with the
reason in the result, at once. The attacks run as posta-v."""
import os
import shutil
import unittest

from posta import IS_ROOT, Instance, as_user, base_dir
from lspawn import LSpawn


@unittest.skipUnless(IS_ROOT, "the attack needs the instance's users")
class VirtualCdbTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()
        cls.cdb = cls.inst.path("mailboxes", ".virtual.cdb")
        for name in ("locals", "rcpthosts"):
            cls.inst.control(name, cls.inst.control(name) + "example.com\n")
        # posta-v's own list (posta-user run as posta-v); a copy that lists
        # bob, readable by root only; bob then leaves posta-v's list
        for cmd in (("add", "alice@example.com"), ("add", "bob@example.com")):
            p = cls.inst.run("posta-user", *cmd, user="posta-v")
            assert p.returncode == 0, p.stderr
        cls.secret = os.path.join(base_dir(), cls.inst.name + "-secret.cdb")
        shutil.copyfile(cls.cdb, cls.secret)
        os.chmod(cls.secret, 0o600)
        p = cls.inst.run("posta-user", "del", "bob@example.com", user="posta-v")
        assert p.returncode == 0, p.stderr

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()
        os.unlink(cls.secret)

    def setUp(self):
        self.ls = LSpawn(self.inst)

    def tearDown(self):
        self.ls.kill()
        if os.path.lexists(self.cdb + ".real"):
            if os.path.lexists(self.cdb):
                os.unlink(self.cdb)
            os.rename(self.cdb + ".real", self.cdb)

    def plant(self, f):
        def attack():
            os.rename(self.cdb, self.cdb + ".real")
            f()
        as_user("posta-v", attack)

    def test_link_to_a_root_only_cdb(self):
        self.assertTrue(self.ls.deliver("bob@example.com", b"x\n").startswith("D5.1.1"))
        self.plant(lambda: os.symlink(self.secret, self.cdb))
        result = self.ls.deliver("bob@example.com", b"x\n")
        self.assertTrue(result.startswith("Z4.3.0"), "root followed posta-v's link: " + result)
        self.assertIn("symbolic links", result)

    def test_fifo_defers_at_once(self):
        self.plant(lambda: os.mkfifo(self.cdb, 0o644))
        self.ls.sock.settimeout(10)
        result = self.ls.deliver("alice@example.com", b"x\n")
        self.assertTrue(result.startswith("Z4.3.0"), result)


if __name__ == "__main__":
    unittest.main()
