#!/usr/bin/python3
"""The documentation cannot drift from the code it names.

- doc/interfaces.md's control-file table and src/common/ctlreg.c's registry
  hold the same files with the same defaults: a control file registered
  (by any branch) and not documented fails here, and so does a documented
  one that no program reads any more.
- every source path that doc/*.md, README or INSTALL names (src/..., and
  the "common/x.h" of an #include) exists; placeholders in capitals
  (src/PROG/, src/*/M.c) are not paths.

Reads files only: no instance, no build.
"""
import glob
import os
import re
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CTLREG = os.path.join(TOP, "src", "common", "ctlreg.c")
INTERFACES = os.path.join(TOP, "doc", "interfaces.md")

# { "name", KIND, default, ...: default is a string literal, CTLREG_ME or 0
ENTRY = re.compile(r'\{\s*"([^"]+)",\s*([NLSCT]),\s*("(?:[^"\\]|\\.)*"|CTLREG_ME|0)\s*,')


def registry():
    """{name: default as the doc writes it} from ctlreg.c's table."""
    with open(CTLREG) as f:
        text = f.read()
    body = text[text.index("ctlreg_table[] = {"):]
    body = body[:body.index("\n};")]
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    out = {}
    for name, _kind, dflt in ENTRY.findall(body):
        if dflt == "0":
            doc = "none"
        elif dflt == "CTLREG_ME":
            doc = "control/me"
        elif dflt == '""':
            doc = "(empty)"
        else:
            doc = "`%s`" % dflt[1:-1]
        out[name] = doc
    return out


def documented():
    """{name: default cell} from interfaces.md's control-file table."""
    with open(INTERFACES) as f:
        text = f.read()
    section = text[text.index("\n## Control files\n"):]
    section = section[:section.index("\n## ", 1)]
    out = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) < 3 or cells[0] in ("file", "") or set(cells[0]) <= set("-"):
            continue
        out[cells[0].strip("`")] = cells[2]
    return out


PATH = re.compile(r"\bsrc/[A-Za-z0-9_.*<>/-]+")
INCLUDE = re.compile(r'#include "((?:common|sk|owf|posta-[a-z]+|sendmail)/[A-Za-z0-9_]+\.h)"')


def placeholder(path):
    if any(c in path for c in "*<>"):
        return True
    return any(re.fullmatch(r"[A-Z]+(\.[a-z]+)?", seg) for seg in path.split("/")[1:] if seg)


def named_paths():
    files = sorted(glob.glob(os.path.join(TOP, "doc", "*.md"))) + \
        [os.path.join(TOP, n) for n in ("README", "INSTALL")]
    for fn in files:
        if not os.path.exists(fn):
            continue
        with open(fn) as f:
            text = f.read()
        rel = os.path.relpath(fn, TOP)
        for m in PATH.finditer(text):
            p = m.group(0).rstrip(".,;:)`'\"")
            if not placeholder(p):
                yield rel, p
        for m in INCLUDE.finditer(text):
            yield rel, "src/" + m.group(1)


class ControlFiles(unittest.TestCase):
    def test_registry_parsed(self):
        # guards the parser itself: a registry of a handful of names means
        # the regular expression lost track of ctlreg.c's layout
        reg = registry()
        self.assertGreater(len(reg), 40)
        self.assertEqual(reg["me"], "`localhost`")
        self.assertEqual(reg["bouncehost"], "control/me")
        self.assertEqual(reg["smtproutes"], "none")

    def test_every_registered_file_is_documented(self):
        missing = sorted(set(registry()) - set(documented()))
        self.assertEqual(missing, [], "registered in src/common/ctlreg.c, missing from doc/interfaces.md's "
                         "control-file table (add a row: file, kind, default, meaning, read by)")

    def test_every_documented_file_is_registered(self):
        extra = sorted(set(documented()) - set(registry()))
        self.assertEqual(extra, [], "in doc/interfaces.md's control-file table, not in src/common/ctlreg.c")

    def test_defaults_agree(self):
        reg, doc = registry(), documented()
        wrong = ["%s: ctlreg.c %s, interfaces.md %s" % (n, reg[n], doc[n])
                 for n in sorted(set(reg) & set(doc)) if reg[n] != doc[n]]
        self.assertEqual(wrong, [])


class SourcePaths(unittest.TestCase):
    def test_named_source_paths_exist(self):
        found = list(named_paths())
        self.assertGreater(len(found), 10)
        gone = sorted({"%s: %s" % (fn, p) for fn, p in found if not os.path.exists(os.path.join(TOP, p))})
        self.assertEqual(gone, [], "doc names source files that do not exist")

    def test_placeholders_are_not_paths(self):
        for p in ("src/PROG/", "src/*/M.c", "src/D/M.c", "src/<program>/"):
            self.assertTrue(placeholder(p.rstrip("/")), p)
        for p in ("src/common/ctlreg.c", "src/posta-send/qcmd.c", "src/sk/qmark.h"):
            self.assertFalse(placeholder(p), p)


if __name__ == "__main__":
    unittest.main()
