"""Maildir++ quotas on a real instance: posta-user quota writes the
mailbox's maildirsize (Dovecot's format), posta-local counts what it
delivers there and defers what would go over with 4.2.2 until
control/queuelifetime ends, when the sender gets a 5.2.2 notice;
posta-smtpd refuses RCPT to a full virtual mailbox with 452 4.2.2; quota
none lifts it; a malformed maildirsize never stops or crashes a delivery."""
import errno
import os
import stat
import time

from bouncekit import parse, read, rcpt_fields, status_blocks
from lspawn import owner
from opstools import attempt, read_file, user_creds, write_file
from posta import IS_ROOT, InstanceCase, maildir_files, wait_for

BODY = b"Subject: quota\n\n" + b"x" * 60 + b"\n"


def lines(maildir):
    with open(os.path.join(maildir, "maildirsize")) as f:
        return f.read().splitlines()


def settled(maildir, count):
    """maildirsize's lines once its usage counts count messages: posta-local
    appends a message's line after linking it, so after wait_mail sees it."""
    def counted():
        got = lines(maildir)
        try:
            return got if sum(int(l.split()[1]) for l in got[1:]) == count else None
        except (IndexError, ValueError):
            return None
    return wait_for(counted, what="%d messages in %smaildirsize" % (count, maildir))


