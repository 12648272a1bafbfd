"""posta-bounce when things go wrong: unusable records (100, the record
stays), posta-queue failing or crashing (111 or 100, the record stays),
posta-bounce killed before and after the injection (the notice is never
lost; after, it is sent twice: the one documented window), two runs for
one id at once (one notice), a record replaced during a run (kept)."""
import os
import subprocess
import time
import unittest

import qrecord
from bouncekit import bounce_fields, ids, put_message, put_record, queued, run_bounce, todo_ids
from posta import IS_ROOT, InstanceCase

ORIGINAL = b"From: alice@example.com\nSubject: hi\n\nhello\n"
R550 = "D5.1.1 mx.example.net[127.0.0.2] 550 5.1.1 no such user"


class FailureTest(InstanceCase):
    @classmethod
    def prepare(cls):
        cls.qq = cls.inst.bin("posta-queue")
        cls.real = cls.inst.bin("posta-queue.real")

    def tearDown(self):
        if os.path.exists(self.real):
            os.rename(self.real, self.qq)

    def fake_queue(self, script):
        """Puts a shell script in place of bin/posta-queue; the real one
        stays runnable as bin/posta-queue.real (it finds its instance from
        its own path, so the name does not matter)."""
        if not os.path.exists(self.real):
            os.rename(self.qq, self.real)
        with open(self.qq, "w") as f:
            f.write("#!/bin/sh\n" + script + "\n")
        os.chmod(self.qq, 0o755)

    def record(self, fields=None, raw=None, folder="bounce"):
        msgid = put_message(self.inst, ORIGINAL)
        fields = fields if fields is not None else bounce_fields("alice@example.com", int(time.time()), [("bob@example.net", R550)])
        path = put_record(self.inst, folder, msgid, fields, raw=raw)
        return msgid, path

    def assert_fails(self, code, msgid, path, before, delay=False):
        data = open(path, "rb").read()
        p = run_bounce(self.inst, msgid, delay=delay)
        self.assertEqual(p.returncode, code, p.stderr.decode(errors="replace"))
        self.assertIn(b"posta-bounce: fatal: ", p.stderr)
        self.assertEqual(open(path, "rb").read(), data, "the record is left as it was")
        self.assertEqual(queued(self.inst, before), [])
        return p.stderr.decode(errors="replace")

    def after_repair(self, msgid, path, before):
        """posta-queue works again: posta-bounce exits 0 and the record is
        gone. Returns the notices queued since before."""
        os.rename(self.real, self.qq)
        p = run_bounce(self.inst, msgid)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(path))
        return queued(self.inst, before)

    # --- unusable records: 100 ---------------------------------------------
    def test_bad_crc(self):
        good = qrecord.build("bounce", bounce_fields("alice@example.com", 1, [("bob@example.net", R550)]))
        bad = good[:20] + bytes([good[20] ^ 1]) + good[21:]
        msgid, path = self.record(raw=bad)
        log = self.assert_fails(100, msgid, path, todo_ids(self.inst))
        self.assertIn("not a bounce record of version 1", log)

    def test_torn_record(self):
        good = qrecord.build("bounce", bounce_fields("alice@example.com", 1, [("bob@example.net", R550)]))
        msgid, path = self.record(raw=good[:-5])
        self.assert_fails(100, msgid, path, todo_ids(self.inst))

    def test_other_version(self):
        raw = qrecord.build("bounce", bounce_fields("alice@example.com", 1, [("bob@example.net", R550)]), version=2)
        msgid, path = self.record(raw=raw)
        self.assert_fails(100, msgid, path, todo_ids(self.inst))

    def test_delay_record_in_bounce_format_refused(self):
        # the record's kind is part of its header: a bounce record is no delay record
        msgid, path = self.record(folder="delay", raw=qrecord.build("bounce", bounce_fields("a@example.com", 1, [("b@example.net", R550)])))
        self.assert_fails(100, msgid, path, todo_ids(self.inst), delay=True)

    def test_kind_field(self):
        # a failure record in queue/delay, or a kind nobody knows: unusable
        msgid, path = self.record(folder="delay", fields=bounce_fields("a@example.com", 1, [("b@example.net", R550)], kind="f"))
        self.assertIn("another kind of notice", self.assert_fails(100, msgid, path, todo_ids(self.inst), delay=True))
        msgid, path = self.record(fields=bounce_fields("a@example.com", 1, [("b@example.net", R550)], kind="x"))
        self.assertIn("another kind of notice", self.assert_fails(100, msgid, path, todo_ids(self.inst)))

    def test_no_recipient(self):
        msgid, path = self.record(fields=[("F", "alice@example.com"), ("t", 1), ("k", "f")])
        self.assertIn("no recipient", self.assert_fails(100, msgid, path, todo_ids(self.inst)))

    def test_bad_time(self):
        msgid, path = self.record(fields=[("F", "alice@example.com"), ("t", "12x"), ("A", "b@example.net"), ("e", R550)])
        self.assert_fails(100, msgid, path, todo_ids(self.inst))

    def test_no_sender_and_no_info(self):
        msgid, path = self.record(fields=[("A", "bob@example.net"), ("e", R550)])
        self.assert_fails(100, msgid, path, todo_ids(self.inst))

    def test_usage(self):
        for args in ([], ["x12"], ["-z", "1"], ["1", "2"], ["012"]):
            p = self.inst.run("posta-bounce", *args, user="posta-s" if IS_ROOT else None)
            self.assertEqual(p.returncode, 100, args)

    def test_record_gone(self):
        msgid = put_message(self.inst, ORIGINAL)
        before = todo_ids(self.inst)
        p = run_bounce(self.inst, msgid)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(queued(self.inst, before), [])

    # --- temporary failures: 111 ----------------------------------------------
    def test_posta_queue_temporary_failure(self):
        self.fake_queue("cat >/dev/null; exit 53")
        msgid, path = self.record()
        before = todo_ids(self.inst)
        self.assertIn("exit code 53", self.assert_fails(111, msgid, path, before))
        # once posta-queue works again, the notice goes
        self.assertEqual(len(self.after_repair(msgid, path, before)), 1)

    def test_posta_queue_permanent_failure(self):
        self.fake_queue("exit 11")
        msgid, path = self.record()
        self.assertIn("for good", self.assert_fails(100, msgid, path, todo_ids(self.inst)))

    def test_posta_queue_crash(self):
        self.fake_queue("kill -SEGV $$")
        msgid, path = self.record()
        self.assert_fails(111, msgid, path, todo_ids(self.inst))

    def test_posta_queue_missing(self):
        self.fake_queue("exit 0")
        os.chmod(self.qq, 0o644)
        msgid, path = self.record()
        self.assert_fails(111, msgid, path, todo_ids(self.inst))

    def test_control_me_missing(self):
        me = self.inst.control("me")
        os.unlink(self.inst.path("control", "me"))
        try:
            msgid, path = self.record()
            self.assertIn("control/me", self.assert_fails(111, msgid, path, todo_ids(self.inst)))
        finally:
            self.inst.control("me", me)

    # --- crashes --------------------------------------------------------------
    def test_killed_before_injection(self):
        self.fake_queue("kill -KILL $PPID; exit 0")
        msgid, path = self.record()
        before = todo_ids(self.inst)
        p = run_bounce(self.inst, msgid)
        self.assertEqual(p.returncode, -9)
        self.assertTrue(os.path.exists(path))
        self.assertEqual(queued(self.inst, before), [])
        self.assertEqual(len(self.after_repair(msgid, path, before)), 1)

    def test_killed_after_injection(self):
        # the one window for a duplicate: queued, not yet removed
        self.fake_queue('"%s"; rc=$?; kill -KILL $PPID; exit $rc' % self.real)
        msgid, path = self.record()
        before = todo_ids(self.inst)
        p = run_bounce(self.inst, msgid)
        self.assertEqual(p.returncode, -9)
        self.assertTrue(os.path.exists(path), "the record outlives the crash")
        self.assertEqual(len(queued(self.inst, before)), 1)
        notices = self.after_repair(msgid, path, before)
        self.assertEqual(len(notices), 2)
        self.assertEqual([env["T"] for env, _ in notices], [["alice@example.com"]] * 2)

    # --- concurrency ------------------------------------------------------------
    def test_two_runs_one_notice(self):
        self.fake_queue('sleep 1; exec "%s"' % self.real)
        msgid, path = self.record()
        before = todo_ids(self.inst)
        cmd = [self.inst.bin("posta-bounce"), str(msgid)]
        if IS_ROOT:
            cmd = ["s6-setuidgid", "posta-s"] + cmd
        procs = [subprocess.Popen(cmd, cwd=self.inst.home, env=self.inst.env(), stderr=subprocess.PIPE)
                 for _ in range(3)]
        for pr in procs:
            _, err = pr.communicate(timeout=60)
            self.assertEqual(pr.returncode, 0, err)
        self.assertFalse(os.path.exists(path))
        self.assertEqual(len(queued(self.inst, before)), 1)

    def test_record_replaced_during_run(self):
        # posta-send never rewrites a record while posta-bounce runs; if
        # something does, the new record is not removed with the old one
        msgid, path = self.record()
        new = qrecord.build("bounce", bounce_fields("alice@example.com", 2, [("carol@example.net", R550)]))
        tmp = path + ".new"
        uid, gid = ids("posta-s")
        qrecord.write(tmp, new, uid, gid)
        self.fake_queue('mv "%s" "%s" && exec "%s"' % (tmp, path, self.real))
        before = todo_ids(self.inst)
        p = run_bounce(self.inst, msgid)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"not removing", p.stderr)
        self.assertEqual(open(path, "rb").read(), new)
        self.assertEqual(len(queued(self.inst, before)), 1)
        os.rename(self.real, self.qq)
        p = run_bounce(self.inst, msgid)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertFalse(os.path.exists(path))


if __name__ == "__main__":
    unittest.main()
