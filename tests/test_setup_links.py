"""posta-setup as root over folders other uids own: an owner of a folder
that swaps an entry for a symbolic link (or a hard link) while root re-runs
posta-setup must never get root to change the link's target. The attackers
run as the uid that owns the folder: posta-q (queue/lock), posta-s
(queue/info/N), exchanging the entry and a prepared link in a loop
(renameat2 RENAME_EXCHANGE)."""
import ctypes
import os
import pwd
import stat
import time
import unittest

from posta import IS_ROOT, instance_and_secret

AT_FDCWD = -100
RENAME_EXCHANGE = 2
RUNS = 15


def become(user):
    pw = pwd.getpwnam(user)
    os.setgroups([])
    os.setgid(pw.pw_gid)
    os.setuid(pw.pw_uid)


def swapper(user, entry, link_to):
    """Forks a child that, as user, makes entry + '.x' a symbolic link to
    link_to and exchanges it with entry in a loop. Returns its pid."""
    pid = os.fork()
    if pid:
        return pid
    try:
        become(user)
        libc = ctypes.CDLL(None, use_errno=True)
        libc.renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        other = entry + ".x"
        os.symlink(link_to, other)
        a, b = entry.encode(), other.encode()
        while True:
            libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
    finally:
        os._exit(0)


def stop(pid, entry):
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    other = entry + ".x"
    # put the real entry back in place, whatever the last exchange left
    if os.path.islink(entry):
        os.rename(other, entry + ".real")
        os.unlink(entry)
        os.rename(entry + ".real", entry)
    elif os.path.lexists(other):
        os.unlink(other)


def setup_quietly(inst):
    """posta-setup may refuse an entry it found swapped: that is the point;
    it must neither hang nor touch the target."""
    import subprocess
    from posta import BIN
    cmd = [os.path.join(BIN, "posta-setup"), "-s", str(inst.smtp_port), "-m", str(inst.sub_port),
           "-i", inst.ip, inst.home]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


@unittest.skipUnless(IS_ROOT, "the attack needs the instance's users")
class SetupLinkTest(unittest.TestCase):
    def setUp(self):
        self.inst, self.secret = instance_and_secret(self)

    def attack(self, user, entry, target):
        before = os.lstat(target)
        pid = swapper(user, entry, target)
        try:
            time.sleep(0.05)
            for _ in range(RUNS):
                setup_quietly(self.inst)
                st = os.lstat(target)
                self.assertEqual((st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)),
                                 (before.st_uid, before.st_gid, stat.S_IMODE(before.st_mode)),
                                 "posta-setup changed %s through %s" % (target, entry))
        finally:
            stop(pid, entry)
        # and the instance is still right once the attacker stopped
        self.inst.setup()

    def test_trigger_swapped_by_posta_q(self):
        target = os.path.join(self.secret, "shadow")
        with open(target, "w") as f:
            f.write("root only\n")
        os.chmod(target, 0o600)
        self.attack("posta-q", self.inst.path("queue", "lock", "trigger"), target)

    def test_split_folder_swapped_by_posta_s(self):
        target = os.path.join(self.secret, "rootdir")
        os.mkdir(target, 0o751)
        os.chmod(target, 0o751)
        self.attack("posta-s", self.inst.path("queue", "info", "3"), target)

    def test_alias_file_swapped_by_posta_alias(self):
        target = os.path.join(self.secret, "config")
        with open(target, "w") as f:
            f.write("root only\n")
        os.chmod(target, 0o640)
        self.attack("posta-alias", self.inst.path("alias", ".qmail-root"), target)

    def test_hard_link_is_left_alone(self):
        # a hard link to someone else's file (as root makes it here, since
        # protected_hardlinks keeps a posta uid from making it) is never
        # given to the entry's owner
        target = os.path.join(self.secret, "linked")
        with open(target, "w") as f:
            f.write("root only\n")
        os.chmod(target, 0o600)
        entry = self.inst.path("queue", "lock", "sendmutex")
        os.unlink(entry)
        os.link(target, entry)
        p = setup_quietly(self.inst)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"more than one link", p.stderr)
        st = os.lstat(target)
        self.assertEqual((st.st_uid, stat.S_IMODE(st.st_mode)), (0, 0o600))

    def test_check_follows_no_link(self):
        # posta-q replaces queue/lock with a link to a folder of its own
        # holding a right-looking trigger: -c must not take it for the
        # instance's
        lock = self.inst.path("queue", "lock")
        os.rename(lock, lock + ".old")
        os.symlink(lock + ".old", lock)
        out = self.inst.check().stdout.decode()
        self.assertIn("%s: wrong type" % lock, out)
        self.assertIn("%s/trigger: missing" % lock, out)
        os.unlink(lock)
        os.rename(lock + ".old", lock)


if __name__ == "__main__":
    unittest.main()
