"""posta-remote and posta-rspawn in an instance made by posta-setup, run as
posta-r as posta-start runs them: they read control/, write remote/tcpto
and nothing else, and deliver."""
import os
import pwd
import unittest

from dnsfix import Dns
from posta import IS_ROOT, FreshInstanceCase
from remotekit import Result, Spawner, need_netns
from smtppeer import AioPeer


class RemoteInInstance(FreshInstanceCase):
    @classmethod
    def setUpClass(cls):
        need_netns()
        if not IS_ROOT:
            raise unittest.SkipTest("needs root: posta-r")
        d = Dns()
        d.mx("far.test", 10, "mx1.far.test").host("mx1.far.test", "127.0.0.91")
        d.mx("far.test", 20, "mx2.far.test").host("mx2.far.test", "127.0.0.92")
        cls.dns = d.start()
        cls.peer = AioPeer("127.0.0.92").start()

    @classmethod
    def tearDownClass(cls):
        cls.peer.stop()
        cls.dns.stop()

    def setUp(self):
        super().setUp()
        self.inst.control("me", "posta.me.test")

    def test_posta_remote_as_posta_r(self):
        msg = self.inst.path("msg")
        with open(msg, "wb") as f:
            f.write(b"Subject: as posta-r\n\nhello\n")
        with open(msg, "rb") as f:
            p = self.inst.run("posta-remote", "far.test", "a@posta.me.test", "b@far.test",
                              user="posta-r", env=self.inst.env(DNSCACHEIP=self.dns.addr), input=f.read())
        self.assertEqual(p.returncode, 0, p.stderr)
        res = Result(p.stdout.decode().strip())
        self.assertEqual((res.kind, res.mta), ("K", "mx2.far.test[127.0.0.92]"), p.stdout)
        self.assertEqual(self.peer.messages[-1]["rcpt_tos"], ["b@far.test"])
        # mx1 refused: remembered in remote/tcpto, which posta-r owns
        st = os.stat(self.inst.path("remote", "tcpto"))
        self.assertEqual(pwd.getpwuid(st.st_uid).pw_name, "posta-r")
        self.assertEqual(st.st_mode & 0o777, 0o600)
        self.assertEqual(st.st_size % 32, 0)
        self.assertGreater(st.st_size, 0)

    def test_posta_rspawn_as_posta_r(self):
        sp = Spawner(self.inst, user="posta-r", env=self.inst.env(DNSCACHEIP=self.dns.addr))
        try:
            sp.request(0, "a@posta.me.test", ["c@far.test", "d@far.test"], b"Subject: spawned\n\nhi\n")
            slot, results = sp.response()
            self.assertEqual(slot, 0)
            self.assertEqual([r.kind for r in results], ["K", "K"], [r.line for r in results])
            self.assertEqual(sp.finish(), [])
            self.assertEqual(sp.proc.returncode, 0, sp.err)
        finally:
            sp.kill()


if __name__ == "__main__":
    unittest.main()
