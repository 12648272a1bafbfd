#!/usr/bin/python3
"""benchsink.py: a tiny SMTP server that delivers into Maildirs, to test the
benchmark's instrument (tests/test_bench_harness.py) against known answers.

    benchsink.py PORT ROOT [--drop K,...] [--dup K,...]

Listens on 127.0.0.1:PORT; each message to NAME@DOMAIN is written to
ROOT/NAME/tmp/, fsynced once, linked into ROOT/NAME/new/ and its tmp name
removed: exactly one fsync per delivery. Messages are numbered from 1 in the
order their final dot arrives: those in --drop get their 250 and are never
delivered (a lost message), those in --dup are delivered twice. A recipient
without a folder gets 550. Prints "ready" when it listens.

Not a mail server: no limits, no checks beyond what the tests need.
"""
import argparse
import os
import socket
import threading


class Sink:
    def __init__(self, root, drop, dup):
        self.root = root
        self.drop, self.dup = drop, dup
        self.lock = threading.Lock()
        self.count = 0
        self.serial = 0

    def deliver(self, rcpt, data):
        with self.lock:
            self.count += 1
            k = self.count
        if k in self.drop:
            return
        box = os.path.join(self.root, rcpt.split("@")[0])
        for _ in range(2 if k in self.dup else 1):
            with self.lock:
                self.serial += 1
                name = "%d.%d.sink" % (k, self.serial)
            tmp = os.path.join(box, "tmp", name)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.write(fd, data)
            os.fsync(fd)
            os.close(fd)
            os.link(tmp, os.path.join(box, "new", name))
            os.unlink(tmp)

    def session(self, conn):
        f = conn.makefile("rb")
        conn.sendall(b"220 sink\r\n")
        rcpt, data = None, None
        for line in f:
            if data is not None:
                if line == b".\r\n":
                    self.deliver(rcpt, b"".join(data))
                    data = None
                    conn.sendall(b"250 ok\r\n")
                else:
                    data.append(line)
                continue
            cmd = line[:4].upper()
            if cmd == b"RCPT":
                rcpt = line.split(b"<", 1)[1].split(b">", 1)[0].decode()
                ok = os.path.isdir(os.path.join(self.root, rcpt.split("@")[0], "new"))
                conn.sendall(b"250 ok\r\n" if ok else b"550 no such mailbox\r\n")
            elif cmd == b"DATA":
                data = []
                conn.sendall(b"354 go\r\n")
            elif cmd == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                break
            else:
                conn.sendall(b"250 ok\r\n")
        conn.close()


def numbers(s):
    return {int(x) for x in s.split(",") if x}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("root")
    ap.add_argument("--drop", type=numbers, default=set())
    ap.add_argument("--dup", type=numbers, default=set())
    a = ap.parse_args()
    sink = Sink(a.root, a.drop, a.dup)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", a.port))
    s.listen(128)
    print("ready", flush=True)
    while True:
        c, _ = s.accept()
        threading.Thread(target=sink.session, args=(c,), daemon=True).start()


if __name__ == "__main__":
    main()
