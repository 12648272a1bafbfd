"""Hostile and broken clients: an over-long command, an over-long text line,
64 MiB without a newline, a million RCPT commands, SIZE past 2^64, a NUL in
an address, a client that vanishes in the middle of DATA or right after
the final dot, a client that says nothing. Each gets the right reply, the
session ends cleanly, and the posta-smtpd process's peak memory (VmHWM in
/proc) stays under a bound whatever was sent."""
import threading
import time
import unittest

from posta import wait_for
from smtpd_harness import RELAY, SmtpdCase, clear_queue

MiB = 1 << 20


class LimitsTest(SmtpdCase):
    HELO = b"limits.test"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the yardstick: a session that sent one small message, so that the
        # code of every path (libc's too) is in memory
        c = cls.srv.raw()
        c.expect(b"220 ")
        c.send(b"EHLO x\r\nMAIL FROM:<a@far.test>\r\nRCPT TO:<alice@posta.test>\r\n")
        c.expect(b"250-")
        c.expect(b"250 2.1.0")
        c.expect(b"250 2.1.5")
        c.send(b"DATA\r\n")
        c.expect(b"354 ")
        c.send(b"Subject: warm\r\n\r\nhi\r\n.\r\nMAIL FROM:<a@far.test>\r\nRCPT TO:<x@far.test>\r\n")
        c.expect(b"250 2.0.0")
        c.expect(b"250 2.1.0")
        c.expect(b"250 2.1.5")
        cls.idle = cls.srv.vm(cls.session_pid(cls))
        c.send(b"QUIT\r\n")
        c.close()
        # without sanitizers, a session must fit in a few MiB; with them the
        # shadow memory dominates, and only growth is measured
        cls.bound = cls.idle + (16 * MiB if cls.srv.asan() else 1 * MiB)
        if not cls.srv.asan():
            cls.bound = min(cls.bound, 4 * MiB)

    def setUp(self):
        super().setUp()
        wait_for(lambda: not self.srv.sessions(), 30, what="earlier sessions to end")

    def session_pid(self):
        return wait_for(lambda: len(self.srv.sessions()) == 1 and self.srv.sessions()[0], 10,
                        what="one posta-smtpd session")

    def check_memory(self):
        hwm = self.srv.vm(self.session_pid())
        self.assertLess(hwm, self.bound, "VmHWM %d kB, idle %d kB" % (hwm // 1024, self.idle // 1024))
        return hwm

    def quit(self, c):
        c.send(b"QUIT\r\n")
        c.expect(b"221 ")
        self.assertEqual(c.rest(), b"")
        c.close()

    def test_command_length(self):
        c = self.ehlo()
        c.send(b"NOOP " + b"x" * 505 + b"\r\n")      # 512 octets with CRLF: the limit
        c.expect(b"250 2.0.0")
        c.send(b"NOOP " + b"x" * 506 + b"\r\n")
        c.expect(b"500 5.5.2 command line too long")
        c.send(b"RCPT TO:<" + b"a" * 600 + b"@posta.test>\r\n")
        c.expect(b"500 5.5.2")
        self.quit(c)

    def test_64_mib_without_newline(self):
        c = self.ehlo()
        chunk = b"A" * MiB
        for _ in range(64):
            c.send(chunk)
        # answered when the limit was crossed, not at the end of the line
        c.expect(b"500 5.5.2 command line too long")
        self.check_memory()
        c.send(b"\r\nNOOP\r\n")
        c.expect(b"250 2.0.0")
        self.quit(c)

    def test_64_mib_line_in_data(self):
        c = self.start_data()
        c.send(b"Subject: long\r\n\r\n")
        chunk = b"B" * MiB
        for _ in range(64):
            c.send(chunk)
        c.send(b"\r\n.\r\n")
        c.expect(b"554 5.6.0 message refused: a line is longer")
        self.check_memory()
        self.quit(c)
        self.assertEqual(self.srv.queued(), [])

    def test_text_line_length(self):
        c = self.start_data()
        c.send(b"Subject: l\r\n\r\n" + b"x" * 998 + b"\r\n.\r\n")     # 1000 with CRLF
        c.expect(b"250 2.0.0")
        c.send(b"MAIL FROM:<a@far.test>\r\nRCPT TO:<alice@posta.test>\r\n")
        c.expect(b"250 2.1.0")
        c.expect(b"250 2.1.5")
        c.send(b"DATA\r\n")
        c.expect(b"354 ")
        c.send(b"Subject: l\r\n\r\n" + b"x" * 999 + b"\r\nmore\r\n.\r\n")
        c.expect(b"554 5.6.0")
        self.quit(c)
        self.assertEqual(len(self.srv.queued()), 1)
        # control/maxline raises the limit
        self.srv.inst.control("maxline", "5000")
        try:
            clear_queue(self.srv)
            c = self.start_data()
            c.send(b"Subject: l\r\n\r\n" + b"x" * 4998 + b"\r\n.\r\n")
            c.expect(b"250 2.0.0")
            self.quit(c)
        finally:
            self.srv.inst.remove_control("maxline")

    def test_a_million_rcpt(self):
        c = self.ehlo(RELAY)
        c.send(b"MAIL FROM:<a@far.test>\r\n")
        c.expect(b"250 2.1.0")
        lines = []
        done = threading.Event()

        def read():
            try:
                while True:
                    r = c.reply()
                    if not r:
                        break
                    lines.append(r[:9])
            except OSError:
                pass
            done.set()

        t = threading.Thread(target=read)
        t.start()
        batch = b"RCPT TO:<r@far.test>\r\n" * 10000
        sent = 0
        try:
            for _ in range(100):
                c.send(batch)
                sent += 10000
        except OSError:
            pass          # the server closed: the rest was never needed
        self.assertTrue(done.wait(120))
        t.join()
        c.close()
        self.assertEqual(lines.count(b"250 2.1.5"), 1000)     # control/maxrcpt's default
        self.assertEqual(lines.count(b"452 4.5.3"), 999)
        self.assertEqual(lines[-1], b"421 4.7.0")
        self.assertEqual(len(lines), 2000)
        self.assertIn("too many refused recipients", self.srv.logtext())

    def test_rcpt_memory(self):
        """1000 recipients of 250 octets each: the envelope is the one thing
        that grows, and it stops at control/maxrcpt."""
        c = self.ehlo(RELAY)
        c.send(b"MAIL FROM:<a@far.test>\r\n")
        c.expect(b"250 2.1.0")
        rcpt = b"RCPT TO:<" + b"r" * 230 + b"%d@far.test>\r\n"
        c.send(b"".join(rcpt % i for i in range(1100)))
        for i in range(1100):
            c.expect(b"250 2.1.5" if i < 1000 else b"452 4.5.3")
        hwm = self.check_memory()
        self.assertLess(hwm, self.idle + 2 * MiB)
        self.quit(c)

    def test_size_overflow(self):
        c = self.ehlo()
        for size, want in ((b"18446744073709551616", b"552 5.3.4"), (b"99999999999999999999999999", b"552 5.3.4"),
                           (b"18446744073709551615", b"452 4.3.1"), (b"1x", b"501 5.5.4"), (b"", b"501 5.5.4"),
                           (b"2048", b"250 2.1.0")):
            c.send(b"MAIL FROM:<a@far.test> SIZE=" + size + b"\r\n")
            c.expect(want)
        self.quit(c)

    def test_queueminfree(self):
        """Short of space in the queue's file system: 452 at MAIL, never a 250."""
        self.srv.inst.control("queueminfree", str(1 << 62))
        try:
            c = self.ehlo()
            c.send(b"MAIL FROM:<a@far.test>\r\n")
            c.expect(b"452 4.3.1")
            self.quit(c)
        finally:
            self.srv.inst.remove_control("queueminfree")
        c = self.ehlo()
        c.send(b"MAIL FROM:<a@far.test>\r\n")
        c.expect(b"250 2.1.0")
        self.quit(c)

    def test_databytes(self):
        self.srv.inst.control("databytes", "5000")
        try:
            c = self.ehlo()
            c.send(b"EHLO again\r\n")
            self.assertIn(b"250-SIZE 5000\r\n", c.expect(b"250-"))
            c.send(b"MAIL FROM:<a@far.test> SIZE=5001\r\n")
            c.expect(b"552 5.3.4")
            c.send(b"MAIL FROM:<a@far.test>\r\nRCPT TO:<alice@posta.test>\r\n")
            c.expect(b"250 2.1.0")
            c.expect(b"250 2.1.5")
            c.send(b"DATA\r\n")
            c.expect(b"354 ")
            c.send((b"y" * 99 + b"\r\n") * 60 + b".\r\n")    # 6000 octets: read whole, refused
            c.expect(b"552 5.3.4")
            self.quit(c)
            self.assertEqual(self.srv.queued(), [])
            # the log says why, as the client heard it
            self.assertRegex(self.srv.logtext(), r"posta-smtpd: info: refused message qp \d+ from \S+ sender <a@far\.test> "
                             r"rcpts 1 bytes \d+ to <alice@posta\.test>: 552 5\.3\.4 message size exceeds fixed maximum")
        finally:
            self.srv.inst.remove_control("databytes")

    def test_nul_in_address(self):
        c = self.ehlo()
        c.send(b"MAIL FROM:<a\0b@far.test>\r\n")
        c.expect(b"501 5.5.2")
        c.send(b"MAIL FROM:<a@far.test>\r\nRCPT TO:<alice@posta.test\0>\r\nRCPT TO:<\0>\r\n")
        c.expect(b"250 2.1.0")
        c.expect(b"501 5.5.2")
        c.expect(b"501 5.5.2")
        self.quit(c)

    def test_dropped_in_data(self):
        c = self.start_data()
        c.send(b"Subject: cut\r\n\r\nhalf a message\r\n")
        c.close()
        wait_for(lambda: not self.srv.sessions(), 10, what="the session to end")
        self.assertEqual(self.srv.queued(), [])
        # the same, cut just before the final CRLF.CRLF is complete
        c = self.start_data()
        c.send(b"Subject: cut\r\n\r\nbody\r\n.\r")
        c.close()
        wait_for(lambda: not self.srv.sessions(), 10, what="the session to end")
        self.assertEqual(self.srv.queued(), [])

    def test_closed_right_after_the_dot(self):
        c = self.start_data()
        c.send(b"Subject: done\r\n\r\nbody\r\n.\r\n")
        c.close()
        wait_for(lambda: not self.srv.sessions(), 10, what="the session to end")
        self.assertEqual(self.srv.bodies(), [b"Subject: done\n\nbody\n"])

    def test_timeout(self):
        self.srv.inst.control("timeoutsmtpd", "1")
        try:
            c = self.srv.raw()
            t0 = time.monotonic()
            c.expect(b"220 ")
            c.expect(b"421 4.4.2")
            self.assertGreaterEqual(time.monotonic() - t0, 0.9)
            self.assertEqual(c.rest(), b"")
            c.close()
            # in the middle of DATA: nothing queued
            c = self.start_data()
            c.send(b"Subject: slow\r\n\r\n")
            c.expect(b"421 4.4.2")
            c.close()
            self.assertEqual(self.srv.queued(), [])
        finally:
            self.srv.inst.remove_control("timeoutsmtpd")

    def test_too_many_errors(self):
        c = self.ehlo()
        c.send(b"FOO\r\n" * 30)
        for _ in range(19):
            c.expect(b"500 5.5.1")
        c.expect(b"421 4.7.0")
        self.assertEqual(c.rest(), b"")
        c.close()


if __name__ == "__main__":
    unittest.main()
