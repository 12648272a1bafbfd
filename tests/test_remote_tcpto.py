"""posta-remote remembers addresses that refused or timed out a connection
(remote/tcpto), so that the next messages do not wait on them again, and
forgets an address once it connects."""
import os
import struct
import time
import unittest
import zlib

from remotekit import RemoteCase
from smtppeer import Blackhole, ScriptPeer

ENTRY = 32


def entries(path):
    """The valid entries of a tcpto file (port 25): {ip bytes: (until, fails)}."""
    out = {}
    with open(path, "rb") as f:
        data = f.read()
    for i in range(0, len(data) - ENTRY + 1, ENTRY):
        e = data[i:i + ENTRY]
        if e[27] != 1 or zlib.crc32(e[:28]) != struct.unpack(">I", e[28:32])[0]:
            continue
        if struct.unpack(">H", e[24:26])[0] == 25:
            out[e[:16]] = (struct.unpack(">Q", e[16:24])[0], e[26])
    return out


def v4(a):
    return b"\0" * 10 + b"\xff\xff" + bytes(int(x) for x in a.split("."))


class RemoteTcpto(RemoteCase):
    HOME = {"timeoutconnect": "1"}

    @classmethod
    def records(cls, d):
        d.mx("slow.test", 10, "mx1.slow.test").host("mx1.slow.test", "127.0.0.71")
        d.mx("slow.test", 20, "mx2.slow.test").host("mx2.slow.test", "127.0.0.72")
        d.mx("alone.test", 10, "mx.alone.test").host("mx.alone.test", "127.0.0.73")

    def send(self, domain):
        r = self.home.remote(domain, "a@me.test", ["b@" + domain], b"x\n")
        self.assertEqual(r.rc, 0, r.err)
        return r

    def test_timed_out_address_is_not_waited_for_again(self):
        self.keep(Blackhole("127.0.0.71"))
        good = ScriptPeer("127.0.0.72")
        self.keep(good)
        first = self.send("slow.test")
        self.assertEqual(first.results[0].kind, "K", first.out)
        self.assertGreaterEqual(first.elapsed, 0.9)   # waited timeoutconnect once
        now = time.time()
        e = entries(self.home.path("remote", "tcpto"))
        self.assertIn(v4("127.0.0.71"), e)
        until, fails = e[v4("127.0.0.71")]
        self.assertEqual(fails, 1)
        self.assertTrue(now < until <= now + 61)
        second = self.send("slow.test")
        self.assertEqual(second.results[0].kind, "K", second.out)
        self.assertLess(second.elapsed, 0.8)          # skipped, no wait
        self.assertEqual(len(good.sessions), 2)

    def test_refused_address_is_skipped_and_then_forgotten(self):
        good = ScriptPeer("127.0.0.72")
        self.keep(good)
        self.assertEqual(self.send("slow.test").results[0].kind, "K")
        path = self.home.path("remote", "tcpto")
        self.assertIn(v4("127.0.0.71"), entries(path))
        # the first exchanger comes back: skipped while remembered
        back = ScriptPeer("127.0.0.71")
        self.keep(back)
        r = self.send("slow.test")
        self.assertEqual(r.results[0].mta, "mx2.slow.test[127.0.0.72]")
        self.assertEqual(back.sessions, [])
        # once its time is over it is tried again, and forgotten
        with open(path, "r+b") as f:
            data = bytearray(f.read())
            for i in range(0, len(data), ENTRY):
                if bytes(data[i:i + 16]) == v4("127.0.0.71"):
                    data[i + 16:i + 24] = struct.pack(">Q", int(time.time()) - 1)
                    data[i + 28:i + 32] = struct.pack(">I", zlib.crc32(bytes(data[i:i + 28])))
            f.seek(0)
            f.write(data)
        r = self.send("slow.test")
        self.assertEqual(r.results[0].mta, "mx1.slow.test[127.0.0.71]", r.out)
        self.assertNotIn(v4("127.0.0.71"), entries(path))

    def test_only_address_remembered_is_an_immediate_temporary_failure(self):
        first = self.send("alone.test")
        self.assertEqual(first.results[0].kind, "Z")
        self.assertIn("connection refused", first.results[0].text)
        second = self.send("alone.test")
        res = second.results[0]
        self.assertEqual((res.kind, res.status), ("Z", "4.4.1"), second.out)
        self.assertIn("remote/tcpto", res.text)

    def test_without_the_folder_nothing_is_remembered(self):
        os.rmdir(self.home.path("remote"))
        self.keep(ScriptPeer("127.0.0.72"))
        self.assertEqual(self.send("slow.test").results[0].kind, "K")
        self.assertEqual(self.send("slow.test").results[0].kind, "K")
        self.assertFalse(os.path.exists(self.home.path("remote")))


if __name__ == "__main__":
    unittest.main()
