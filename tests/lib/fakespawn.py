#!/usr/bin/python3
"""fakespawn: a stand-in for posta-lspawn or posta-rspawn in posta-send's tests.

It speaks doc/protocols.md's spawn protocol on fd 0 (a SOCK_SEQPACKET
socket): each request packet carries the message's descriptor (as
posta-lspawn, it gets none and opens queue/mess/N/ID itself); it answers
one RESULT per recipient. It lets a test drive posta-send's scheduler with
results it chooses, independently of the real spawners:

- a recipient whose local part starts with "defer" gets Z4.2.0, "fail" gets
  D5.1.1, "down" gets Z4.4.1 with MTA "-" (a destination that does not
  answer) until the file FAKESPAWN_DIR/up exists, "boxfull" Z4.2.2; any
  other K2.0.0, after its message is copied
  to FAKESPAWN_DIR/deliveries/ADDRESS/N;
- FAKESPAWN_DELAY (seconds, default 0) delays every answer, in a thread,
  so that several deliveries are in flight at once;
- every request is appended to FAKESPAWN_DIR/requests as one line:
  "NAME SLOT ID SENDER RCPT RCPT...", and the highest number of requests in
  flight at once to FAKESPAWN_DIR/NAME.maxinflight.
"""
import os
import socket
import sys
import threading
import time

NAME = os.path.basename(sys.argv[0])
DIR = os.environ.get("FAKESPAWN_DIR", "/tmp/fakespawn")
SPLIT = 23   # conf-split
DELAY = float(os.environ.get("FAKESPAWN_DELAY", "0") or 0)
lock = threading.Lock()
inflight = [0, 0]


def result(rcpt, fd, counter):
    local = rcpt.split("@")[0].split("-")[-1] if "@" in rcpt else rcpt
    if local.startswith("defer"):
        return "Z4.2.0 fake.example[127.0.0.1] 451 deferred by the fake"
    if local.startswith("fail"):
        return "D5.1.1 fake.example[127.0.0.1] 550 no such user here"
    if local.startswith("down") and not os.path.exists(os.path.join(DIR, "up")):
        return "Z4.4.1 - connection refused"
    if local.startswith("boxfull"):
        return "Z4.2.2 fake.example[127.0.0.1] 452 mailbox full"
    d = os.path.join(DIR, "deliveries", rcpt)
    os.makedirs(d, exist_ok=True)
    os.lseek(fd, 0, 0)
    data = b""
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        data += b
    with open(os.path.join(d, "%d.%d" % (os.getpid(), counter)), "wb") as f:
        f.write(data)
    return "K2.0.0 - delivered by the fake"


def answer(sock, fields, fd, counter):
    if DELAY:
        time.sleep(DELAY)
    slot = fields[0]
    rcpts = fields[3:]
    out = [slot] + [result(r.decode("utf-8", "replace"), fd, counter) .encode() for r in rcpts]
    os.close(fd)
    with lock:
        inflight[0] -= 1
        sock.send(b"\0".join(out) + b"\0")


def main():
    os.umask(0)
    os.makedirs(DIR, exist_ok=True)
    sock = socket.socket(fileno=0)
    counter = 0
    while True:
        data, anc, flags, addr = sock.recvmsg(300000, socket.CMSG_SPACE(4 * 4))
        if not data:
            return
        fds = []
        for level, typ, cdata in anc:
            if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                fds += [int.from_bytes(cdata[i:i + 4], sys.byteorder) for i in range(0, len(cdata) - len(cdata) % 4, 4)]
        fields = data.split(b"\0")[:-1]
        counter += 1
        with lock:
            inflight[0] += 1
            if inflight[0] > inflight[1]:
                inflight[1] = inflight[0]
                with open(os.path.join(DIR, NAME + ".maxinflight"), "w") as f:
                    f.write("%d\n" % inflight[1])
            with open(os.path.join(DIR, "requests"), "ab") as f:
                f.write(NAME.encode() + b" " + b" ".join(fields) + b"\n")
        if not fds:
            mid = int(fields[1])
            fds = [os.open("queue/mess/%d/%d" % (mid % SPLIT, mid), os.O_RDONLY | os.O_NOFOLLOW)]
        if DELAY:
            threading.Thread(target=answer, args=(sock, fields, fds[0], counter), daemon=True).start()
        else:
            answer(sock, fields, fds[0], counter)


if __name__ == "__main__":
    main()
