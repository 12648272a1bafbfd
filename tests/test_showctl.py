"""posta-showctl as an operator runs it after editing settings (issue 22,
item 3): every malformed setting shows as invalid, names the line its
program refuses and makes it exit 100, with exactly the judgement of the
program that reads the file (posta-send keeps its old retryschedule for the
file posta-showctl calls invalid); a list shows one item a line; a
certificate shows its subject and expiry, and a key that others may read
is flagged."""
import os
import re
import time
import unittest

from posta import InstanceCase
from sendtools import wait_log
from tlskit import Ca, install_cert, read, remove_cert


class ShowCtl(InstanceCase):
    def setUp(self):
        for name in ("retryschedule", "smtproutes", "tlsdestinations", "moreipme", "rcpthosts", "maxrcpt"):
            self.inst.remove_control(name)
        remove_cert(self.inst)

    def show(self, *names, rc=0):
        p = self.inst.run("posta-showctl", *names)
        self.assertEqual(p.returncode, rc, (names, p.stdout, p.stderr))
        return p.stdout.decode(), p.stderr.decode()

    def values(self, out, name):
        """The VALUE of every line of setting name, as a script splits them."""
        got = []
        for line in out.splitlines():
            parts = re.split(r"\s+", line, maxsplit=2)
            if parts[0] == name:
                got.append(parts[2] if len(parts) > 2 else "")
        return got

    def test_each_malformed_setting(self):
        cases = {
            "retryschedule": (["10 20 30"], ["invalid: 10 20 30"]),
            "smtproutes": (["a.example:relay.example", "b.example:relay:70000"],
                           ["a.example:relay.example", "invalid: b.example:relay:70000"]),
            "tlsdestinations": (["bank.example", "x.example colour=red"], ["bank.example", "invalid: x.example colour=red"]),
            "moreipme": (["192.0.2.1", "300.1.1.1"], ["192.0.2.1", "invalid: 300.1.1.1"]),
            "maxrcpt": (["ten"], ["invalid, not a number: ten"]),
        }
        for name, (lines, shown) in cases.items():
            self.inst.control(name, lines)
            out, err = self.show(name, rc=100)
            self.assertEqual(self.values(out, name), shown, name)
            self.assertIn("posta-showctl: warning: control/%s: not a valid value" % name, err)
            # everything at once: exit 100 too
            self.show(rc=100)
            self.inst.remove_control(name)
        self.show()

    def test_lists_one_item_a_line(self):
        self.inst.control("rcpthosts", ["# ours", "a.example", "", "b.example"])
        self.inst.control("retryschedule", ["30", "60", "3600"])
        out, _ = self.show("rcpthosts", "retryschedule")
        self.assertEqual(self.values(out, "rcpthosts"), ["a.example", "b.example"])
        self.assertEqual(self.values(out, "retryschedule"), ["30", "60", "3600"])
        self.assertTrue(all(l.split()[1] == "control/" + l.split()[0] for l in out.splitlines()), out)
        self.inst.remove_control("retryschedule")
        out, _ = self.show("retryschedule")
        self.assertEqual(self.values(out, "retryschedule"), ["60", "300", "600", "1200", "1800", "3600"])
        self.assertIn("retryschedule       default ", out)

    def test_certificate_and_key(self):
        ca = Ca(self.inst.path("ca"))
        pem, key = ca.server("mx.example.com")
        install_cert(self.inst, pem, key)
        out, _ = self.show("servercert.pem", "serverkey.pem")
        value = self.values(out, "servercert.pem")[0]
        self.assertRegex(value, r"^subject CN=mx\.example\.com, expires \w{3}, \d+ \w{3} \d{4} [\d:]{8} \+0000$")
        self.assertNotIn("BEGIN", out)
        self.assertEqual(self.values(out, "serverkey.pem"), [""])
        # the key inside servercert.pem, readable by all
        os.chmod(self.inst.path("control", "servercert.pem"), 0o644)
        out, err = self.show("servercert.pem", rc=100)
        self.assertIn("invalid: its key is readable by others (mode 0644): chmod 600 it", out)
        # the key apart, 0644: flagged; 0600: shown as a key
        install_cert(self.inst, pem, key, apart=True)
        os.chmod(self.inst.path("control", "serverkey.pem"), 0o644)
        out, _ = self.show("servercert.pem", "serverkey.pem", rc=100)
        self.assertEqual(self.values(out, "serverkey.pem"),
                         ["invalid: the key is readable by others (mode 0644): chmod 600 it"])
        self.assertTrue(self.values(out, "servercert.pem")[0].startswith("subject CN=mx.example.com"))
        os.chmod(self.inst.path("control", "serverkey.pem"), 0o600)
        out, _ = self.show("serverkey.pem")
        self.assertEqual(self.values(out, "serverkey.pem"), ["a private key, mode 0600"])
        # a key that is not the certificate's, a file that is no certificate: posta-tlsd's refusal
        _, other = ca.server("other.example.com")
        install_cert(self.inst, pem, other, apart=True)
        out, _ = self.show("servercert.pem", rc=100)
        self.assertRegex(self.values(out, "servercert.pem")[0], r"^invalid, posta-tlsd cannot use it: ")
        remove_cert(self.inst)
        self.inst.control("servercert.pem", "not a certificate")
        out, _ = self.show("servercert.pem", rc=100)
        self.assertRegex(self.values(out, "servercert.pem")[0], r"^invalid, posta-tlsd cannot use it: ")
        # expired: said, not refused (posta-tlsd serves it)
        old, oldkey = ca.server("old.example.com", days=-1)
        install_cert(self.inst, old, oldkey)
        out, _ = self.show("servercert.pem")
        self.assertIn("subject CN=old.example.com, EXPIRED ", out)


class SameJudgement(InstanceCase):
    """posta-send refuses what posta-showctl calls invalid, and takes what
    it shows as valid."""

    def test_retryschedule(self):
        self.inst.start(services=("posta-send",))
        try:
            self.inst.control("retryschedule", "10 20 30")
            self.assertEqual(self.inst.run("posta-showctl", "retryschedule").returncode, 100)
            self.inst.svc("posta-send", "-h")
            wait_log(self.inst, r"unable to use control/retryschedule, keeping its previous value: not a valid value")
            self.inst.control("retryschedule", ["10", "20", "30"])
            self.assertEqual(self.inst.run("posta-showctl", "retryschedule").returncode, 0)
            before = self.inst.log("posta-send").count("control/retryschedule")
            self.inst.svc("posta-send", "-h")
            time.sleep(1)
            self.assertEqual(self.inst.log("posta-send").count("control/retryschedule"), before)
        finally:
            self.inst.stop()


if __name__ == "__main__":
    unittest.main()
