"""Following one message in the logs (issue 22, item 8), as doc/operators.md
tells the operator: the 250 reply to DATA names the message's queue id
(Postfix's "queued as"), and `grep -w ID` over posta-smtpd's and
posta-send's logs finds the whole story: posta-smtpd's accepted line (with
the recipients), the delivery lines and the end line. With posta-injectd
down, posta-queue takes the message and cannot say its id: the reply keeps
its old text."""
import re
import subprocess
import unittest

from posta import IS_ROOT, Instance, wait_for
from sendtools import LOG_FORMS
from smtpd_harness import configure

BODY = b"Subject: trace me\r\n\r\nfollow this one\r\n"


def strip(lines):
    """The lines without s6-log's timestamp."""
    return [l.split("  ", 1)[1] if "  " in l else l for l in lines]


@unittest.skipUnless(IS_ROOT, "the services' uids need root")
class TraceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()
        cls.addClassCleanup(cls.inst.cleanup)
        configure(cls.inst, mailboxes=("alice", "bob"))
        cls.inst.start(services=("posta-send", "posta-injectd", "posta-smtpd"))

    def send(self):
        with self.inst.smtp() as c:
            c.ehlo("trace.test")
            c.mail("s@far.test")
            c.rcpt("alice@posta.test")
            c.rcpt("bob@posta.test")
            code, text = c.data(BODY)
        self.assertEqual(code, 250, text)
        return text.decode()

    def grep(self, mid):
        """doc/operators.md's command, as the operator types it."""
        r = subprocess.run(["grep", "-h", "-w", mid, self.inst.path("log", "posta-smtpd", "current"),
                            self.inst.path("log", "posta-send", "current")],
                           stdout=subprocess.PIPE, check=False)
        return strip(r.stdout.decode(errors="replace").splitlines())

    def test_queued_as(self):
        m = re.fullmatch(r"2\.0\.0 ok queued as (\d+)", self.send())
        self.assertTrue(m)
        mid = m.group(1)
        wait_for(lambda: ("end msg %s" % mid) in self.inst.log("posta-send"), 30, what="end msg %s" % mid)
        lines = self.grep(mid)
        smtpd = [l for l in lines if l.startswith("posta-smtpd: ")]
        self.assertEqual(len(smtpd), 1, lines)
        self.assertRegex(smtpd[0], r"^posta-smtpd: info: accepted message qp \d+ from 127\.0\.0\.1 sender <s@far\.test> "
                                   r"rcpts 2 bytes \d+ msg %s to <alice@posta\.test> <bob@posta\.test>$" % mid)
        send = [l for l in lines if not l.startswith("posta-smtpd: ")]
        # every line of posta-send's is in a documented form
        self.assertEqual([l for l in send if not any(rx.match(l) for rx in LOG_FORMS.values())], [])
        self.assertEqual(send[0], "new msg %s" % mid)
        self.assertEqual(send[-1], "end msg %s" % mid)
        done = {re.match(r"^delivery \d+: msg %s: success: <([^>]+)> 2\.0\.0 " % mid, l).group(1)
                for l in send if l.startswith("delivery ")}
        self.assertEqual(done, {"alice@posta.test", "bob@posta.test"})
        # and no line of another message's is taken for one of this one
        self.assertEqual([l for l in send if re.match(r"^(starting )?delivery ", l) and "msg %s" % mid not in l], [])

    def test_without_injectd(self):
        """posta-queue as the fallback: today's reply, no id to grep by in
        posta-smtpd's line, which still names the recipients."""
        self.inst.svc("posta-injectd", "-d")
        self.addCleanup(self.inst.svc, "posta-injectd", "-u")
        wait_for(lambda: "down" in self.inst.svstat("posta-injectd"), 10, what="injectd down")
        m = re.fullmatch(r"2\.0\.0 ok \d+ qp (\d+)", self.send())
        self.assertTrue(m)
        pid = m.group(1)
        line = wait_for(lambda: [l for l in strip(self.inst.log("posta-smtpd").splitlines())
                                 if "accepted message qp %s " % pid in l], 10, what="the accepted line")
        self.assertRegex(line[0], r"rcpts 2 bytes \d+ to <alice@posta\.test> <bob@posta\.test>$")
        # posta-send's info line gives the id from the pid
        wait_for(lambda: re.search(r"info msg \d+: bytes \d+ from <s@far\.test> qp %s " % pid,
                                   self.inst.log("posta-send")), 30, what="the info line of qp %s" % pid)


if __name__ == "__main__":
    unittest.main()
