"""posta-rspawn driven as posta-send drives it: request packets with the
message descriptor over SOCK_SEQPACKET, one response per request with one
RESULT per recipient, several deliveries at once, none blocking another."""
import time
import unittest

from posta import wait_for
from remotekit import RemoteCase, Spawner
from smtppeer import AioPeer, ScriptPeer


def children(pid):
    """The pids of process pid's children."""
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return f.read().split()


class RemoteRspawn(RemoteCase):
    @classmethod
    def records(cls, d):
        d.mx("one.test", 10, "mx.one.test").host("mx.one.test", "127.0.0.81")
        d.mx("two.test", 10, "mx.two.test").host("mx.two.test", "127.0.0.82")
        d.mx("mute.test", 10, "mx.mute.test").host("mx.mute.test", "127.0.0.83")

    def setUp(self):
        super().setUp()
        self.spawner = None

    def tearDown(self):
        if self.spawner:
            self.spawner.kill()
        super().tearDown()

    def start(self):
        self.spawner = Spawner(self.home)
        return self.spawner

    def responses(self, sp, n, timeout=30):
        got = {}
        for _ in range(n):
            slot, results = sp.response(timeout)
            self.assertNotIn(slot, got)
            got[slot] = results
        return got

    def test_two_domains_at_once(self):
        a = AioPeer("127.0.0.81").start()
        b = AioPeer("127.0.0.82").start()
        self.peers += [a, b]
        sp = self.start()
        msg = b"Subject: spawned\n\nhello\n"
        sp.request(0, "alice@me.test", ["x@one.test", "y@one.test"], msg, msgid="101")
        sp.request(1, "", ["z@two.test"], msg, msgid="101")
        got = self.responses(sp, 2)
        self.assertEqual([r.kind for r in got[0]], ["K", "K"], got)
        self.assertEqual(got[0][0].mta, "mx.one.test[127.0.0.81]")
        self.assertEqual([r.kind for r in got[1]], ["K"])
        self.assertEqual(a.messages[0]["rcpt_tos"], ["x@one.test", "y@one.test"])
        self.assertEqual(a.messages[0]["content"], msg.replace(b"\n", b"\r\n"))
        self.assertEqual(b.messages[0]["mail_from"], "<>")
        self.assertEqual(sp.finish(), [])
        self.assertEqual(sp.proc.returncode, 0, sp.err)

    def test_a_slow_delivery_does_not_block_another(self):
        self.home.set("timeoutremote", "3")
        mute = ScriptPeer("127.0.0.83")
        mute.greeting = None
        fast = AioPeer("127.0.0.81").start()
        self.peers += [mute, fast]
        sp = self.start()
        t0 = time.time()
        sp.request(0, "a@me.test", ["x@mute.test"])
        wait_for(lambda: mute.sessions, 10, what="the connection to the mute peer")
        sp.request(1, "a@me.test", ["y@one.test"])
        slot, results = sp.response()
        self.assertEqual(slot, 1)
        self.assertEqual(results[0].kind, "K")
        self.assertLess(time.time() - t0, 2.5)
        slot, results = sp.response()
        self.assertEqual((slot, results[0].kind), (0, "Z"))
        self.assertGreaterEqual(time.time() - t0, 2.5)

    def test_arguments_and_working_directory(self):
        out = self.home.path("seen")
        self.home.fake("posta-remote",
                       'printf "%%s\\n" "$@" > %s.args\npwd > %s.pwd\n'
                       'shift 2; for r in "$@"; do echo "K2.0.0 fake[127.0.0.1] 250 ok $r"; done\n'
                       % (out, out))
        sp = self.start()
        sp.request(4, "s@me.test", ["a@Two.test", "b@two.TEST"], msgid="77")
        slot, results = sp.response()
        self.assertEqual(slot, 4)
        self.assertEqual([r.line for r in results],
                         ["K2.0.0 fake[127.0.0.1] 250 ok a@Two.test", "K2.0.0 fake[127.0.0.1] 250 ok b@two.TEST"])
        with open(out + ".args") as f:
            self.assertEqual(f.read().split("\n")[:4], ["Two.test", "s@me.test", "a@Two.test", "b@two.TEST"])
        with open(out + ".pwd") as f:
            self.assertEqual(f.read().strip(), self.home.dir)

    def test_a_crash_or_missing_lines_give_z(self):
        self.home.fake("posta-remote", 'echo "K2.0.0 fake[127.0.0.1] 250 ok"\nkill -9 $$\n')
        sp = self.start()
        sp.request(0, "a@me.test", ["x@one.test", "y@one.test"])
        slot, results = sp.response()
        self.assertEqual(results[0].line, "K2.0.0 fake[127.0.0.1] 250 ok")
        self.assertEqual((results[1].kind, results[1].status), ("Z", "4.3.0"))
        self.assertIn("crashed", results[1].text)
        self.assertIn("signal 9", results[1].text)
        sp.finish()
        self.assertIn("crashed with signal 9", sp.err)

    def test_unreadable_output_and_exit_111(self):
        self.home.fake("posta-remote", 'echo "this is not a result"\nexit 111\n')
        sp = self.start()
        sp.request(0, "a@me.test", ["x@one.test", "y@one.test"])
        slot, results = sp.response()
        self.assertIn("unreadable", results[0].text)
        self.assertEqual(results[0].kind, "Z")
        self.assertIn("exited 111", results[1].text)

    def test_missing_posta_remote(self):
        import os
        os.unlink(self.home.path("bin", "posta-remote"))
        sp = self.start()
        sp.request(0, "a@me.test", ["x@one.test"])
        slot, results = sp.response()
        self.assertEqual((results[0].kind, results[0].status), ("Z", "4.3.0"))
        self.assertIn("missing", results[0].text)

    def test_refused_requests(self):
        self.home.set("concurrencyremote", "2")
        self.home.fake("posta-remote", 'shift 2; for r in "$@"; do echo "K2.0.0 fake[127.0.0.1] 250 ok"; done\n')
        sp = self.start()
        sp.request(5, "a@me.test", ["x@one.test"])                      # beyond concurrency
        sp.request(0, "a@me.test", ["x@one.test", "y@two.test"])        # two domains
        sp.request(1, "a@me.test", ["x@one.test"], fd=False)            # no descriptor
        sp.request(0, "", [], raw=b"not a slot\0")                      # unanswerable
        sp.request(1, "a@me.test", ["ok@one.test"])                      # still served
        got = [sp.response() for _ in range(4)]
        slots = [g[0] for g in got]
        self.assertEqual(slots, [5, 0, 1, 1])
        for slot, results in got[:3]:
            for r in results:
                self.assertEqual((r.kind, r.status), ("Z", "4.3.0"))
                self.assertIn("refused", r.text)
        self.assertEqual(len(got[1][1]), 2)
        self.assertEqual(got[3][1][0].kind, "K")
        sp.finish()
        self.assertIn("unreadable request", sp.err)

    def test_concurrent_deliveries(self):
        self.home.fake("posta-remote", 'sleep 1\nshift 2; for r in "$@"; do echo "K2.0.0 fake[127.0.0.1] 250 ok"; done\n')
        sp = self.start()
        t0 = time.time()
        for slot in range(10):
            sp.request(slot, "a@me.test", ["r%d@one.test" % slot])
        got = self.responses(sp, 10)
        self.assertEqual(sorted(got), list(range(10)))
        self.assertLess(time.time() - t0, 5)   # in parallel, not ten seconds

    def test_end_of_requests_waits_for_deliveries(self):
        self.home.fake("posta-remote", 'sleep 1\nshift 2; for r in "$@"; do echo "K2.0.0 fake[127.0.0.1] 250 ok"; done\n')
        sp = self.start()
        sp.request(0, "a@me.test", ["x@one.test"])
        sp.request(1, "a@me.test", ["y@one.test"])
        rest = sp.finish()
        self.assertEqual(sorted(r[0] for r in rest), [0, 1])
        self.assertEqual(sp.proc.returncode, 0, sp.err)

    def test_term_finishes_what_runs_and_hup_is_ignored(self):
        import signal
        self.home.fake("posta-remote", 'sleep 1\nshift 2; for r in "$@"; do echo "K2.0.0 fake[127.0.0.1] 250 ok"; done\n')
        sp = self.start()
        sp.request(0, "a@me.test", ["x@one.test"])
        wait_for(lambda: children(sp.proc.pid), 10, what="posta-remote running")
        sp.proc.send_signal(signal.SIGHUP)
        time.sleep(0.1)
        self.assertIsNone(sp.proc.poll())
        sp.proc.send_signal(signal.SIGTERM)
        slot, results = sp.response()
        self.assertEqual((slot, results[0].kind), (0, "K"))
        self.assertEqual(sp.proc.wait(10), 0)

    def test_many_recipients_answer_fits(self):
        self.home.fake("posta-remote", 'shift 2; for r in "$@"; do printf "Z4.2.2 fake[127.0.0.1] 452 %0900d\\n" 0; done\n')
        sp = self.start()
        sp.request(0, "a@me.test", ["r%d@one.test" % i for i in range(100)])
        slot, results = sp.response()
        self.assertEqual(len(results), 100)
        for r in results:
            self.assertEqual(r.kind, "Z", r.line)
            self.assertGreater(len(r.text), 900, r.line)


if __name__ == "__main__":
    unittest.main()
