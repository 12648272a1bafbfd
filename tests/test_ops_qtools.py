"""The operator's queue tools on a running instance: posta-qrm, posta-qhold,
posta-qflush, posta-qread and posta-qstat -d.

A removed message is never delivered afterwards and its files are gone once
posta-send has processed the removal, whether it was waiting, in flight, or
not yet preprocessed when posta-send was down; a held message gets no
delivery until it is released; the tools refuse what they must. Remote
delivery is tests/lib/fakespawn.py: "down" recipients fail temporarily until
FAKESPAWN_DIR/up exists, others are delivered into FAKESPAWN_DIR/deliveries.
"""
import os
import re
import time
import unittest

from posta import IS_ROOT, wait_for
from sendtools import FakeRemoteCase, log_events, log_lines, queue_empty, requests, wait_log


class QueueTools(FakeRemoteCase):
    def queue(self, rcpt="down@far.test", subject="x"):
        """Queues one message for rcpt; returns its id once posta-send has
        tried it once (or, posta-send being down, once it is queued)."""
        before = set(self.inst.queue_files("mess"))
        self.inst.sendmail(rcpt, message=b"Subject: %s\n\nbody\n" % subject.encode())
        new = set(self.inst.queue_files("mess")) - before
        self.assertEqual(len(new), 1)
        return new.pop()

    def deferred(self):
        mid = self.queue()
        wait_log(self.inst, r"^delivery \d+: msg \d+: deferral: <down@far.test>")
        return mid

    def tool(self, *args, rc=0):
        p = self.inst.run(*args)
        self.assertEqual(p.returncode, rc, (args, p.stdout, p.stderr))
        return p.stdout.decode()

    def attempts(self, mid):
        return [r for r in requests(self.inst) if r[2] == str(mid)]

    def files_of(self, mid):
        return [k for k in ("mess", "todo", "info", "local", "remote", "bounce", "delay")
                if mid in self.inst.queue_files(k)]

    def assert_documented_log(self):
        bad = [m for k, m in log_events(self.inst) if k is None]
        self.assertEqual(bad, [], "log lines in no documented form")

    def test_remove_waiting_message(self):
        self.start()
        mid = self.deferred()
        keep = self.queue("down@other.test")
        out = self.tool("posta-qrm", mid)
        self.assertEqual(out, "%d: removed\n" % mid)
        # gone: every file of it, and posta-clean's work is done too
        wait_for(lambda: not self.files_of(mid), what="the files of %d gone" % mid)
        self.assertIn("remove msg %d uid %d" % (mid, os.getuid()), log_lines(self.inst))
        self.assertIn("end msg %d" % mid, log_lines(self.inst))
        self.assertEqual(os.listdir(self.inst.path("queue", "cmd")), [])
        # the destination comes up and everything is retried: not it
        n = len(self.attempts(mid))
        open(os.path.join(self.inst.spool, "up"), "w").close()
        self.assertEqual(self.tool("posta-qflush"), "all: flushed\n")
        wait_for(lambda: not self.files_of(keep), what="the other message delivered")
        self.assertEqual(len(self.attempts(mid)), n)
        self.assertFalse(os.path.exists(os.path.join(self.inst.spool, "deliveries", "down@far.test")))
        self.assertTrue(os.path.exists(os.path.join(self.inst.spool, "deliveries", "down@other.test")))
        self.assertTrue(queue_empty(self.inst))
        self.assert_documented_log()

    def test_remove_while_in_flight(self):
        self.inst.service_env("posta-send", FAKESPAWN_DELAY=2)
        self.start()
        mid = self.queue()
        wait_log(self.inst, r"^starting delivery 1: msg %d " % mid)
        t0 = time.time()
        out = self.tool("posta-qrm", "-t", "20", mid)
        # the delivery in flight ends and is recorded first; then it goes
        self.assertEqual(out, "%d: removed\n" % mid)
        self.assertGreater(time.time() - t0, 0.5)
        # the log is written through s6-log: its end msg line may trail the tool's answer
        wait_log(self.inst, r"^end msg %d$" % mid)
        lines = log_lines(self.inst)
        result = next(i for i, l in enumerate(lines) if l.startswith("delivery 1: msg %d: deferral:" % mid))
        end = lines.index("end msg %d" % mid)
        self.assertLess(lines.index("remove msg %d uid %d" % (mid, os.getuid())), end)
        self.assertLess(result, end)
        self.assertEqual(len(self.attempts(mid)), 1)
        wait_for(lambda: not self.files_of(mid), what="the files of %d gone" % mid)

    def test_remove_before_posta_send_runs(self):
        self.start()
        self.inst.svc("posta-send", "-d")
        wait_for(lambda: "down" in self.inst.svstat("posta-send"), what="posta-send down")
        # deliverable at once, were it not removed
        mid = self.queue("ok@far.test")
        out = self.tool("posta-qrm", "-t", "1", mid, rc=111)
        self.assertEqual(out, "%d: waiting for posta-send\n" % mid)
        self.assertIn("request waiting for posta-send: remove", self.tool("posta-qread"))
        self.inst.svc("posta-send", "-u")
        wait_for(lambda: not self.files_of(mid), what="the files of %d gone" % mid)
        self.assertEqual(self.attempts(mid), [])
        self.assertFalse(os.path.exists(os.path.join(self.inst.spool, "deliveries", "ok@far.test")))
        lines = log_lines(self.inst)
        self.assertLess(lines.index("new msg %d" % mid), lines.index("remove msg %d uid %d" % (mid, os.getuid())))
        self.assertFalse([l for l in lines if re.match(r"^starting delivery \d+: msg %d " % mid, l)])

    def test_hold_and_release(self):
        self.start()
        mid = self.deferred()
        self.assertEqual(self.tool("posta-qhold", mid), "%d: held\n" % mid)
        self.assertIn("state: preprocessed, held\n", self.tool("posta-qread", mid))
        # everything is retried and the destination is up: not a held message
        open(os.path.join(self.inst.spool, "up"), "w").close()
        self.tool("posta-qflush")
        wait_log(self.inst, r"posta-qflush: trying everything now")
        # a flush of a held message is refused: it would do nothing
        self.tool("posta-qflush", mid, rc=100)
        time.sleep(0.5)
        self.assertEqual(len(self.attempts(mid)), 1)
        self.assertIn(mid, self.inst.queue_files("info"))
        # released, then tried now
        self.assertEqual(self.tool("posta-qhold", "-r", mid), "%d: released\n" % mid)
        self.assertNotIn("held", self.tool("posta-qread", mid))
        self.assertEqual(self.tool("posta-qflush", mid), "%d: flushed\n" % mid)
        wait_for(lambda: not self.files_of(mid), what="the message delivered")
        self.assertEqual(len(self.attempts(mid)), 2)
        self.assertTrue(os.path.exists(os.path.join(self.inst.spool, "deliveries", "down@far.test")))
        lines = log_lines(self.inst)
        for word in ("hold", "release", "flush"):
            self.assertIn("%s msg %d uid %d" % (word, mid, os.getuid()), lines)
        self.assertEqual(sum(l.startswith("flush msg %d " % mid) for l in lines), 1)
        self.assert_documented_log()

    def held_before_delivery(self, n):
        """n messages queued while posta-send is down and held before it
        starts, destinations up: each is delivered as soon as released."""
        open(os.path.join(self.inst.spool, "up"), "w").close()
        mids = [self.queue("up@far.test", "m%d" % i) for i in range(n)]
        for mid in mids:
            self.assertEqual(self.tool("posta-qhold", "-t", "0", mid), "%d: asked\n" % mid)
        self.start()
        for mid in mids:
            wait_for(lambda: "state: preprocessed, held\n" in self.tool("posta-qread", mid), what="held")
        return mids

    def test_flush_of_held_message(self):
        """Issue 22 item 2: posta-qflush of a held message says it is held
        and exits 100; no request is left for posta-send."""
        mids = self.held_before_delivery(1)
        for mid in mids:
            self.assertEqual(self.tool("posta-qflush", mid, rc=100),
                             "%d: held: not flushed (release it first with posta-qhold -r)\n" % mid)
            self.assertNotIn("request waiting", self.tool("posta-qread", mid))
            self.assertEqual(self.attempts(mid), [])
        self.assertNotIn("flush msg", "\n".join(log_lines(self.inst)))

    def test_release_delivered_at_once(self):
        """Issue 22 item 2: posta-qhold -r of a message that posta-send
        releases and delivers before the tool looks again is a success."""
        mids = self.held_before_delivery(4)
        for mid in mids:
            out = self.tool("posta-qhold", "-r", mid)
            self.assertIn(out, ("%d: released\n" % mid, "%d: released (and gone since: delivered or bounced)\n" % mid))
        for mid in mids:
            wait_for(lambda: not self.files_of(mid), what="%d delivered" % mid)
        self.assert_documented_log()

    def test_log_says_started(self):
        """Issue 22 item 5: doc/log-format.md's "started" line is written,
        once per start, and "stopped" before a restart's."""
        self.start()
        wait_log(self.inst, r"^posta-send: info: started$")
        self.inst.svc("posta-send", "-t")
        wait_log(self.inst, r"^posta-send: info: started$", count=2)
        lines = [l for l in log_lines(self.inst) if l in ("posta-send: info: started", "posta-send: info: stopped")]
        self.assertEqual(lines, ["posta-send: info: started", "posta-send: info: stopped", "posta-send: info: started"])
        self.assert_documented_log()

    def test_remove_by_sender_recipient_all(self):
        """Issue 22 item 9: posta-qrm -s, -r (patterns) and all, with -n
        listing what would go and removing nothing."""
        self.start()
        ids = {}
        for key, sender, rcpt in (("a1", "alice@example.com", "down@far.test"),
                                  ("a2", "alice@example.com", "down@other.test"),
                                  ("b", "bob@example.net", "down@far.test")):
            before = set(self.inst.queue_files("mess"))
            self.inst.sendmail(rcpt, sender=sender)
            ids[key] = (set(self.inst.queue_files("mess")) - before).pop()
        wait_for(lambda: set(ids.values()) <= set(self.inst.queue_files("info")), what="the three preprocessed")
        line = lambda *keys: "".join("%d: would be removed\n" % ids[k] for k in sorted(keys, key=lambda k: ids[k]))
        self.assertEqual(self.tool("posta-qrm", "-n", "-s", "ALICE@*"), line("a1", "a2"))
        self.assertEqual(self.tool("posta-qrm", "-n", "-r", "*@far.test"), line("a1", "b"))
        self.assertEqual(self.tool("posta-qrm", "-n", "-s", "alice@*", "-r", "*@far.test"), line("a1"))
        self.assertEqual(self.tool("posta-qrm", "-n", "all"), line("a1", "a2", "b"))
        p = self.inst.run("posta-qrm", "-n", "-s", "nobody@*")
        self.assertEqual((p.returncode, p.stdout), (0, b""))
        self.assertIn(b"no message matches", p.stderr)
        self.assertEqual(sorted(ids.values()), sorted(self.inst.queue_files("mess")))
        for args in (["-n", "1"], ["-s", "x", "1"], ["all", "1"], ["-n"], ["-x", "all"]):
            self.assertEqual(self.inst.run("posta-qrm", *args).returncode, 100, args)
        # removed for real
        self.assertEqual(self.tool("posta-qrm", "-r", "down@other.test"), "%d: removed\n" % ids["a2"])
        self.assertEqual(self.tool("posta-qrm", "all"),
                         "".join("%d: removed\n" % ids[k] for k in sorted(("a1", "b"), key=lambda k: ids[k])))
        wait_for(lambda: not self.inst.queue_files("mess"), what="the queue empty")
        self.assertEqual(self.tool("posta-qrm", "all"), "")
        self.assert_documented_log()
        if IS_ROOT:
            p = self.inst.run("posta-qrm", "-n", "all", user="nobody")
            self.assertEqual(p.returncode, 100)
            self.assertIn(b"only root and posta-s may change the queue", p.stderr)

    def test_refusals(self):
        self.start()
        mid = self.deferred()
        for args in (["posta-qrm"], ["posta-qrm", "abc"], ["posta-qrm", "0"], ["posta-qhold", "-x", "1"],
                     ["posta-qflush", "-t", "x"]):
            p = self.inst.run(*args)
            self.assertEqual(p.returncode, 100, args)
        self.assertEqual(self.tool("posta-qrm", "123456789", rc=100), "123456789: no such message in the queue\n")
        # a removal is final: no release, no hold over it
        self.inst.svc("posta-send", "-d")
        wait_for(lambda: "down" in self.inst.svstat("posta-send"), what="posta-send down")
        self.tool("posta-qrm", "-t", "0", mid)
        self.assertEqual(self.tool("posta-qhold", "-r", mid, rc=100), "%d: refused: it is being removed\n" % mid)
        self.inst.svc("posta-send", "-u")
        wait_for(lambda: not self.files_of(mid), what="the files of %d gone" % mid)
        if IS_ROOT:
            for user in ("nobody", "posta-d", "posta-r"):
                p = self.inst.run("posta-qrm", mid, user=user)
                self.assertEqual(p.returncode, 100, user)
                self.assertIn(b"only root and posta-s may change the queue", p.stderr)
            # posta-s may: its request is owned by posta-s, as posta-send needs
            other = self.deferred()
            self.assertEqual(self.tool_as("posta-s", "posta-qhold", other), "%d: held\n" % other)

    def tool_as(self, user, *args):
        p = self.inst.run(*args, user=user)
        self.assertEqual(p.returncode, 0, (args, p.stdout, p.stderr))
        return p.stdout.decode()

    def test_qstat_detail(self):
        self.start()
        a = self.deferred()
        b = self.queue("down@other.test")
        wait_log(self.inst, r"deferral: <down@other.test>")
        self.tool("posta-qhold", a)
        out = self.tool("posta-qstat", "-d")
        self.assertTrue(out.startswith("messages in queue: 2\nmessages in queue but not yet preprocessed: 0\n"), out)
        self.assertIn("\nmessages held: 1\nmessages to be removed: 0\n", out)
        self.assertIn("\nremote recipients: 2 pending, 0 delivered, 0 bounced\n", out)
        self.assertRegex(out, r"\nnext attempt: \w{3}, \d+ \w{3} \d{4} [\d:]{8} \+0000\n")
        self.assertRegex(out, r"\n  far\.test: 1, next attempt .*, last result: Z4\.4\.1 - connection refused\n")
        self.assertRegex(out, r"\n  other\.test: 1, next attempt .*, last result: Z4\.4\.1 - connection refused\n")
        # without -d, the two lines of the contract
        self.assertEqual(self.tool("posta-qstat"), "messages in queue: 2\nmessages in queue but not yet preprocessed: 0\n")
        # posta-qread of one message, and of one that is not there
        block = self.tool("posta-qread", b)
        self.assertTrue(block.startswith("message %d\n" % b))
        self.assertIn("remote <down@other.test>: pending, attempts 1, next attempt ", block)
        self.assertIn("last result: Z4.4.1 - connection refused\n", block)
        p = self.inst.run("posta-qread", "99999999")
        self.assertEqual((p.returncode, p.stdout), (100, b""))


if __name__ == "__main__":
    unittest.main()
