"""SMTP peers for posta-remote's tests, on loopback addresses.

AioPeer: a foreign SMTP server (python3-aiosmtpd) that records each
message: mail_from, rcpt_tos, content, the MAIL parameters; with tls (an
ssl.SSLContext of the server's), it offers STARTTLS.

ScriptPeer: a raw-socket server that answers as told, records every byte it
receives, and can misbehave on purpose: any greeting, any EHLO reply, a
reply per command, per recipient, after the data, close after the final
dot, never answer.

DownPeer: a destination that is down: it says 421 to each connection,
closes it, and counts them.

Blackhole: an address whose connections time out (a full listen queue).
"""
import asyncio
import socket
import threading
import time

from aiosmtpd.controller import Controller

from sockloop import SockLoop, family_of


class _AioHandler:
    def __init__(self, peer):
        self.peer = peer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.peer.rcpt(address) if self.peer.rcpt else None
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 ok"

    async def handle_DATA(self, server, session, envelope):
        self.peer.messages.append({
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "content": envelope.original_content,
            "mail_options": list(envelope.mail_options),
            "peer": session.peer,
            "tls": session.ssl is not None,
        })
        return self.peer.data_reply


class AioPeer:
    def __init__(self, host, port=25, rcpt=None, data_reply="250 2.0.0 ok queued", tls=None):
        self.host = host
        self.port = port
        self.rcpt = rcpt
        self.data_reply = data_reply
        self.messages = []
        extra = {"tls_context": tls} if tls is not None else {}
        self.controller = Controller(_AioHandler(self), hostname=host, port=port,
                                     ready_timeout=10, **extra)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


class Session:
    def __init__(self):
        self.raw = bytearray()
        self.commands = []
        self.data = None
        self.pipelined = None
        self.closed_by_peer = False


