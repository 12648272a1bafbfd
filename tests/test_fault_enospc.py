"""A full disk under the whole pipeline: the instance's services run in a
private mount namespace in which alice's mailbox, or the queue, is a small
tmpfs. A full mailbox file system defers the delivery (nothing partial in
new/, the message stays queued) until space comes back, then it is
delivered once; a full queue file system refuses the message at DATA
(4xx or 5xx, never a 250) and leaves no partial file in the queue."""
import os
import shutil
import signal
import subprocess
import time
import unittest

from hardkit import RELAY, World, deliver_one
from posta import IS_ROOT, TMPFS_OVER, wait_for

# puts each DIR:SIZE on a tmpfs, then runs s6-svscan
SETUP = TMPFS_OVER + r'''
set -e
for spec in "$@"; do
  tmpfs_over "${spec%%:*}" "${spec#*:}"
done
exec s6-svscan "$SVC"
'''


@unittest.skipUnless(IS_ROOT, "mounts tmpfs file systems in a private mount namespace")
class FullDisk(unittest.TestCase):
    def start(self, w, *specs):
        """Starts the instance's services in a mount namespace where each
        (path, size) is a tmpfs."""
        inst = w.inst
        for s in ("posta-submission",):
            open(inst.path("svc", s, "down"), "w").close()
        env = dict(os.environ, SVC=inst.path("svc"))
        self.svscan = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", SETUP, "sh"]
                                       + ["%s:%s" % s for s in specs], env=env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.addCleanup(self.stop, inst)
        for s in ("posta-send", "posta-smtpd"):
            inst.wait_service(s, 30)

    def stop(self, inst):
        subprocess.run(["s6-svscanctl", "-t", inst.path("svc")], stderr=subprocess.DEVNULL)
        try:
            self.svscan.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.svscan.pid, signal.SIGKILL)
            self.svscan.wait()

    def ns(self, *cmd):
        """Runs cmd in the services' mount namespace; its stdout."""
        pid = self.svscan.pid
        return subprocess.run(["nsenter", "-t", str(pid), "-m", "--"] + list(cmd), stdout=subprocess.PIPE,
                              check=True).stdout

    def maildir(self, box):
        """{name: content} of new/ and cur/, and the names in tmp/, as the
        services see them."""
        files = self.ns("sh", "-c", 'cd "$1" && for f in new/* cur/*; do [ -f "$f" ] && echo "$f"; done; true', "sh",
                        box).decode().split()
        tmp = self.ns("sh", "-c", 'ls -A "$1/tmp"', "sh", box).decode().split()
        return {f: self.ns("cat", os.path.join(box, f)) for f in files}, tmp

    def test_full_mailbox_defers_then_delivers(self):
        w = World(retryschedule="1")
        self.addCleanup(w.cleanup)
        box = w.alice
        self.start(w, (os.path.dirname(box.rstrip("/")), "300k"))
        body = b"x" * 76 + b"\r\n"
        for i in range(3):
            msg = b"Subject: big %d\r\n\r\n" % i + body * 1500 + b"end %d\r\n.\r\n" % i
            m, r, d = deliver_one(w, b"<alice@posta.test>", msg, source=RELAY)
            self.assertTrue(d.startswith(b"250"), d)
        # at most two fit: the third waits, and nothing partial shows
        wait_for(lambda: "4.3.1" in w.inst.log("posta-send") or "4.2.2" in w.inst.log("posta-send"), 30,
                 what="a deferred delivery")
        files, tmp = self.maildir(box)
        self.assertLess(len(files), 3)
        for name, content in files.items():
            self.assertRegex(content, rb"end \d\n$")
        self.assertEqual(tmp, [])
        self.assertGreater(w.pending(), 0)
        # space comes back: every message arrives, once, whole
        self.ns("mount", "-o", "remount,size=4m", os.path.dirname(box.rstrip("/")))
        wait_for(lambda: w.pending() == 0, 60, what="the deferred deliveries")
        files, tmp = self.maildir(box)
        ends = sorted(c[-6:] for c in files.values())
        self.assertEqual(ends, [b"end 0\n", b"end 1\n", b"end 2\n"])
        self.assertEqual(tmp, [])

    def test_full_queue_refuses_at_data(self):
        w = World(queueminfree="50000")
        self.addCleanup(w.cleanup)
        self.start(w, (w.inst.path("queue"), "1m"))
        big = b"Subject: too big\r\n\r\n" + (b"y" * 998 + b"\r\n") * 2000 + b".\r\n"
        m, r, d = deliver_one(w, b"<alice@posta.test>", big, source=RELAY)
        self.assertTrue(m.startswith(b"250") and r.startswith(b"250"), (m, r))
        self.assertTrue(d[:1] in (b"4", b"5"), d)
        # nothing of it stays in the queue
        left = self.ns("sh", "-c", 'cd "$1" && find pid mess intd todo -type f | wc -l', "sh",
                       w.inst.path("queue")).strip()
        self.assertEqual(left, b"0")
        # a message that fits still goes through
        m, r, d = deliver_one(w, b"<alice@posta.test>", b"Subject: small\r\n\r\nsmall\r\n.\r\n", source=RELAY)
        self.assertTrue(d.startswith(b"250"), d)
        wait_for(lambda: len(self.maildir(w.alice)[0]) == 1, 30, what="the small message")


if __name__ == "__main__":
    unittest.main()
