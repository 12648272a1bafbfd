"""Notices for remote recipients, end to end: posta-send, posta-rspawn and
posta-remote deliver to foreign SMTP servers on loopback (DNS from dnsmasq);
what fails comes back to the sender's virtual mailbox as posta-bounce's
notice. A 550 for one of three recipients; a destination that answers only
451 until control/queuelifetime runs out."""
import unittest

from bouncekit import notice_text, parse, rcpt_fields, read, status_blocks
from dnsfix import Dns
from posta import maildir_files, wait_for
from sendtools import need_real_remote, queue_empty, remote_instance

try:
    from smtppeer import AioPeer
    _why = None
except ImportError as e:   # python3-aiosmtpd missing: make deps installs it
    AioPeer = None
    _why = str(e)

ORIGINAL = b"Subject: remote lunch\nMessage-ID: <rl.1@posta.example>\n\nLunch on Thursday?\n"


class RemoteNoticeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        need_real_remote(_why)
        cls.dns = Dns().mx("up.test", 10, "mx.up.test").host("mx.up.test", "127.0.0.31")
        cls.dns.mx("slow.test", 10, "mx.slow.test").host("mx.slow.test", "127.0.0.32")
        cls.dns.start()
        cls.up = AioPeer("127.0.0.31", rcpt=lambda a: "550 5.1.1 <%s>: no such user" % a if a.startswith("bob@") else None).start()
        cls.slow = AioPeer("127.0.0.32", rcpt=lambda a: "451 4.3.2 please try again later").start()

    @classmethod
    def tearDownClass(cls):
        cls.up.stop()
        cls.slow.stop()
        cls.dns.stop()

    def setUp(self):
        self.inst = remote_instance(self.dns)
        self.addCleanup(self.inst.cleanup)
        self.alice = self.inst.add_mailbox("alice@posta.example")

    def test_550_for_one_of_three(self):
        self.inst.start(services=("posta-send",))
        before = len(self.up.messages)
        self.inst.sendmail("anna@up.test", "bob@up.test", "cleo@up.test", sender="alice@posta.example",
                           message=ORIGINAL)
        files = self.inst.wait_mail(self.alice, 1, timeout=20)
        msg = parse(read(files[0]))
        blocks = status_blocks(msg)
        self.assertEqual(len(blocks), 2, "one failed recipient")
        self.assertEqual(rcpt_fields(blocks[1]), {
            "Final-Recipient": "rfc822; bob@up.test", "Action": "failed", "Status": "5.1.1",
            "Remote-MTA": "dns; mx.up.test", "Diagnostic-Code": "smtp; 550 5.1.1 <bob@up.test>: no such user"})
        self.assertIn("The server mx.up.test refused it, saying: 550 5.1.1 <bob@up.test>: no such user",
                      notice_text(msg))
        self.assertEqual(list(msg.iter_parts())[2].get_payload()[0]["Subject"], "remote lunch")
        # the two others reached the peer, in one transaction
        wait_for(lambda: len(self.up.messages) > before, 10, what="the message at the peer")
        self.assertEqual(sorted(self.up.messages[-1]["rcpt_tos"]), ["anna@up.test", "cleo@up.test"])
        wait_for(lambda: queue_empty(self.inst), 10, what="an empty queue")
        self.assertEqual(len(maildir_files(self.alice)), 1)

    def test_given_up_after_queuelifetime(self):
        self.inst.control("queuelifetime", "3")
        self.inst.start(services=("posta-send",))
        self.inst.sendmail("dora@slow.test", sender="alice@posta.example", message=ORIGINAL)
        files = self.inst.wait_mail(self.alice, 1, timeout=30)
        msg = parse(read(files[0]))
        # the server's words and nothing else in Diagnostic-Code: the notice says it gave up
        self.assertEqual(rcpt_fields(status_blocks(msg)[1]), {
            "Final-Recipient": "rfc822; dora@slow.test", "Action": "failed", "Status": "4.3.2",
            "Remote-MTA": "dns; mx.slow.test", "Diagnostic-Code": "smtp; 451 4.3.2 please try again later"})
        self.assertIn("so the mail system gave up. The last attempt (mx.slow.test) said: 451 4.3.2",
                      notice_text(msg))
        wait_for(lambda: queue_empty(self.inst), 10, what="an empty queue")


if __name__ == "__main__":
    unittest.main()
