"""posta-queue's exit codes, each produced from outside as an operator or a
caller could, and each failure leaving nothing in the queue: no todo, no
intd, no message file, no pid file."""
import os
import signal
import subprocess
import unittest

from posta import IS_ROOT, InstanceCase, base_dir, wait_for
from qtools import envelope, every_file, inject, queue_cmd

MSG = b"Subject: exit codes\n\nbody\n"
ENV = envelope("a@example.com", ["b@example.org"])


def catches(pid, sig):
    """Whether process pid has a handler for sig (/proc/PID/status SigCgt)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("SigCgt:"):
                return int(line.split()[1], 16) >> (sig - 1) & 1
    return False


class ExitCodes(InstanceCase):
    def tearDown(self):
        for c in ("maxrcpt", "queueminfree", "databytes"):
            self.inst.remove_control(c)

    def leftovers(self):
        return sum((every_file(self.inst, k) for k in ("todo", "intd", "mess", "pid")), [])

    def assertRefused(self, code, message=MSG, env=ENV, **kw):
        before = self.leftovers()
        rc, err = inject(self.inst, message, env, **kw)
        self.assertEqual(rc, code, err)
        self.assertIn("posta-queue: fatal: unable to ", err)
        self.assertEqual(self.leftovers(), before, "files left behind")
        return err

    def test_0_queued(self):
        n = len(self.inst.queue_files("todo"))
        rc, err = inject(self.inst, MSG, ENV)
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(len(self.inst.queue_files("todo")), n + 1)

    def test_11_address_too_long(self):
        self.assertRefused(11, env=envelope("a@b", ["x" * 995 + "@ab.cd"]))
        self.assertRefused(11, env=envelope("s" * 1001, ["b@c"]))
        # exactly 1000 bytes is fine
        rc, err = inject(self.inst, MSG, envelope("a@b", ["x" * 994 + "@ab.cd"]))
        self.assertEqual(rc, 0, err)

    def test_91_envelope_format(self):
        self.assertRefused(91, env=b"Fa@b\0\0")                      # no recipient
        self.assertRefused(91, env=b"Tb@c\0\0")                      # no sender
        self.assertRefused(91, env=b"Fa@b\0Tb@c\0\0junk")            # bytes after the end
        self.assertRefused(91, env=b"Fa@b\0Tb\r\n@c\0\0")            # CR LF in an address
        self.assertRefused(91, env=b"Fa@b\0Xb@c\0\0")                # unknown field
        self.inst.control("maxrcpt", "150")
        self.assertRefused(91, env=envelope("a@b", ["r%d@c" % i for i in range(151)]))
        rc, err = inject(self.inst, MSG, envelope("a@b", ["r%d@c" % i for i in range(150)]))
        self.assertEqual(rc, 0, err)
        # below RFC 5321's 100 means 100, as in posta-smtpd: what it accepts
        # at RCPT, the injector queues
        self.inst.control("maxrcpt", "3")
        rc, err = inject(self.inst, MSG, envelope("a@b", ["r%d@c" % i for i in range(100)]))
        self.assertEqual(rc, 0, err)
        self.assertRefused(91, env=envelope("a@b", ["r%d@c" % i for i in range(101)]))

    def test_91_default_maxrcpt(self):
        self.assertRefused(91, env=envelope("a@b", ["r%d@c" % i for i in range(1001)]))

    def test_54_envelope_ends_early(self):
        self.assertRefused(54, env=b"")
        self.assertRefused(54, env=b"Fa@b\0Tb@c\0")                  # no final NUL
        self.assertRefused(54, env=b"Fa@b\0Tb@")

    def test_53_below_queueminfree(self):
        self.inst.control("queueminfree", str(10 ** 15))
        err = self.assertRefused(53)
        self.assertIn("queueminfree", err)

    def test_53_twice_databytes(self):
        self.inst.control("queueminfree", "0")
        self.inst.control("databytes", str(10 ** 15))
        self.assertRefused(53)

    def test_55_bad_control_file(self):
        self.inst.control("queueminfree", "ten megabytes")
        self.assertRefused(55)
        self.inst.remove_control("queueminfree")
        self.inst.control("maxrcpt", "-1")
        self.assertRefused(55)

    @unittest.skipUnless(IS_ROOT, "needs posta-queue setuid to posta-q")
    def test_55_unreadable_control_file(self):
        self.inst.control("maxrcpt", "10")
        os.chmod(self.inst.path("control", "maxrcpt"), 0o600)   # root's: posta-q cannot read it
        self.assertRefused(55)

    def test_61_no_home(self):
        env = self.inst.env(POSTA_HOME=os.path.join(base_dir(), "no-such-instance"))
        self.assertRefused(61, environ=env)

    def test_62_no_queue(self):
        d = os.path.join(base_dir(), "home-without-queue")
        os.makedirs(d, exist_ok=True)
        self.assertRefused(62, environ=self.inst.env(POSTA_HOME=d))

    @unittest.skipUnless(IS_ROOT, "needs another user")
    def test_61_queue_not_posta_q(self):
        # an untrusted caller gets the installed instance only if its queue is posta-queue's
        q = self.inst.path("queue")
        st = os.stat(q)
        os.chown(q, 0, st.st_gid)
        try:
            self.assertRefused(61, user="nobody")
        finally:
            os.chown(q, st.st_uid, st.st_gid)

    def unwritable(self, folder, code):
        """chmod every folder under queue/FOLDER (and it) to r-x: code."""
        dirs = [self.inst.path("queue", folder)]
        if folder != "pid":
            dirs += [os.path.join(dirs[0], s) for s in os.listdir(dirs[0])]
        modes = {d: os.stat(d).st_mode & 0o7777 for d in dirs}
        for d in dirs:
            os.chmod(d, modes[d] & ~0o222)
        try:
            self.assertRefused(code)
        finally:
            for d in dirs:
                os.chmod(d, modes[d])

    @unittest.skipUnless(IS_ROOT, "root ignores folder modes; posta-queue runs as posta-q")
    def test_63_to_66_unwritable_folders(self):
        self.unwritable("pid", 63)
        self.unwritable("mess", 64)
        self.unwritable("intd", 65)
        self.unwritable("todo", 66)

    def test_52_timeout(self):
        # the 24-hour alarm, delivered early: the injector gives up with 52
        before = self.leftovers()
        r, w = os.pipe()
        p = subprocess.Popen(queue_cmd(self.inst), stdin=subprocess.PIPE, stdout=r,
                             stderr=subprocess.PIPE, env=self.inst.env())
        os.close(r)
        p.stdin.write(b"Subject: slow\n\npart of a message")
        p.stdin.flush()
        wait_for(lambda: catches(p.pid, signal.SIGALRM), 10, what="posta-queue's SIGALRM handler")
        p.send_signal(signal.SIGALRM)
        self.assertEqual(p.wait(10), 52)
        p.stdin.close()
        os.close(w)
        p.stderr.close()
        # a partial message is allowed (state 0), a todo never
        self.assertEqual(every_file(self.inst, "todo"), [f for f in before if "/todo/" in f])


if __name__ == "__main__":
    unittest.main()
