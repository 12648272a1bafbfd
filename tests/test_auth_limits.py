"""AUTH guessing across connections (issue 15, item 6). A session ends
after three wrong passwords, but each new connection used to start afresh,
and each guess costs a yescrypt hash. Failures are now counted per client
address in smtpd/authfail, shared by every posta-smtpd process: after
control/authfailmax of them within control/authfailwindow seconds, AUTH
from that address gets 454 4.7.0 for control/authfailpenalty seconds, even
with the right password, and the checkpassword program is not run at all.

The attacker is a client on the submission port (tcpserver + posta-tlsd +
posta-smtpd -s, as posta-d), with smtplib over STARTTLS; checkpassword is
posta-checkpw behind a wrapper that logs each run, so that the test can
count the password checks."""
import os
import smtplib
import subprocess
import threading
import time
import unittest

from posta import IS_ROOT, Instance, wait_for
from smtpd_harness import configure
import test_auth_submission as sub
from tlskit import Ca, TlsSmtpd, install_cert

ALICE, ALICE_PW = sub.ALICE, sub.ALICE_PW
MAX, PENALTY = 4, 10
WRAPPER = """#!/bin/sh
echo "checkpw-run $TCPREMOTEIP" >&2
exec "$@"
"""


class AuthLimits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()
        configure(cls.inst)
        sub.set_password(cls.inst, ALICE, ALICE_PW)
        cls.ca = Ca(cls.inst.path("ca"))
        install_cert(cls.inst, *cls.ca.server("mx.posta.test"))
        wrapper = cls.inst.path("checkpw-wrapper")
        with open(wrapper, "w") as f:
            f.write(WRAPPER)
        os.chmod(wrapper, 0o755)
        cls.inst.control("checkpassword", "/bin/sh %s bin/posta-checkpw" % wrapper)
        cls.inst.control("authfailmax", str(MAX))
        cls.inst.control("authfailwindow", "600")
        cls.inst.control("authfailpenalty", str(PENALTY))
        with open(cls.inst.path("control", "tcp.submission")) as f:
            rules = f.read()
        cls.srv = TlsSmtpd(cls.inst, submission=True, rules=rules)
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def client(self, source):
        c = self.srv.client(source)
        c.ehlo("client.test")
        c.starttls(context=self.ca.context())
        c.ehlo("client.test")
        return c

    def auth(self, c, password):
        return c.docmd("AUTH", "PLAIN " + sub.plain(ALICE, password))

    def checks(self, source):
        """The password checks run so far for a client address."""
        return self.srv.logtext().count("checkpw-run %s\n" % source)

    def test_failures_add_up_across_connections(self):
        # three guesses in a first connection: the third ends it
        c = self.client("127.0.0.1")
        self.assertEqual(self.auth(c, "guess-1")[0], 535)
        self.assertEqual(self.auth(c, "guess-2")[0], 535)
        self.assertEqual(self.auth(c, "guess-3")[0], 421)
        c.close()
        # a new connection: the fourth guess reaches authfailmax
        c = self.client("127.0.0.1")
        code, text = self.auth(c, "guess-4")
        started = time.monotonic()
        self.assertEqual(code, 421, text)
        c.close()
        self.assertEqual(wait_for(lambda: self.checks("127.0.0.1") == MAX and MAX, 10), MAX)
        # the next connection: 454 even with the right password, for PLAIN
        # and LOGIN alike, and no password is checked
        c = self.client("127.0.0.1")
        code, text = self.auth(c, ALICE_PW)
        self.assertEqual(code, 454, text)
        self.assertIn(b"4.7.0 too many authentication failures", text)
        self.assertEqual(c.docmd("AUTH", "LOGIN")[0], 454)
        self.assertEqual(c.mail(ALICE)[0], 530)
        c.quit()
        self.assertEqual(self.checks("127.0.0.1"), MAX)
        self.assertIn("refused AUTH from 127.0.0.1: too many authentication failures from this address",
                      self.srv.logtext())
        # another client address is not concerned
        c = self.client("127.0.0.2")
        self.assertEqual(self.auth(c, ALICE_PW)[0], 235)
        c.quit()
        self.assertEqual(self.checks("127.0.0.2"), 1)
        # (the penalty started a delay of 1 second before the 421)
        self.assertLess(time.monotonic() - started, PENALTY - 2,
                        "the machine is too slow for this test: the penalty ended before it was checked")
        # after the penalty, the right password works
        time.sleep(max(0, started + PENALTY + 1 - time.monotonic()))
        c = self.client("127.0.0.1")
        self.assertEqual(self.auth(c, ALICE_PW)[0], 235)
        c.sendmail(ALICE, ["carol@far.test"], b"Subject: after the penalty\r\n\r\nhello\r\n")
        c.quit()
        self.assertEqual(self.checks("127.0.0.1"), MAX + 1)

    def test_parallel_connections_get_no_more_checks(self):
        """Ten connections at once, one guess each: no more password checks
        than authfailmax, whatever the timing."""
        source = "127.0.0.3"
        clients = [self.client(source) for _ in range(10)]
        codes = []

        def guess(c, n):
            codes.append(self.auth(c, "parallel-%d" % n)[0])

        threads = [threading.Thread(target=guess, args=(c, n)) for n, c in enumerate(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for c in clients:
            c.close()
        self.assertEqual(len(codes), 10)
        self.assertLessEqual(self.checks(source), MAX)
        self.assertTrue(all(code in (535, 421, 454) for code in codes), codes)
        self.assertGreaterEqual(codes.count(454), 10 - MAX, codes)

    @unittest.skipUnless(IS_ROOT, "needs the users of a privilege-separated instance")
    def test_table_is_posta_d_s_alone(self):
        """smtpd/ and smtpd/authfail belong to posta-d, and no other uid
        (posta-q, a local user) can read or change the counts."""
        import pwd
        c = self.client("127.0.0.4")
        self.assertEqual(self.auth(c, "wrong")[0], 535)
        c.close()
        d = pwd.getpwnam("posta-d").pw_uid
        st = os.stat(self.inst.path("smtpd"))
        self.assertEqual((st.st_uid, st.st_mode & 0o7777), (d, 0o700))
        st = os.stat(self.inst.path("smtpd", "authfail"))
        self.assertEqual((st.st_uid, st.st_mode & 0o7777), (d, 0o600))
        self.assertLess(st.st_size, 200000)
        for user in ("posta-q", "nobody"):
            for mode in ("O_RDONLY", "O_WRONLY"):
                p = subprocess.run(["s6-setuidgid", user, "python3", "-c",
                                    "import os, sys; os.open(sys.argv[1], os.%s)" % mode,
                                    self.inst.path("smtpd", "authfail")],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                self.assertNotEqual(p.returncode, 0, (user, mode))
                self.assertIn(b"PermissionError", p.stderr, (user, mode))

if __name__ == "__main__":
    unittest.main()
