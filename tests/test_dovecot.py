"""Dovecot (IMAP and POP3) over an instance's mailboxes, with the
configuration posta-setup writes (DIR/dovecot/dovecot.conf) and a real
Dovecot started by the test as a private instance on loopback ports
(DIR/dovecot/local.conf), next to the instance's own services under
s6-svscan (SMTP, submission with STARTTLS and AUTH).

A virtual mailbox made with posta-user and a password logs in over IMAP
and POP3, sees a message that came in over SMTP, deletes it over POP3 and
it is gone from the Maildir; a wrong password is refused by Dovecot and by
posta's SMTP AUTH alike; posta-user passwd works at once on both; a system
account reads its ~/Maildir with its own (PAM) password; TLS (STARTTLS
and implicit) uses control/servercert.pem; and a password line that
posta-v (the owner of mailboxes/.passwd) plants never opens another uid's
mailbox. Skipped only when Dovecot is not installed (make deps installs
it: dovecot-imapd, dovecot-pop3d)."""
import email
import imaplib
import os
import poplib
import pwd
import shutil
import smtplib
import socket
import subprocess
import time
import unittest

from opstools import in_child, user_creds
from posta import IS_ROOT, Instance, dovecot_sanitizer_conf, free_port, maildir_files, wait_for
from tlskit import Ca, install_cert

DOMAIN = "posta.test"
ALICE, ALICE_PW = "alice@" + DOMAIN, "alice's secret"
SYS_PW = "system password"
DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)


def message(subject):
    return ("From: sender@far.test\r\nTo: someone@%s\r\nSubject: %s\r\n\r\nbody of %s\r\n"
            % (DOMAIN, subject, subject)).encode()


