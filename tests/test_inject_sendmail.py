"""sendmail and posta-inject as a local program uses them: recipients from
the arguments or the header (-t: To, Cc, Bcc, groups, folding), Bcc
stripped, Date, Message-ID and From added, -f, sendmail's lone dot with and
without -i, CRLF input stored as LF, qmail's host rules, and the exit codes
and messages when anything fails."""
import os
import pwd
import re
import stat
import unittest

from posta import IS_ROOT, InstanceCase, base_dir
from qrecord import field, rcpts_of, todo_records
import qrecord
from qtools import split_received


class Injection(InstanceCase):
    @classmethod
    def prepare(cls):
        cls.inst.control("me", "mail.example.com")
        cls.inst.control("defaultdomain", "example.com")
        cls.inst.control("plusdomain", "plus.example.net")

    def setUp(self):
        self.before = set(self.inst.queue_files("todo"))

    def submit(self, prog, *args, message=b"", env=None, user=None, ok=True):
        p = self.inst.run(prog, *args, input=message, env=env, user=user)
        if ok:
            self.assertEqual((p.returncode, p.stderr, p.stdout), (0, b"", b""))
        return p

    def queued(self):
        """(todo fields, message without the Received line) of the one new message."""
        new = [m for m in self.inst.queue_files("todo") if m not in self.before]
        self.assertEqual(len(new), 1, "expected one new message")
        fields = todo_records(self.inst)[new[0]]
        _, body = split_received(qrecord.read(self.inst, "mess", new[0]))
        self.before.add(new[0])
        return fields, body

    def nothing_queued(self):
        self.assertEqual(set(self.inst.queue_files("todo")), self.before)

    def header(self, body):
        return body.split(b"\n\n", 1)[0].decode()

    def test_t_to_cc_bcc(self):
        msg = (b"To: Bob <bob@example.org>, carol\r\n"
               b"Cc: team: dave@example.net,\r\n \"e f\"@example.net;, (comment) g@h.example\r\n"
               b"Bcc: secret@example.org\r\n"
               b"Subject: -t\r\n\r\nbody\r\n")
        self.submit("sendmail", "-t", "-oi", message=msg)
        fields, body = self.queued()
        self.assertEqual(rcpts_of(fields), ["bob@example.org", "carol@mail.example.com", "dave@example.net",
                                            "e f@example.net", "g@h.example", "secret@example.org"])
        head = self.header(body)
        self.assertNotIn("Bcc", head)
        self.assertNotIn("secret", body.decode())
        self.assertNotIn(b"\r", body)
        self.assertIn("Cc: team: dave@example.net,\n \"e f\"@example.net;, (comment) g@h.example\n", head + "\n")
        self.assertTrue(body.endswith(b"\n\nbody\n"))
        user = pwd.getpwuid(os.getuid()).pw_name
        self.assertEqual(field(fields, "F").decode(), "%s@mail.example.com" % user)
        self.assertRegex(head, r"(?m)^From: .*<%s@mail\.example\.com>$|^From: %s@mail\.example\.com$" % (user, user))
        self.assertRegex(head, r"(?m)^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$")
        self.assertRegex(head, r"(?m)^Message-ID: <\d+\.\d+\.[\w-]+@mail\.example\.com>$")

    def test_t_adds_arguments_and_removes_duplicates(self):
        self.submit("sendmail", "-t", "extra@example.org", "bob@example.org",
                    message=b"To: bob@example.org\nCc: bob@example.org\n\nx\n")
        fields, _ = self.queued()
        self.assertEqual(rcpts_of(fields), ["extra@example.org", "bob@example.org"])

    def test_present_fields_kept(self):
        msg = (b"From: Someone <someone@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
               b"Message-ID: <fixed@example.org>\nReturn-Path: <forged@example.org>\nSubject: s\n\nx\n")
        self.submit("sendmail", "bob@example.org", message=msg)
        _, body = self.queued()
        self.assertEqual(body, b"From: Someone <someone@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
                               b"Message-ID: <fixed@example.org>\nSubject: s\n\nx\n")

    def test_f_and_F(self):
        self.submit("sendmail", "-f", "bounces@example.org", "-F", "The Robot", "bob@example.org",
                    message=b"Subject: f\n\nx\n")
        fields, body = self.queued()
        self.assertEqual(field(fields, "F"), b"bounces@example.org")
        self.assertRegex(self.header(body), r"(?m)^From: The Robot <\S+@mail\.example\.com>$")
        self.submit("sendmail", "-f", "<>", "bob@example.org", message=b"x\n")
        fields, _ = self.queued()
        self.assertEqual(field(fields, "F"), b"")
        self.submit("sendmail", "-fbob", "carol@example.org", message=b"x\n")
        fields, _ = self.queued()
        self.assertEqual(field(fields, "F"), b"bob@mail.example.com")

    def test_lone_dot(self):
        msg = b"Subject: dot\n\nbefore\n.\nafter\n"
        self.submit("sendmail", "bob@example.org", message=msg)
        _, body = self.queued()
        self.assertTrue(body.endswith(b"\n\nbefore\n"), body)
        for flag in ("-i", "-oi"):
            self.submit("sendmail", flag, "bob@example.org", message=msg)
            _, body = self.queued()
            self.assertTrue(body.endswith(b"\n\nbefore\n.\nafter\n"), body)
        # CRLF, and "..": no unstuffing
        self.submit("sendmail", "bob@example.org", message=b"Subject: d\r\n\r\n..\r\n.\r\nlost\r\n")
        _, body = self.queued()
        self.assertTrue(body.endswith(b"\n\n..\n"), body)

    def test_big_body_streams_whole(self):
        lines = b"".join(b"line %07d %s\r\n" % (i, b"y" * (i % 300)) for i in range(20000))
        self.submit("sendmail", "-i", "bob@example.org", message=b"Subject: big\r\n\r\n" + lines)
        _, body = self.queued()
        self.assertEqual(body.split(b"\n\n", 1)[1], lines.replace(b"\r\n", b"\n"))

    def test_no_final_newline(self):
        self.submit("sendmail", "bob@example.org", message=b"Subject: s\n\nno newline")
        _, body = self.queued()
        self.assertTrue(body.endswith(b"\n\nno newline\n"))

    def test_host_rules(self):
        self.submit("sendmail", "bob", "carol@lab", "dave@lab+", "eve@[192.0.2.1]", message=b"x\n")
        fields, _ = self.queued()
        self.assertEqual(rcpts_of(fields), ["bob@mail.example.com", "carol@lab.example.com",
                                            "dave@lab.plus.example.net", "eve@[192.0.2.1]"])
        self.inst.control("defaulthost", "desk")
        try:
            self.submit("sendmail", "bob", message=b"x\n")
            fields, _ = self.queued()
            self.assertEqual(rcpts_of(fields), ["bob@desk.example.com"])
        finally:
            self.inst.remove_control("defaulthost")

    def test_own_domains_never_qualified(self):
        # locals and virtualdomains name hosts without a dot: they stay, as
        # localhost does; an unknown one still gets defaultdomain
        self.inst.control("locals", ["mail.example.com", "intranet", "localhost"])
        self.inst.control("virtualdomains", ["lab:lab", "out:"])
        try:
            self.submit("sendmail", "a@intranet", "b@localhost", "c@lab", "d@out", "e@other", message=b"x\n")
            fields, _ = self.queued()
            self.assertEqual(rcpts_of(fields), ["a@intranet", "b@localhost", "c@lab", "d@out.example.com",
                                                "e@other.example.com"])
        finally:
            self.inst.control("locals", ["mail.example.com", "localhost"])
            self.inst.remove_control("virtualdomains")

    @unittest.skipUnless(IS_ROOT, "needs another user")
    def test_as_nobody(self):
        self.submit("sendmail", "-t", message=b"To: bob@example.org\n\nx\n", user="nobody")
        fields, body = self.queued()
        self.assertEqual(field(fields, "F"), b"nobody@mail.example.com")
        self.assertEqual(field(fields, "u"), b"%d" % pwd.getpwnam("nobody").pw_uid)
        self.assertIn("From: ", self.header(body))

    # --- failures ---------------------------------------------------------------
    def fails(self, code, text, *args, message=b"Subject: x\n\nx\n", env=None, prog="sendmail"):
        p = self.submit(prog, *args, message=message, env=env, ok=False)
        self.assertEqual(p.returncode, code, p.stderr)
        self.assertIn(text.encode(), p.stderr)
        self.assertRegex(p.stderr.decode(), r"(?m)^%s: (fatal|usage)" % prog)
        self.assertEqual(p.stdout, b"")
        self.nothing_queued()

    def fake_queue(self, code):
        fn = os.path.join(base_dir(), "fakeqq-%d" % code)
        with open(fn, "w") as f:
            f.write("#!/bin/sh\ncat > /dev/null\nexit %d\n" % code)
        os.chmod(fn, 0o755)
        return self.inst.env(QMAILQUEUE=fn)

    def test_exit_codes(self):
        self.fails(100, "no recipients")
        self.fails(100, "no recipients", "-t", message=b"Subject: none\n\nx\n")
        self.fails(100, "unknown flag", "-x", "bob@example.org")
        self.fails(100, "unknown mode", "-bd")
        self.fails(100, "header field Cc: a@b, \"unclosed", "-t", message=b"To: x@y\nCc: a@b, \"unclosed\n\nx\n")
        self.fails(100, "recipient address two words", "two words")
        self.fails(100, "sender address", "-f", "a@b, c@d", "bob@example.org")
        self.fails(100, "longer than 1 MiB", "bob@example.org",
                   message=b"Subject: x\n" + b"X-Long: y\n" * 120000 + b"\nbody\n")
        self.fails(111, "write error or disk full in the queue", "bob@example.org", env=self.fake_queue(53))
        self.fails(100, "permanently refuses", "bob@example.org", env=self.fake_queue(31))
        self.fails(100, "address is too long", "bob@example.org", env=self.fake_queue(11))
        self.fails(111, "unable to run", "bob@example.org", env=self.inst.env(QMAILQUEUE="/nonexistent/qq"))

    def test_real_injector_refuses(self):
        self.inst.control("queueminfree", str(10 ** 15))
        try:
            self.fails(111, "queue the message: write error or disk full in the queue (", "bob@example.org")
        finally:
            self.inst.remove_control("queueminfree")

    def test_control_chars_never_reach_a_header(self):
        self.submit("sendmail", "-F", "Evil\nBcc: victim@example.org", "bob@example.org", message=b"x\n")
        fields, body = self.queued()
        self.assertEqual(rcpts_of(fields), ["bob@example.org"])
        self.assertNotIn("\nBcc:", self.header(body))

    # --- posta-inject -------------------------------------------------------------
    def test_posta_inject_flags(self):
        msg = b"To: hdr@example.org\nBcc: hidden@example.org\n\n.\nbody\n"
        self.submit("posta-inject", "arg@example.org", message=msg)            # -A: the arguments
        fields, body = self.queued()
        self.assertEqual(rcpts_of(fields), ["arg@example.org"])
        self.assertTrue(body.endswith(b"\n\n.\nbody\n"))                       # no lone-dot rule
        self.assertNotIn(b"hidden", body)
        self.submit("posta-inject", message=msg)                               # -A without arguments
        fields, _ = self.queued()
        self.assertEqual(rcpts_of(fields), ["hdr@example.org", "hidden@example.org"])
        self.submit("posta-inject", "-h", "arg@example.org", message=msg)
        fields, _ = self.queued()
        self.assertEqual(rcpts_of(fields), ["hdr@example.org", "hidden@example.org"])
        self.submit("posta-inject", "-H", "arg@example.org", message=msg)
        fields, _ = self.queued()
        self.assertEqual(rcpts_of(fields), ["arg@example.org", "hdr@example.org", "hidden@example.org"])
        self.submit("posta-inject", "-a", "-f", "me@example.org", "arg@example.org", message=msg)
        fields, _ = self.queued()
        self.assertEqual(rcpts_of(fields), ["arg@example.org"])
        self.assertEqual(field(fields, "F"), b"me@example.org")
        self.fails(100, "no recipients", "-a", prog="posta-inject", message=msg)
        self.fails(100, "usage", "-t", prog="posta-inject")

    def test_posta_inject_n_prints(self):
        p = self.inst.run("posta-inject", "-n", input=b"Subject: n\r\nBcc: x@y\r\n\r\nhi\r\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.nothing_queued()
        out = p.stdout.decode()
        self.assertTrue(out.startswith("Subject: n\nFrom: "), out)
        self.assertNotIn("Bcc", out)
        self.assertTrue(out.endswith("\n\nhi\n"))


class DotlessHost(InstanceCase):
    """Issue 20: on a host named "vm", with the settings posta-setup writes
    there (me vm, locals vm and localhost, nothing else), sendmail keeps
    demo@localhost and sends from USER@vm: nothing becomes vm.vm or
    localhost.vm."""

    @classmethod
    def prepare(cls):
        cls.inst.control("me", "vm")
        cls.inst.control("locals", ["vm", "localhost"])

    def test_sendmail_demo_localhost(self):
        before = set(self.inst.queue_files("todo"))
        p = self.inst.run("sendmail", "demo@localhost", "root", "bob@files", input=b"Subject: hello\n\nhello\n")
        self.assertEqual((p.returncode, p.stderr), (0, b""))
        new = [m for m in self.inst.queue_files("todo") if m not in before]
        self.assertEqual(len(new), 1)
        fields = todo_records(self.inst)[new[0]]
        user = pwd.getpwuid(os.getuid()).pw_name
        self.assertEqual(field(fields, "F").decode(), "%s@vm" % user)
        self.assertEqual(rcpts_of(fields), ["demo@localhost", "root@vm", "bob@files"])
        _, body = split_received(qrecord.read(self.inst, "mess", new[0]))
        self.assertRegex(body.decode(), r"(?m)^Message-ID: <[^>]*@vm>$")


if __name__ == "__main__":
    unittest.main()
