"""Degenerate envelope addresses, injected by a local user: each one ends at
once, refused by posta-queue (91) or by sendmail, or delivered / bounced
straight away; none is retried until control/queuelifetime ends.

Before posta-queue checked them, a recipient "@" or "x@" went to the
remote channel without a domain, was deferred by posta-rspawn ("recipient
without a domain") and retried for a week; an empty recipient left a todo
record posta-send could not read."""
import time
import unittest

from dnsfix import Dns
from posta import IS_ROOT, Instance, wait_for
from qtools import envelope, every_file, inject
from remotekit import need_netns

MSG = b"Subject: degenerate\n\nhello\n"

REFUSED = {
    "recipient @": envelope("nobody@posta.test", ["@"]),
    "recipient x@": envelope("nobody@posta.test", ["x@"]),
    "recipient x@y@": envelope("nobody@posta.test", ["x@y@"]),
    "empty recipient": envelope("nobody@posta.test", [""]),
    "empty second recipient": envelope("nobody@posta.test", ["postmaster@posta.test", ""]),
    "sender @": envelope("@", ["postmaster@posta.test"]),
    "sender x@": envelope("x@", ["postmaster@posta.test"]),
    "sender with CR": envelope("a\r@posta.test", ["postmaster@posta.test"]),
    "sender with LF": envelope("a\n@posta.test", ["postmaster@posta.test"]),
    "sender with NUL": b"Fa\0b@posta.test\0Tpostmaster@posta.test\0\0",
}


@unittest.skipUnless(IS_ROOT, "a local user against the setuid posta-queue")
class BadAddresses(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        need_netns()
        cls.dns = Dns().start()          # NXDOMAIN for every name under .test
        cls.inst = Instance()
        cls.inst.control("me", "posta.test")
        cls.inst.control("locals", "posta.test")
        cls.inst.service_env("posta-send", DNSCACHEIP=cls.dns.addr)
        cls.inst.start(services=("posta-send",))

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()
        cls.dns.stop()

    def queue_empty(self):
        return not any(every_file(self.inst, k) for k in ("pid", "intd", "todo", "info", "local", "remote"))

    def assert_all_ends_soon(self, since):
        wait_for(self.queue_empty, 30, what="an empty queue")
        log = self.inst.log("posta-send")[since:]
        self.assertNotIn("deferral", log)
        self.assertNotIn("unable to preprocess", log)

    def test_posta_queue_refuses(self):
        """As the local user nobody, each envelope gets 91 and leaves no
        file in the queue."""
        for what, env in REFUSED.items():
            with self.subTest(what):
                rc, err = inject(self.inst, MSG, env, user="nobody")
                self.assertEqual(rc, 91, err)
                self.assertIn("posta-queue: fatal: unable to queue the message: malformed envelope", err)
                self.assertTrue(self.queue_empty(), every_file(self.inst, "todo"))

    def test_posta_queue_accepts_the_legitimate_forms(self):
        """The null sender, an empty local part (""@x) and an address
        without '@' (local) stay acceptable, and end at once."""
        since = len(self.inst.log("posta-send"))
        for env in (envelope("", ["@nx.test"]), envelope("@posta.test", ["postmaster"]),
                    envelope("nobody", ["@posta.test"])):
            rc, err = inject(self.inst, MSG, env, user="nobody")
            self.assertEqual(rc, 0, err)
        self.assert_all_ends_soon(since)

    def test_sendmail(self):
        """sendmail completes "@", "x@" and "@x" with control/defaulthost
        (each then bounces at once) and refuses an empty recipient."""
        since = len(self.inst.log("posta-send"))
        start = time.monotonic()
        for args in (["@"], ["x@"], ["@x"], ["-f", "x@", "nosuch@posta.test"], ["-f", "@", "@"]):
            with self.subTest(args=args):
                p = self.inst.run("sendmail", *args, input=MSG, user="nobody")
                self.assertEqual(p.returncode, 0, p.stderr)
        p = self.inst.run("sendmail", "", input=MSG, user="nobody")
        self.assertEqual(p.returncode, 100)
        self.assertIn(b"sendmail: fatal:", p.stderr)
        self.assert_all_ends_soon(since)
        self.assertLess(time.monotonic() - start, 30)


if __name__ == "__main__":
    unittest.main()