@unittest.skipUnless(DOVECOT, "Dovecot is not installed (apt-get install dovecot-imapd dovecot-pop3d, or make deps)")
@unittest.skipUnless(IS_ROOT, "needs root: Dovecot serves several uids, and the test makes a system account")
class DovecotCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()
        cls.addClassCleanup(cls.inst.cleanup)
        cls.ca = Ca(cls.inst.path("ca"))
        install_cert(cls.inst, *cls.ca.server("mx." + DOMAIN))
        cls.inst.setup()      # dovecot.conf again, now with the certificate
        cls.inst.add_mailbox(ALICE, ALICE_PW)
        cls.sysuser = cls.system_account()
        cls.ports = {k: free_port() for k in ("imap", "imaps", "pop3", "pop3s")}
        cls.conf = cls.inst.path("dovecot", "dovecot.conf")
        cls.write_local_conf()
        cls.inst.start()
        cls.addClassCleanup(cls.stop_dovecot)
        cls.start_dovecot()

    @classmethod
    def system_account(cls):
        """A system account with a password, its home (and ~/Maildir) in
        the instance's folder."""
        user = "pdv%d" % (os.getpid() % 100000)
        home = cls.inst.path("sysuser")
        subprocess.run(["useradd", "-M", "-d", home, "-s", "/usr/sbin/nologin", user], check=True)
        cls.addClassCleanup(subprocess.run, ["userdel", user], stderr=subprocess.DEVNULL)
        subprocess.run(["chpasswd"], input=("%s:%s\n" % (user, SYS_PW)).encode(), check=True)
        pw = pwd.getpwnam(user)
        for d in ("", "Maildir", "Maildir/new", "Maildir/cur", "Maildir/tmp"):
            os.makedirs(os.path.join(home, d), mode=0o700, exist_ok=True)
            os.chown(os.path.join(home, d), pw.pw_uid, pw.pw_gid)
        os.chmod(home, 0o755)
        return user

    @classmethod
    def write_local_conf(cls):
        p = cls.ports
        with open(cls.inst.path("dovecot", "local.conf"), "w") as f:
            f.write(dovecot_sanitizer_conf(cls.inst.home))
            # no 2-second tarpit after each refused login: the test makes many
            f.write("listen = 127.0.0.1\nauth_failure_delay = 0\n"
                    "service imap-login {\n  inet_listener imap {\n    port = %d\n  }\n"
                    "  inet_listener imaps {\n    port = %d\n  }\n}\n"
                    "service pop3-login {\n  inet_listener pop3 {\n    port = %d\n  }\n"
                    "  inet_listener pop3s {\n    port = %d\n  }\n}\n"
                    % (p["imap"], p["imaps"], p["pop3"], p["pop3s"]))

    @classmethod
    def start_dovecot(cls):
        # the master goes to the background with our descriptors: a file,
        # not a pipe whose end would never come
        out = cls.inst.path("dovecot-start.out")
        with open(out, "wb") as f:
            code = subprocess.run([DOVECOT, "-c", cls.conf], stdin=subprocess.DEVNULL, stdout=f,
                                  stderr=subprocess.STDOUT, timeout=60).returncode
        if code:
            with open(out, errors="replace") as f:
                raise AssertionError("dovecot did not start: %s\n%s" % (f.read(), cls.dovecot_log()))
        wait_for(lambda: cls.connects(cls.ports["imap"]) and cls.connects(cls.ports["pop3"]), 20,
                 what="Dovecot listening")

    @classmethod
    def stop_dovecot(cls):
        pidfile = cls.inst.path("dovecot", "run", "master.pid")
        if not os.path.exists(pidfile):
            return
        subprocess.run([DOVECOT, "-c", cls.conf, "stop"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)
        wait_for(lambda: not os.path.exists(pidfile), 20, what="Dovecot stopped")

    @staticmethod
    def connects(port):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    @classmethod
    def dovecot_log(cls):
        try:
            with open(cls.inst.path("log", "dovecot", "dovecot.log"), errors="replace") as f:
                return f.read()[-3000:]
        except FileNotFoundError:
            return ""

    # --- clients ------------------------------------------------------------
    def imap(self, user, password, tls=None):
        if tls == "implicit":
            m = imaplib.IMAP4_SSL("127.0.0.1", self.ports["imaps"], ssl_context=self.ca.context(), timeout=30)
        else:
            m = imaplib.IMAP4("127.0.0.1", self.ports["imap"], timeout=30)
            if tls == "starttls":
                m.starttls(ssl_context=self.ca.context())
        self.addCleanup(self.close_imap, m)
        m.login(user, password)
        return m

    @staticmethod
    def close_imap(m):
        try:
            m.logout()
        except (imaplib.IMAP4.error, OSError):
            pass

    def imap_refused(self, user, password):
        m = imaplib.IMAP4("127.0.0.1", self.ports["imap"], timeout=30)
        self.addCleanup(self.close_imap, m)
        with self.assertRaisesRegex(imaplib.IMAP4.error, "AUTHENTICATIONFAILED"):
            m.login(user, password)

    def pop3(self, user, password):
        p = poplib.POP3("127.0.0.1", self.ports["pop3"], timeout=30)
        p.user(user)
        p.pass_(password)
        return p

    def pop3_refused(self, user, password):
        p = poplib.POP3("127.0.0.1", self.ports["pop3"], timeout=30)
        p.user(user)
        with self.assertRaisesRegex(poplib.error_proto, "-ERR"):
            p.pass_(password)
        p.close()

    def smtp_auth(self, user, password):
        """AUTH on the submission port after STARTTLS: 235 or 535."""
        c = smtplib.SMTP("127.0.0.1", self.inst.sub_port, timeout=30)
        try:
            c.ehlo("client.test")
            c.starttls(context=self.ca.context())
            c.ehlo("client.test")
            try:
                return c.login(user, password)[0]
            except smtplib.SMTPAuthenticationError as e:
                return e.smtp_code
        finally:
            try:
                c.quit()
            except smtplib.SMTPException:
                pass

    def deliver(self, rcpt, subject, maildir):
        """A message to rcpt over SMTP (posta-smtpd), waited for in maildir."""
        before = len(maildir_files(maildir))
        c = smtplib.SMTP("127.0.0.1", self.inst.smtp_port, timeout=30)
        c.sendmail("sender@far.test", [rcpt], message(subject))
        c.quit()
        self.inst.wait_mail(maildir, before + 1, timeout=20)

    def imap_subjects(self, m):
        typ, data = m.select("INBOX")
        self.assertEqual(typ, "OK")
        typ, data = m.search(None, "ALL")
        out = []
        for num in data[0].split():
            typ, parts = m.fetch(num, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            out.append(email.message_from_bytes(parts[0][1])["Subject"])
        return out

    def pop3_delete_all(self, p, subject):
        """RETRs every message (one has subject), DELEs them, QUIT."""
        count, _ = p.stat()
        self.assertGreaterEqual(count, 1)
        subjects = []
        for i in range(1, count + 1):
            resp, lines, octets = p.retr(i)
            subjects.append(email.message_from_bytes(b"\r\n".join(lines))["Subject"])
            p.dele(i)
        self.assertIn(subject, subjects)
        p.quit()

    # --- the tests ----------------------------------------------------------
    def test_virtual_mailbox_imap_pop3_and_delete(self):
        maildir = self.inst.path("mailboxes", DOMAIN, "alice", "Maildir")
        self.deliver(ALICE, "for alice over smtp", maildir)
        m = self.imap(ALICE, ALICE_PW)
        self.assertIn("for alice over smtp", self.imap_subjects(m))
        m.logout()
        self.pop3_delete_all(self.pop3(ALICE, ALICE_PW), "for alice over smtp")
        self.assertEqual(maildir_files(maildir), [])
        m = self.imap(ALICE.upper(), ALICE_PW)          # logins compare without case
        self.assertEqual(self.imap_subjects(m), [])

    def test_quota_shared_with_posta(self):
        # Dovecot's quota plugin reads the limits posta-user wrote and
        # counts an expunge in the same maildirsize posta-local appends to
        erin, pw = "erin@" + DOMAIN, "erin-pw"
        maildir = self.inst.add_mailbox(erin, pw)
        p = self.inst.run("posta-user", "quota", erin, "1048576,10")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.deliver(erin, "counted", maildir)
        m = self.imap(erin, pw)
        typ, data = m.getquotaroot("INBOX")
        self.assertEqual(typ, "OK")
        self.assertIn(b"STORAGE", data[1][0])
        self.assertIn(b"1024", data[1][0])       # 1048576 bytes = 1024 KiB
        self.assertIn(b"MESSAGE 1 10", data[1][0])
        m.logout()
        self.pop3_delete_all(self.pop3(erin, pw), "counted")
        with open(os.path.join(maildir, "maildirsize")) as f:
            text = f.read().splitlines()
        self.assertEqual(text[0], "1048576S,10C")
        self.assertEqual(sum(int(l.split()[1]) for l in text[1:]), 0, text)

    def test_wrong_password_refused_by_dovecot_and_smtp_auth(self):
        self.imap_refused(ALICE, "not " + ALICE_PW)
        self.pop3_refused(ALICE, "not " + ALICE_PW)
        self.assertEqual(self.smtp_auth(ALICE, "not " + ALICE_PW), 535)
        self.imap_refused("nobody@" + DOMAIN, ALICE_PW)
        self.assertEqual(self.smtp_auth(ALICE, ALICE_PW), 235)

    def test_passwd_works_at_once_on_both(self):
        # a login with characters of a local part beyond Dovecot's defaults
        dave, old, new = "dave+o'neil@" + DOMAIN, "dave-first", "dave-second"
        self.inst.add_mailbox(dave, old)
        self.imap(dave, old)
        p = self.inst.run("posta-user", "passwd", dave, input=(new + "\n").encode())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.imap_refused(dave, old)
        self.pop3_refused(dave, old)
        self.assertEqual(self.smtp_auth(dave, old), 535)
        self.imap(dave, new)
        self.pop3(dave, new).quit()
        self.assertEqual(self.smtp_auth(dave, new), 235)

    def test_system_account_reads_its_maildir(self):
        user = self.sysuser
        home = pwd.getpwnam(user).pw_dir
        maildir = os.path.join(home, "Maildir")
        self.deliver("%s@%s" % (user, DOMAIN), "for the system account", maildir)
        m = self.imap(user, SYS_PW)
        self.assertIn("for the system account", self.imap_subjects(m))
        m.logout()
        self.imap_refused(user, "not " + SYS_PW)
        # Dovecot worked as the account itself (its index files are the account's)
        uid = pwd.getpwnam(user).pw_uid
        self.assertEqual(os.stat(os.path.join(maildir, "dovecot-uidlist")).st_uid, uid)
        self.pop3_delete_all(self.pop3(user, SYS_PW), "for the system account")
        self.assertEqual(maildir_files(maildir), [])

    def test_tls_with_the_instance_certificate(self):
        m = self.imap(ALICE, ALICE_PW, tls="starttls")
        self.assertEqual(m.select("INBOX")[0], "OK")
        m = self.imap(ALICE, ALICE_PW, tls="implicit")
        self.assertEqual(m.select("INBOX")[0], "OK")
        p = poplib.POP3_SSL("127.0.0.1", self.ports["pop3s"], context=self.ca.context(), timeout=30)
        p.user(ALICE)
        p.pass_(ALICE_PW)
        p.quit()
        # the key stays root's: Dovecot read it as root when it started
        st = os.stat(self.inst.path("control", "servercert.pem"))
        self.assertEqual((st.st_uid, st.st_mode & 0o077), (0, 0))

    def test_posta_v_cannot_open_another_uids_mailbox(self):
        """posta-v owns mailboxes/.passwd: as posta-v, plant a password for
        the system account's address and for its login. Neither opens the
        account's mail: the first opens only a mailbox of posta-v's under
        mailboxes/, the second is not checked against that file at all."""
        user = self.sysuser
        maildir = os.path.join(pwd.getpwnam(user).pw_dir, "Maildir")
        self.deliver("%s@%s" % (user, DOMAIN), "private to the account", maildir)
        planted = "planted by posta-v"
        h = subprocess.run(["openssl", "passwd", "-6", planted], stdout=subprocess.PIPE, check=True).stdout.decode().strip()
        line = "%s@%s:%s\n%s:%s\n" % (user, DOMAIN, h, user, h)
        path = self.inst.path("mailboxes", ".passwd")
        with open(path) as f:
            before = f.read()

        def plant():
            with open(path, "a") as f:
                f.write(line)
        in_child(user_creds("posta-v"), plant)
        try:
            m = self.imap("%s@%s" % (user, DOMAIN), planted)
            self.assertNotIn("private to the account", self.imap_subjects(m))
            m.logout()
            self.imap_refused(user, planted)
        finally:
            with open(path, "w") as f:       # the file stays posta-v's
                f.write(before)
        subjects = []
        for f in maildir_files(maildir):
            with open(f, "rb") as fh:
                subjects.append(email.message_from_bytes(fh.read())["Subject"])
        self.assertIn("private to the account", subjects)


if __name__ == "__main__":
    unittest.main()
