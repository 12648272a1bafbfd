"""From SMTP to the mailboxes: the whole instance runs under s6 (posta-send
and its helpers, posta-smtpd), clients send with 1, 100 and 1000
recipients, PIPELINING off (smtplib) and on (swaks), 8-bit and UTF-8
bodies, and every mailbox receives the message byte-exact: what the client
sent, CRLF made LF and dot-stuffing undone, after the lines the delivery
chain puts first."""
import os
import subprocess
import tempfile
import unittest

from posta import BIN, maildir_files
from smtpd_harness import Smtpd, configure

BODY = (b"From: Alice <alice@posta.test>\r\n"
        b"Subject: to every mailbox\r\n"
        b"\r\n"
        b".a line that starts with a dot\r\n"
        b"..two dots\r\n"
        b"caf\xc3\xa9 \xe2\x82\xac 8-bit\r\n"
        b"last line\r\n")

MAILBOXES = 100


def lf(data):
    return data.replace(b"\r\n", b"\n")


@unittest.skipUnless(os.path.exists(os.path.join(BIN, "posta-send")), "posta-send is not built yet")
class DeliveryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = Smtpd()
        cls.addClassCleanup(cls.srv.cleanup)
        inst = cls.srv.inst
        configure(inst, mailboxes=())
        names = ["user%d@posta.test" % i for i in range(MAILBOXES)]
        cls.boxes = dict(zip(names, inst.add_mailboxes(names)))
        inst.start(services=("posta-send", "posta-smtpd"))
        cls.addClassCleanup(inst.stop)

    def setUp(self):
        for box in self.boxes.values():
            for path in maildir_files(box):
                os.unlink(path)

    def check_mailboxes(self, body, n=1):
        """Every mailbox gets n messages, each ending with body as sent."""
        for r, box in sorted(self.boxes.items()):
            paths = self.srv.inst.wait_mail(box, n, timeout=60)
            self.assertEqual(len(paths), n, r)
            for path in paths:
                data = open(path, "rb").read()
                self.assertTrue(data.endswith(lf(body)), (r, data[-300:]))
                self.assertIn(b"\n\tby mx.posta.test ([127.0.0.1]) with ESMTP", data)

    def test_1_and_100_recipients_smtplib(self):
        """smtplib: no pipelining; one message to one mailbox, then one to all."""
        rcpts = sorted(self.boxes)
        with self.srv.inst.smtp() as c:
            for r in rcpts:
                self.assertEqual(c.sendmail("s@far.test", [r], BODY, mail_options=["BODY=8BITMIME"]), {})
            self.assertEqual(c.sendmail("s@far.test", rcpts, BODY, mail_options=["BODY=8BITMIME"]), {})
        self.check_mailboxes(BODY, 2)

    def test_1000_recipients_swaks_pipelined(self):
        """swaks --pipeline, 1000 recipients: the 100 mailboxes and 900
        remote addresses (which stay queued: nothing here reaches them)."""
        rcpts = sorted(self.boxes) + ["r%d@sub.relayed.test" % i for i in range(900)]
        body = "Subject: utf-8 ünïcødé\r\n\r\nこんにちは\r\n..dot\r\n".encode()
        with tempfile.NamedTemporaryFile(suffix=".eml") as f:
            f.write(lf(body)[:-1])
            f.flush()
            p = subprocess.run(["swaks", "--server", self.srv.inst.ip, "--port", str(self.srv.inst.smtp_port),
                                "--helo", "swaks.test", "--from", "s@far.test", "--to", ",".join(rcpts),
                                "--data", "@" + f.name, "--pipeline"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout.decode(errors="replace")[-2000:])
        self.check_mailboxes(body)

if __name__ == "__main__":
    unittest.main()
