"""A socket bound to a loopback address and a thread that serves it, for the
fake servers of the tests (smtppeer's ScriptPeer and DownPeer, dnsfix's
SilentDns).

SockLoop(host, port, kind, backlog): binds (a stream socket also listens),
then calls self.serve_one() in a thread until stop(). serve_one waits at
most 0.2 s (the socket's timeout) so that stop() is heard; an OSError from
it (the socket closed under it) ends the thread. A subclass sets its own
attributes before calling SockLoop.__init__, which starts the thread.
"""
import socket
import threading


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


class SockLoop:
    def __init__(self, host, port, kind=socket.SOCK_STREAM, backlog=16):
        self.sock = socket.socket(family_of(host), kind)
        if kind == socket.SOCK_STREAM:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        if kind == socket.SOCK_STREAM:
            self.sock.listen(backlog)
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                self.serve_one()
            except socket.timeout:
                continue
            except OSError:
                return

    def serve_one(self):
        raise NotImplementedError

    def stop(self):
        self.running = False
        self.thread.join()
        self.sock.close()
