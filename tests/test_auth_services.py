"""The submission services of a real instance, as an operator runs them
(s6-svscan, svc/posta-submission and svc/posta-smtps from posta-setup):
a mail client on 587 (STARTTLS, AUTH) and on 465 (implicit TLS) sends to a
remote domain (relayed after AUTH) and to a local mailbox; swaks --tls
--auth too; and the refusals a client without AUTH gets."""
import os
import shutil
import smtplib
import subprocess
import time
import unittest

from dnsfix import Dns
from posta import IS_ROOT, Instance, free_port, maildir_files, pids, proc_read, wait_for
from remotekit import need_netns
from smtppeer import AioPeer
from tlskit import Ca, install_cert

PW = "pa55 word with spaces"


@unittest.skipUnless(IS_ROOT, "needs the users of a privilege-separated instance")
class Services(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        need_netns()
        cls.dns = Dns().mx("far.test", 10, "mx.far.test").host("mx.far.test", "127.0.0.71").start()
        cls.peer = AioPeer("127.0.0.71").start()
        cls.inst = Instance()
        cls.inst.control("me", "mail.posta.test")
        cls.box = cls.inst.add_mailbox("alice@posta.test")
        p = cls.inst.run("posta-user", "passwd", "alice@posta.test", input=(PW + "\n").encode())
        assert p.returncode == 0, p.stderr
        cls.ca = Ca(cls.inst.path("ca"))
        install_cert(cls.inst, *cls.ca.server("mail.posta.test"))
        cls.smtps_port = free_port()
        cls.inst.control("smtpslisten", "127.0.0.1 %d" % cls.smtps_port)
        cls.inst.service_env("posta-send", DNSCACHEIP=cls.dns.addr)
        cls.inst.start(services=("posta-send", "posta-submission"))
        cls.inst.wait_service("posta-smtps")

    @classmethod
    def tearDownClass(cls):
        cls.inst.cleanup()
        cls.peer.stop()
        cls.dns.stop()

    def ctx(self):
        return self.ca.context()

    def check_delivered(self, subject):
        wait_for(lambda: any(subject.encode() in m["content"] for m in self.peer.messages), 30,
                 what="%s at the remote peer" % subject)
        files = wait_for(lambda: [f for f in maildir_files(self.box) if subject.encode() in open(f, "rb").read()],
                         30, what="%s in the Maildir" % subject)
        with open(files[0], "rb") as f:
            self.assertIn(b" with ESMTPSA (TLSv1.", f.read())

    def test_587_starttls_login(self):
        c = smtplib.SMTP("127.0.0.1", self.inst.sub_port, timeout=30)
        c.starttls(context=self.ctx())
        c.login("alice@posta.test", PW)
        msg = b"Subject: via-587\r\n\r\nhello\r\n"
        c.sendmail("alice@posta.test", ["bob@far.test", "alice@posta.test"], msg)
        c.quit()
        self.check_delivered("via-587")

    def test_465_implicit_tls(self):
        c = smtplib.SMTP_SSL("127.0.0.1", self.smtps_port, timeout=30, context=self.ctx())
        self.assertEqual(c.sock.version()[:6], "TLSv1.")
        c.login("alice@posta.test", PW)
        c.sendmail("alice@posta.test", ["bob@far.test", "alice@posta.test"], b"Subject: via-465\r\n\r\nhello\r\n")
        c.quit()
        self.check_delivered("via-465")

    def test_swaks_tls_auth(self):
        p = subprocess.run(["swaks", "--server", "127.0.0.1", "--port", str(self.inst.sub_port), "--tls",
                            "--auth", "LOGIN", "--auth-user", "alice@posta.test", "--auth-password", PW,
                            "--from", "alice@posta.test", "--to", "bob@far.test,alice@posta.test",
                            "--header", "Subject: via-swaks", "--hide-all"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout.decode(errors="replace"))
        self.check_delivered("via-swaks")

    def test_refusals_without_auth(self):
        c = smtplib.SMTP("127.0.0.1", self.inst.sub_port, timeout=30)
        c.ehlo("client.test")
        self.assertEqual(c.mail("alice@posta.test")[0], 530)
        self.assertEqual(c.docmd("AUTH", "PLAIN AGFsaWNlQHBvc3RhLnRlc3QAeA==")[0], 538)
        c.starttls(context=self.ctx())
        c.ehlo("client.test")
        self.assertEqual(c.mail("alice@posta.test")[0], 530)
        c.quit()
        c = smtplib.SMTP_SSL("127.0.0.1", self.smtps_port, timeout=30, context=self.ctx())
        c.ehlo("client.test")
        self.assertEqual(c.mail("alice@posta.test"), (530, b"5.7.0 authentication required"))
        c.quit()

    def test_processes_and_logs(self):
        c = smtplib.SMTP_SSL("127.0.0.1", self.smtps_port, timeout=30, context=self.ctx())
        c.login("alice@posta.test", PW)
        procs = {}
        for pid in pids():
            exe, status = proc_read(pid, "exe"), proc_read(pid, "status")
            if exe is None or status is None or not exe.startswith(self.inst.home):
                continue
            uid = [l for l in status.decode().splitlines() if l.startswith("Uid:")][0].split()[1]
            procs.setdefault(os.path.basename(exe), set()).add(int(uid))
        d = __import__("pwd").getpwnam("posta-d").pw_uid
        self.assertEqual(procs["posta-tlsd"], {d})
        self.assertEqual(procs["posta-smtpd"], {d})
        c.quit()
        log = wait_for(lambda: "authenticated alice@posta.test" in self.inst.log("posta-smtps")
                       and self.inst.log("posta-smtps"), 10, what="the smtps log")
        self.assertNotIn(PW, log)
        self.assertNotIn(PW, self.inst.log("posta-submission"))


@unittest.skipUnless(IS_ROOT, "needs the users of a privilege-separated instance")
class SmtpsWithoutCertificate(unittest.TestCase):
    """posta-smtps has nothing to offer without a certificate: it says so
    and stays down, until the operator installs one and brings it up."""

    def test_down_then_up(self):
        inst = Instance()
        try:
            port = free_port()
            inst.control("smtpslisten", "127.0.0.1 %d" % port)
            inst.start(services=("posta-send",))
            wait_for(lambda: "no control/servercert.pem" in inst.log("posta-smtps"), 20,
                     what="posta-smtps saying why it is down")
            wait_for(lambda: inst.svstat("posta-smtps").startswith("down"), 10, what="posta-smtps down")
            time.sleep(1.5)
            self.assertTrue(inst.svstat("posta-smtps").startswith("down"), inst.svstat("posta-smtps"))
            ca = Ca(inst.path("ca"))
            install_cert(inst, *ca.server("mail.posta.test"))
            inst.svc("posta-smtps", "-u")
            inst.wait_service("posta-smtps")
            c = smtplib.SMTP_SSL("127.0.0.1", port, timeout=30, context=ca.context())
            self.assertEqual(c.ehlo("client.test")[0], 250)
            c.quit()
        finally:
            inst.cleanup()


if __name__ == "__main__":
    unittest.main()
