"""posta-smtpd as an operator runs it: svc/posta-smtpd under s6-svscan
(tcpserver on control/smtplisten, control/tcp.smtp, posta-d), a message in
through it, the events in log/posta-smtpd, and a settings change taken by
the next connection without a restart."""
import pwd
import socket
import unittest

from posta import IS_ROOT, wait_for
from smtpd_harness import Smtpd, configure, strip_fields


class ServiceTest(unittest.TestCase):
    def test_service(self):
        srv = Smtpd()            # only for its queue readers: the service listens
        self.addCleanup(srv.cleanup)
        inst = srv.inst
        configure(inst)
        inst.start(services=("posta-smtpd",))
        self.addCleanup(inst.stop)
        with inst.smtp() as c:
            code, text = c.ehlo("operator.test")
            self.assertEqual(code, 250)
            self.assertEqual(c.sendmail("s@far.test", ["alice@posta.test"], b"Subject: svc\r\n\r\nhi\r\n"), {})
            code, _ = c.rcpt("nobody@posta.test")
        q = srv.queued()
        self.assertEqual(len(q), 1)
        self.assertEqual(strip_fields(q[0].body, 2), b"Subject: svc\n\nhi\n")
        # posta-queue was run by posta-smtpd as posta-d (its real uid is in the record)
        if IS_ROOT:
            self.assertEqual(q[0].uid, pwd.getpwnam("posta-d").pw_uid)
        log = wait_for(lambda: "accepted message" in inst.log("posta-smtpd") and inst.log("posta-smtpd"),
                       10, what="the accepted message in the log")
        self.assertRegex(log, r"posta-smtpd: info: accepted message qp \d+ from 127\.0\.0\.1 sender <s@far\.test> "
                              r"rcpts 1 bytes 17 to <alice@posta\.test>\n")
        # a new greeting, taken by the next session without a restart
        inst.control("smtpgreeting", "welcome.test hello")
        s = socket.create_connection((inst.ip, inst.smtp_port), 10)
        self.assertEqual(s.recv(100), b"220 welcome.test hello ESMTP\r\n")
        s.close()

if __name__ == "__main__":
    unittest.main()
