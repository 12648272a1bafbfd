"""SMTP AUTH on the submission port: posta-tlsd + posta-smtpd -s, with the
rules of a fresh instance's tcp.submission (no RELAYCLIENT for anyone), and
posta-checkpw checking the hashes posta-user keeps.

MAIL before STARTTLS or AUTH refused; AUTH before STARTTLS refused (unless
control/authinsecure); wrong passwords refused, logged, slowed down, the
third ends the session; AUTH lets the client relay; the authenticated user
may only use its own sender addresses (or control/authsenders'); the
password is in no log and no file but as a hash."""
import base64
import os
import smtplib
import subprocess
import time
import unittest

from posta import IS_ROOT, Instance, InstanceCase, wait_for
from smtpd_harness import clear_queue, configure
from tlskit import Ca, TlsSmtpd, install_cert

ALICE, ALICE_PW = "alice@posta.test", "correct horse battery staple"
BOB, BOB_PW = "bob@posta.test", "s3cret-bob"


def set_password(inst, address, password):
    p = inst.run("posta-user", "passwd", address, input=(password + "\n").encode())
    if p.returncode:
        raise AssertionError("posta-user passwd: %s" % p.stderr.decode(errors="replace"))


class Submission(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()
        configure(cls.inst)
        set_password(cls.inst, ALICE, ALICE_PW)
        set_password(cls.inst, BOB, BOB_PW)
        cls.ca = Ca(cls.inst.path("ca"))
        install_cert(cls.inst, *cls.ca.server("mx.posta.test"))
        rules = open(cls.inst.path("control", "tcp.submission")).read()
        cls.srv = TlsSmtpd(cls.inst, submission=True, rules=rules)
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def setUp(self):
        clear_queue(self.srv)
        self.inst.remove_control("authinsecure")
        self.inst.remove_control("authsenders")

    def tls_client(self):
        c = self.srv.client()
        c.ehlo("client.test")
        c.starttls(context=self.ca.context())
        c.ehlo("client.test")
        return c

    def test_mail_before_starttls_and_auth_refused(self):
        c = self.srv.client()
        code, text = c.ehlo("client.test")
        self.assertNotIn(b"AUTH", text)
        self.assertEqual(c.mail(ALICE), (530, b"5.7.0 must issue a STARTTLS command first"))
        self.assertEqual(c.docmd("AUTH", "PLAIN " + plain(ALICE, ALICE_PW))[0], 538)
        c.starttls(context=self.ca.context())
        code, text = c.ehlo("client.test")
        self.assertIn(b"AUTH PLAIN LOGIN", text)
        self.assertEqual(c.mail(ALICE), (530, b"5.7.0 authentication required"))
        c.quit()

    def test_auth_then_relay_and_local(self):
        c = self.tls_client()
        self.assertEqual(c.login(ALICE, ALICE_PW)[0], 235)
        code, text = c.ehlo("client.test")
        self.assertNotIn(b"AUTH", text)
        c.sendmail(ALICE, ["carol@far.test", BOB], b"Subject: submitted\r\n\r\nhello\r\n")
        c.quit()
        (q,) = self.srv.queued()
        self.assertEqual(q.rcpts, [b"carol@far.test", BOB.encode()])
        self.assertIn(b" with ESMTPSA (TLSv1.", q.body)
        self.assertIn("authenticated alice@posta.test from 127.0.0.1", self.srv.logtext())

    def test_auth_login_and_plain_by_hand(self):
        c = self.tls_client()
        self.assertEqual(c.docmd("AUTH", "LOGIN")[0], 334)
        self.assertEqual(c.docmd(b64(BOB))[0], 334)
        self.assertEqual(c.docmd(b64(BOB_PW))[0], 235)
        self.assertEqual(c.docmd("AUTH", "PLAIN")[0], 503)
        c.quit()
        c = self.tls_client()
        self.assertEqual(c.docmd("AUTH", "PLAIN")[0], 334)
        self.assertEqual(c.docmd("*")[0], 501)
        self.assertEqual(c.docmd("AUTH", "CRAM-MD5")[0], 504)
        self.assertEqual(c.docmd("AUTH", "PLAIN " + plain(BOB, BOB_PW, authzid=ALICE))[0], 501)
        self.assertEqual(c.docmd("AUTH", "PLAIN " + plain(BOB, BOB_PW, authzid=BOB))[0], 235)
        c.quit()

    def test_wrong_passwords_slowed_logged_and_ended(self):
        c = self.tls_client()
        times = []
        for n in range(2):
            t0 = time.monotonic()
            self.assertEqual(c.docmd("AUTH", "PLAIN " + plain(ALICE, "wrong-%d" % n))[0], 535)
            times.append(time.monotonic() - t0)
        t0 = time.monotonic()
        code, text = c.docmd("AUTH", "PLAIN " + plain(ALICE, "wrong-2"))
        times.append(time.monotonic() - t0)
        self.assertEqual(code, 421, text)
        with self.assertRaises(smtplib.SMTPServerDisconnected):
            c.noop()
        # each failure waits longer than the one before
        self.assertGreaterEqual(times[0], 0.9)
        self.assertGreaterEqual(times[1], 1.9)
        self.assertGreaterEqual(times[2], 2.9)
        log = wait_for(lambda: "too many authentication failures" in self.srv.logtext() and self.srv.logtext())
        self.assertEqual(log.count("authentication failed for alice@posta.test from 127.0.0.1"), 3)
        self.assertNotIn("wrong-", log)
        # an unknown login fails the same way
        c = self.tls_client()
        self.assertEqual(c.docmd("AUTH", "PLAIN " + plain("nobody@posta.test", "x"))[0], 535)
        c.quit()

    def test_sender_must_be_the_users_own(self):
        c = self.tls_client()
        c.login(ALICE, ALICE_PW)
        self.assertEqual(c.mail(BOB), (553, b"5.7.1 sender address not owned by the authenticated user"))
        self.assertEqual(c.mail("ALICE@POSTA.TEST")[0], 250)
        c.rset()
        self.assertEqual(c.mail("")[0], 250)
        c.rset()
        self.inst.control("authsenders", ["alice@posta.test bob@posta.test", "alice@posta.test @lists.test"])
        self.assertEqual(c.mail(BOB)[0], 250)
        c.rset()
        self.assertEqual(c.mail("any@lists.test")[0], 250)
        c.rset()
        self.assertEqual(c.mail("carol@posta.test")[0], 553)
        c.quit()
        self.assertIn("refused sender <bob@posta.test> for alice@posta.test", self.srv.logtext())

    def test_authinsecure_allows_auth_without_tls(self):
        self.inst.control("authinsecure", "1")
        c = self.srv.client()
        code, text = c.ehlo("client.test")
        self.assertIn(b"AUTH PLAIN LOGIN", text)
        self.assertEqual(c.mail(ALICE), (530, b"5.7.0 authentication required"))
        self.assertEqual(c.login(ALICE, ALICE_PW)[0], 235)
        c.sendmail(ALICE, ["carol@far.test"], b"Subject: insecure\r\n\r\nx\r\n")
        c.quit()
        (q,) = self.srv.queued()
        self.assertIn(b" with ESMTPA\n", q.body)

    def test_starttls_forgets_an_earlier_auth(self):
        self.inst.control("authinsecure", "1")
        c = self.srv.client()
        c.ehlo("client.test")
        self.assertEqual(c.login(ALICE, ALICE_PW)[0], 235)
        c.starttls(context=self.ca.context())
        c.ehlo("client.test")
        self.assertEqual(c.mail(ALICE), (530, b"5.7.0 authentication required"))
        c.quit()

    def test_password_only_as_a_hash(self):
        with open(self.inst.path("mailboxes", ".passwd")) as f:
            lines = f.read().splitlines()
        self.assertEqual(sorted(l.split(":")[0] for l in lines), [ALICE, BOB])
        for l in lines:
            self.assertTrue(l.split(":", 1)[1].startswith("$y$"), l)
        st = os.stat(self.inst.path("mailboxes", ".passwd"))
        self.assertEqual(st.st_mode & 0o777, 0o600)
        if IS_ROOT:
            self.assertEqual(__import__("pwd").getpwuid(st.st_uid).pw_name, "posta-v")
        # no file of the instance holds a password in clear
        for top, dirs, files in os.walk(self.inst.home):
            for fn in files:
                path = os.path.join(top, fn)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                with open(path, "rb") as f:
                    data = f.read()
                for pw in (ALICE_PW, BOB_PW):
                    self.assertNotIn(pw.encode(), data, path)
                    self.assertNotIn(base64.b64encode(pw.encode()), data, path)


def b64(s):
    return base64.b64encode(s.encode()).decode()


def plain(user, password, authzid=""):
    return b64("%s\0%s\0%s" % (authzid, user, password))


@unittest.skipUnless(IS_ROOT, "needs the users of a privilege-separated instance")
class CheckPw(InstanceCase):
    """posta-checkpw alone: the checkpassword interface, as posta-d."""

    @classmethod
    def prepare(cls):
        # posta-user add -p - (the password on stdin)
        cls.inst.add_mailbox(ALICE, ALICE_PW)

    def check(self, data, user="posta-d", prog=("/bin/sh", "-c", "echo ok $USER")):
        r, w = os.pipe()
        os.write(w, data)
        os.close(w)
        p = subprocess.run(["s6-setuidgid", user, self.inst.bin("posta-checkpw")] + list(prog),
                           pass_fds=(r,), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           preexec_fn=lambda: os.dup2(r, 3), env={"PATH": "/usr/bin:/bin"})
        os.close(r)
        return p

    def test_add_with_password_argument_and_del(self):
        """The CONTRACT's "add ADDRESS -p PASSWORD" works too; del takes
        the password away."""
        p = self.inst.run("posta-user", "add", "carol@posta.test", "-p", "carol-pw")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.check(b"carol@posta.test\0carol-pw\0").returncode, 0)
        self.assertEqual(self.inst.run("posta-user", "del", "carol@posta.test").returncode, 0)
        self.assertEqual(self.check(b"carol@posta.test\0carol-pw\0").returncode, 1)
        with open(self.inst.path("mailboxes", ".passwd")) as f:
            self.assertNotIn("carol", f.read())
        # passwd refuses an unknown mailbox and an empty password
        p = self.inst.run("posta-user", "passwd", "nobody@posta.test", input=b"x\n")
        self.assertEqual(p.returncode, 100)
        p = self.inst.run("posta-user", "passwd", ALICE, input=b"\n")
        self.assertEqual(p.returncode, 100)
        # nor one with a NUL in it (it used to be cut at the NUL)
        p = self.inst.run("posta-user", "passwd", ALICE, input=b"ab\0cd\n")
        self.assertEqual(p.returncode, 100)

    def test_interface(self):
        p = self.check(b"%s\0%s\0%d\0" % (ALICE.encode(), ALICE_PW.encode(), time.time()))
        self.assertEqual((p.returncode, p.stdout), (0, b"ok alice@posta.test\n"), p.stderr)
        self.assertEqual(self.check(b"%s\0wrong\0" % ALICE.encode()).returncode, 1)
        self.assertEqual(self.check(b"ALICE@Posta.Test\0%s\0" % ALICE_PW.encode()).returncode, 0)
        self.assertEqual(self.check(b"nobody@posta.test\0x\0").returncode, 1)
        self.assertEqual(self.check(b"no separators").returncode, 2)
        # the password must end with its own NUL: one cut short is no password
        self.assertEqual(self.check(b"%s\0%s" % (ALICE.encode(), ALICE_PW.encode())).returncode, 2)
        # only posta's users may run it: not a local user
        p = self.check(b"%s\0%s\0" % (ALICE.encode(), ALICE_PW.encode()), user="nobody")
        self.assertNotEqual(p.returncode, 0)
        self.assertNotIn(b"ok", p.stdout)


if __name__ == "__main__":
    unittest.main()
