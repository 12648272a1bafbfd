"""posta-queue on a full file system: the instance's queue is moved onto a
small tmpfs in a private mount namespace (root only). A disk that fills
while the message is written gives 53 and leaves nothing in todo (nor any
other file of the run); free space under queueminfree gives 53 before
anything is written."""
import os
import subprocess
import tempfile
import unittest

from posta import IS_ROOT, TMPFS_OVER, FreshInstanceCase, base_dir
from qtools import envelope

# Runs "$@" with the instance's queue ($1) on a tmpfs of size $2, made from a
# copy of the queue; prints what the queue holds afterwards.
SETUP = TMPFS_OVER + r'''
set -e
Q=$1; SIZE=$2; shift 2
tmpfs_over "$Q" "$SIZE"
set +e
"$@"
echo "rc=$?"
for k in pid mess intd todo; do echo "$k=$(find "$Q/$k" -type f | wc -l)"; done
'''

# The message arrives through a FIFO; between its two halves the file
# system is filled up, so the second half meets a real ENOSPC.
FILL_MIDWAY = r'''
trap '' PIPE
D=$(mktemp -d); mkfifo "$D/in"
printf 'Fa@example.com\0Tb@example.org\0\0' > "$D/env"
"$QUEUE" < "$D/in" 1< "$D/env" 2> "$D/err" &
P=$!
exec 3> "$D/in"
printf 'Subject: big\n\n' >&3
head -c 200000 /dev/zero | tr '\0' a >&3
sleep 0.2
dd if=/dev/zero of="$Q/filler" bs=4096 2>/dev/null
head -c 3000000 /dev/zero | tr '\0' b >&3
exec 3>&-
wait $P
R=$?
cat "$D/err" >&2
rm -f "$Q/filler"; rm -rf "$D"
exit $R
'''


@unittest.skipUnless(IS_ROOT, "mounts a tmpfs in a private mount namespace")
class FullDisk(FreshInstanceCase):
    def setUp(self):
        super().setUp()
        self.inst.control("queueminfree", "0")

    def in_tmpfs(self, size, *cmd, env=None):
        p = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", SETUP, "sh",
                            self.inst.path("queue"), size] + list(cmd),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env or self.inst.env(), timeout=60)
        out = dict(l.split("=", 1) for l in p.stdout.decode().split() if "=" in l)
        return out, p.stderr.decode(errors="replace")

    def test_enospc_while_writing(self):
        env = self.inst.env(QUEUE=self.inst.bin("posta-queue"), Q=self.inst.path("queue"))
        out, err = self.in_tmpfs("2m", "sh", "-c", FILL_MIDWAY, env=env)
        self.assertEqual(out.get("rc"), "53", err)
        self.assertIn("unable to write the message: No space left on device", err)
        self.assertEqual(out["todo"], "0")
        self.assertEqual((out["pid"], out["mess"], out["intd"]), ("0", "0", "0"), "files left behind")

    def test_message_bigger_than_the_disk(self):
        env = self.inst.env(Q=self.inst.path("queue"))
        d = tempfile.mkdtemp(dir=base_dir())
        with open(os.path.join(d, "msg"), "wb") as f:
            f.write(b"Subject: huge\n\n" + b"x" * 3000000)
        with open(os.path.join(d, "env"), "wb") as f:
            f.write(envelope("a@b", ["c@d"]))
        out, err = self.in_tmpfs("1m", "sh", "-c", 'exec "$0" < "$1" 1< "$2"', self.inst.bin("posta-queue"),
                                 os.path.join(d, "msg"), os.path.join(d, "env"), env=env)
        self.assertEqual(out.get("rc"), "53", err)
        self.assertEqual((out["todo"], out["pid"], out["mess"], out["intd"]), ("0", "0", "0", "0"))

    def test_under_queueminfree_nothing_written(self):
        self.inst.control("queueminfree", "2000000")   # more than the 1 MiB tmpfs has
        d = tempfile.mkdtemp(dir=base_dir())
        trace = os.path.join(d, "trace")
        with open(os.path.join(d, "env"), "wb") as f:
            f.write(envelope("a@b", ["c@d"]))
        out, err = self.in_tmpfs("1m", "sh", "-c",
                                 'echo "Subject: x" | strace -f -o "$0" -e trace=%file,write "$1" 1< "$2"',
                                 trace, self.inst.bin("posta-queue"), os.path.join(d, "env"))
        self.assertEqual(out.get("rc"), "53", err)
        self.assertEqual((out["todo"], out["pid"], out["mess"], out["intd"]), ("0", "0", "0", "0"))
        calls = open(trace).read()
        self.assertIn("statfs", calls)                 # it looked
        self.assertNotIn("O_CREAT", calls)             # and created nothing
        self.assertNotIn("queue/pid", calls)
        for line in calls.splitlines():
            self.assertFalse(" write(" in line and "write(2," not in line, line)


if __name__ == "__main__":
    unittest.main()
