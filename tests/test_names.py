#!/usr/bin/python3
"""Every exported name carries its file's prefix (doc/HACKING.md).

A function that src/D/M.c exports is named M or M_something, so that grep
for a name finds the one file that defines it and never a namesake of
another program (posta-send's bouncerun_start is not posta-bounce's
bounce_*). A program's main file src/P/P.c exports main alone. Checked on
the objects of the last build (nm), for the folders that follow the rule
today; a folder joins CHECKED once its names are fixed.

Reads the build only: no instance.
"""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from posta import BUILD, TOP  # noqa: E402

CHECKED = ("common", "sk", "owf", "posta-send", "posta-remote", "posta-smtpd")


def exported(objs):
    """{object: [the names it defines for other objects]}, one nm for all."""
    out = subprocess.run(["nm", "-A", "--defined-only", "-g"] + objs, check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    names = {o: [] for o in objs}
    for line in out.splitlines():
        obj, _, rest = line.partition(":")
        n = rest.split()[-1] if rest.split() else ""
        # __odr_asan... and the like come from the sanitizers, not from us
        if n and not n.startswith(("__", ".")):
            names[obj].append(n)
    return names


def misnamed(folders):
    """["D/M.c: name", ...] for the names of folders that break the rule."""
    files = [(d, c[:-2]) for d in folders
             for c in sorted(os.listdir(os.path.join(TOP, "src", d))) if c.endswith(".c")]
    objs = [os.path.join(BUILD, "obj", d, m + ".o") for d, m in files]
    missing = [o for o in objs if not os.path.exists(o)]
    if missing:
        raise unittest.SkipTest("%s: not built (make tests)" % missing[0])
    names = exported(objs)
    bad = []
    for (d, m), obj in zip(files, objs):
        for n in names[obj]:
            ok = n == "main" if m == d else (n == m or n.startswith(m + "_"))
            if not ok:
                bad.append("%s/%s.c: %s" % (d, m, n))
    return bad


class Prefixes(unittest.TestCase):
    def test_exported_names_carry_their_file_prefix(self):
        self.assertEqual(misnamed(CHECKED), [])

    def test_the_check_sees_names(self):
        # an nm that printed nothing would pass the test above
        obj = os.path.join(BUILD, "obj", "posta-send", "schedq.o")
        if not os.path.exists(obj):
            self.skipTest("not built")
        self.assertIn("schedq_step", exported([obj])[obj])


if __name__ == "__main__":
    unittest.main()