class ScriptPeer(SockLoop):
    """Attributes may be changed before each connection:
    greeting      bytes sent first (None: never greet)
    ehlo          keywords after the first EHLO line; ehlo_reply overrides
                  the whole reply with raw bytes
    replies       command word (b"MAIL", b"DATA", b"HELO"...) -> raw reply,
                  None to close the connection instead
    close_after   command words after whose reply (from replies) to close
    rcpt          function(address bytes) -> raw reply, default 250
    data_reply    raw reply after the final dot
    after_dot     "reply", "close" (close without a reply), "hang"
    expect_pipelining: hold MAIL's reply until DATA has arrived (a client
                  that waits for each reply then times out)
    """

    def __init__(self, host, port=25):
        self.host = host
        self.port = port
        self.greeting = b"220 peer.test ESMTP\r\n"
        self.ehlo = [b"PIPELINING", b"8BITMIME", b"SIZE 10000000"]
        self.ehlo_reply = None
        self.replies = {}
        self.rcpt = lambda addr: b"250 2.1.5 ok\r\n"
        self.data_reply = b"250 2.0.0 queued as 42\r\n"
        self.after_dot = "reply"
        self.expect_pipelining = False
        self.close_after = set()
        self.sessions = []
        self.threads = []
        SockLoop.__init__(self, host, port)

    def serve_one(self):
        c, _ = self.sock.accept()
        s = Session()
        self.sessions.append(s)
        t = threading.Thread(target=self._serve, args=(c, s), daemon=True)
        self.threads.append(t)
        t.start()

    def stop(self):
        SockLoop.stop(self)
        self.wait_idle(5)

    def wait_idle(self, timeout=10):
        deadline = time.time() + timeout
        for t in list(self.threads):
            t.join(max(0.0, deadline - time.time()))

    # --- one connection -----------------------------------------------------
    def _serve(self, c, s):
        c.settimeout(30)
        buf = bytearray()
        try:
            if self.greeting is None:
                self._read_until_closed(c, s)
                return
            c.sendall(self.greeting)
            while True:
                line = self._line(c, s, buf)
                if line is None:
                    s.closed_by_peer = True
                    return
                s.commands.append(line)
                if not self._command(c, s, buf, line):
                    return
        except OSError:
            return
        finally:
            c.close()

    def _read_until_closed(self, c, s):
        while True:
            d = c.recv(65536)
            if not d:
                return
            s.raw += d

    def _fill(self, c, s, buf):
        d = c.recv(65536)
        if not d:
            return False
        s.raw += d
        buf += d
        return True

    def _line(self, c, s, buf):
        while b"\n" not in buf:
            if not self._fill(c, s, buf):
                return None
        i = buf.index(b"\n") + 1
        line = bytes(buf[:i])
        del buf[:i]
        return line

    def _command(self, c, s, buf, line):
        word = line.split(b" ", 1)[0].split(b":", 1)[0].strip().upper()
        if word in self.replies and word not in (b"DATA",):
            if self.replies[word] is None:   # close without a word
                return False
            c.sendall(self.replies[word])
            return word != b"QUIT" and word not in self.close_after
        if word == b"EHLO":
            c.sendall(self.ehlo_reply if self.ehlo_reply is not None else self._ehlo())
        elif word == b"HELO":
            c.sendall(b"250 peer.test\r\n")
        elif word == b"MAIL":
            if self.expect_pipelining:
                s.pipelined = self._wait_for(c, s, buf, b"DATA\r\n", 5)
            c.sendall(b"250 2.1.0 ok\r\n")
        elif word == b"RCPT":
            addr = line[line.index(b"<") + 1:line.rindex(b">")] if b"<" in line else b""
            c.sendall(self.rcpt(addr))
        elif word == b"DATA":
            return self._data(c, s, buf)
        elif word == b"QUIT":
            c.sendall(b"221 2.0.0 bye\r\n")
            return False
        elif word in (b"RSET", b"NOOP"):
            c.sendall(b"250 2.0.0 ok\r\n")
        else:
            c.sendall(b"502 5.5.1 unknown command\r\n")
        return True

    def _ehlo(self):
        lines = [b"peer.test"] + list(self.ehlo)
        out = b""
        for i, l in enumerate(lines):
            out += b"250" + (b" " if i == len(lines) - 1 else b"-") + l + b"\r\n"
        return out

    def _wait_for(self, c, s, buf, what, timeout):
        c.settimeout(timeout)
        try:
            while what not in buf:
                if not self._fill(c, s, buf):
                    return False
            return True
        except socket.timeout:
            return False
        finally:
            c.settimeout(30)

    def _data(self, c, s, buf):
        reply = self.replies.get(b"DATA", b"354 go ahead\r\n")
        if reply is None:
            return False
        c.sendall(reply)
        if not reply.startswith(b"354"):
            return True
        data = bytearray()
        while True:
            data += buf
            buf.clear()
            end = b".\r\n" if data.startswith(b".\r\n") else b"\r\n.\r\n"
            if data.startswith(b".\r\n") or end in data:
                cut = 3 if data.startswith(b".\r\n") else data.index(end) + len(end)
                buf += data[cut:]
                s.data = bytes(data[:cut])
                break
            if not self._fill(c, s, buf):
                s.data = bytes(data)
                return False
        if self.after_dot == "close":
            return False
        if self.after_dot == "hang":
            self._read_until_closed(c, s)
            return False
        c.sendall(self.data_reply)
        return True


class DownPeer(SockLoop):
    """Accepts each connection, counts it (connections), sends reply and
    closes."""

    def __init__(self, host, port=25, reply=b"421 4.3.2 down for maintenance\r\n"):
        self.reply = reply
        self.connections = 0
        SockLoop.__init__(self, host, port, backlog=64)

    def serve_one(self):
        c, _ = self.sock.accept()
        self.connections += 1
        try:
            c.sendall(self.reply)
        except OSError:
            pass
        c.close()


class Blackhole:
    """Connections to host:port time out: the listen queue is full."""

    def __init__(self, host, port=25):
        self.sock = socket.socket(family_of(host), socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(0)
        self.fillers = []
        # Linux queues backlog + 1 connections; fill the queue
        for _ in range(2):
            f = socket.socket(family_of(host), socket.SOCK_STREAM)
            f.setblocking(False)
            try:
                f.connect((host, port))
            except BlockingIOError:
                pass
            self.fillers.append(f)
        time.sleep(0.1)

    def stop(self):
        for f in self.fillers:
            f.close()
        self.sock.close()