class QuotaTest(InstanceCase):
    @classmethod
    def prepare(cls):
        # a short lifetime: an over-quota message is given up within seconds
        cls.inst.control("queuelifetime", "4")
        cls.alice = cls.inst.add_mailbox("alice@posta.example")
        cls.inst.start()

    def quota(self, address, value, code=0):
        p = self.inst.run("posta-user", "quota", address, value)
        self.assertEqual(p.returncode, code, p.stderr)
        return p

    def send(self, *rcpts, body=BODY):
        self.inst.sendmail(*rcpts, sender="alice@posta.example", message=body)

    def test_set_deliver_count(self):
        box = self.inst.add_mailbox("under@posta.example")
        self.quota("under@posta.example", "100000")
        self.assertEqual(lines(box), ["100000S", "0 0"])
        if IS_ROOT:
            st = os.stat(box + "maildirsize")
            self.assertEqual((st.st_uid, stat.S_IMODE(st.st_mode)), (owner("posta-v")[0], 0o644))
            self.assertEqual(stat.S_IMODE(os.stat(box).st_mode), 0o711)
        self.send("under@posta.example")
        files = self.inst.wait_mail(box, 1)
        size = os.path.getsize(files[0])
        self.assertEqual(settled(box, 1), ["100000S", "0 0", "%d 1" % size])
        # a count as well, and the mailbox's usage counted when it is set
        self.quota("under@posta.example", "100000,10")
        self.assertEqual(lines(box), ["100000S,10C", "%d 1" % size])
        for bad in ("", "abc", "0", "0,0", "12,", "-5", "1X"):
            self.quota("under@posta.example", bad, code=100)
        self.quota("nobody@posta.example", "1000", code=100)

    def test_what_posta_d_sees(self):
        # doc/security.md: with a quota, posta-d (and any local user) may read
        # maildirsize; still not list the Maildir, read a message, write the file
        if not IS_ROOT:
            self.skipTest("needs the instance's uids")
        box = self.inst.add_mailbox("seen@posta.example")
        self.quota("seen@posta.example", "100000")
        self.send("seen@posta.example")
        files = self.inst.wait_mail(box, 1)
        d = user_creds("posta-d")
        self.assertEqual(attempt(d, read_file, box + "maildirsize"), 0)
        self.assertEqual(attempt(d, os.listdir, box), errno.EACCES)
        self.assertEqual(attempt(d, os.listdir, box + "new"), errno.EACCES)
        self.assertEqual(attempt(d, read_file, files[0]), errno.EACCES)
        self.assertEqual(attempt(d, write_file, box + "maildirsize"), errno.EACCES)
        self.quota("seen@posta.example", "none")
        self.assertEqual(attempt(d, read_file, box + "maildirsize"), errno.EACCES)

    def test_over_quota_deferred_then_bounced(self):
        box = self.inst.add_mailbox("small@posta.example")
        self.quota("small@posta.example", "100")
        before = len(maildir_files(self.alice))
        self.send("small@posta.example")
        wait_for(lambda: "deferral: <small@posta.example>" in self.inst.log("posta-send")
                 or "deferral: small@posta.example" in self.inst.log("posta-send"),
                 20, what="a deferral in posta-send's log")
        log = [l for l in self.inst.log("posta-send").splitlines() if "small@posta.example" in l and ": deferral: " in l]
        self.assertIn("mailbox full", log[0])
        self.assertIn("4.2.2", log[0])
        files = self.inst.wait_mail(self.alice, before + 1, timeout=30)
        msg = parse(read(files[-1]))
        fields = rcpt_fields(status_blocks(msg)[1])
        self.assertEqual(fields["Final-Recipient"], "rfc822; small@posta.example")
        self.assertEqual(fields["Action"], "failed")
        self.assertEqual(fields["Status"], "5.2.2")
        self.assertIn("mailbox full", fields["Diagnostic-Code"])
        self.assertEqual(maildir_files(box), [])
        self.assertEqual(lines(box), ["100S", "0 0"])

    def test_rcpt_to_full_mailbox_then_none(self):
        box = self.inst.add_mailbox("full@posta.example")
        self.quota("full@posta.example", "100000,1")
        self.send("full@posta.example")
        self.inst.wait_mail(box, 1)
        wait_for(lambda: len(lines(box)) == 3, 10, what="the delivery counted")
        with self.inst.smtp() as s:
            s.ehlo("client.example")
            s.mail("alice@posta.example")
            self.assertEqual(s.rcpt("full@posta.example"), (452, b"4.2.2 mailbox full"))
            self.assertEqual(s.rcpt("alice@posta.example")[0], 250)
            s.rset()
        self.quota("full@posta.example", "none")
        self.assertFalse(os.path.exists(box + "maildirsize"))
        if IS_ROOT:
            self.assertEqual(stat.S_IMODE(os.stat(box).st_mode), 0o700)
        with self.inst.smtp() as s:
            s.ehlo("client.example")
            s.sendmail("alice@posta.example", ["full@posta.example"], BODY.replace(b"\n", b"\r\n"))
        self.inst.wait_mail(box, 2)

    def test_stale_full_file_recalculated(self):
        # messages removed behind the file's back (not through Dovecot): a
        # "full" maildirsize older than 15 minutes is counted again
        box = self.inst.add_mailbox("stale@posta.example")
        self.quota("stale@posta.example", "100000")
        with open(box + "maildirsize", "a") as f:
            f.write("99999999 7\n")
        old = time.time() - 3600
        os.utime(box + "maildirsize", (old, old))
        # posta-smtpd takes a stale file for not full (it cannot recount)
        with self.inst.smtp() as s:
            s.ehlo("client.example")
            s.mail("alice@posta.example")
            self.assertEqual(s.rcpt("stale@posta.example")[0], 250)
            s.rset()
        self.send("stale@posta.example")
        files = self.inst.wait_mail(box, 1)
        self.assertEqual(settled(box, 1), ["100000S", "0 0", "%d 1" % os.path.getsize(files[0])])
        # a fresh "full" file is believed
        with open(box + "maildirsize", "a") as f:
            f.write("99999999 7\n")
        with self.inst.smtp() as s:
            s.ehlo("client.example")
            s.mail("alice@posta.example")
            self.assertEqual(s.rcpt("stale@posta.example")[0], 452)
            s.rset()

    def test_malformed_maildirsize(self):
        box = self.inst.add_mailbox("broken@posta.example")
        uid, gid = owner("posta-v")
        junk = {
            # not a quota definition: no quota, the file left alone
            "garbage\n1 1\n": None,
            "": None,
            "\x00\xff\n": None,
            "99999999999999999999999S\n": None,
            # a quota and broken usage lines: recalculated
            "100000S\nnot numbers\n": "100000S",
            "100000S\n5 1": "100000S",
            "100000S\n" + "1 1\n" * 2000: "100000S",
            "100000S\n-99999999999999999999 1\n": "100000S",
        }
        n = 0
        for text, quota in junk.items():
            with open(box + "maildirsize", "w", errors="surrogateescape") as f:
                f.write(text)
            os.chown(box + "maildirsize", uid, gid)
            self.send("broken@posta.example")
            n += 1
            files = self.inst.wait_mail(box, n, timeout=15)
            if quota:
                total = sum(os.path.getsize(f) for f in files)
                got = settled(box, n)
                self.assertEqual(got[0], quota, repr(text))
                # recalculated (the earlier messages), then this one added
                self.assertEqual(sum(int(l.split()[0]) for l in got[1:]), total, repr(text))
                self.assertEqual(sum(int(l.split()[1]) for l in got[1:]), n, repr(text))
        self.assertNotIn("killed by signal", self.inst.log("posta-send"))

    def test_huge_sizes_in_file_names(self):
        # the ",S=" of a message's name is its mailbox owner's to choose:
        # sizes whose sum overflows are counted as "very full", never
        # summed past what the parser believes (UBSan aborted here)
        box = self.inst.add_mailbox("huge@posta.example")
        uid, gid = owner("posta-v")
        for i in range(3):
            fn = os.path.join(box, "cur", "%d.x,S=%d:2," % (i, 2**63 - 1))
            write_file(fn)
            os.chown(fn, uid, gid)
        self.quota("huge@posta.example", "100000")
        got = lines(box)
        self.assertEqual(got[0], "100000S")
        self.assertEqual(got[1].split()[1], "3")
        with self.inst.smtp() as s:
            s.ehlo("client.example")
            s.mail("alice@posta.example")
            self.assertEqual(s.rcpt("huge@posta.example")[0], 452)
            s.rset()


if __name__ == "__main__":
    import unittest
    unittest.main()
