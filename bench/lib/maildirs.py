"""maildirs.py: when messages arrive in many Maildirs' new/ folders.

An Arrivals watches new/ of every Maildir with inotify (IN_CREATE for a
link(), IN_MOVED_TO for a rename()) from a thread and notes the monotonic
time of each arrival, so that waiting for 10000 messages in 1000 folders
costs no polling. A name that starts with '.' is not a message. If the
kernel's event queue overflows, the count falls back to listing the folders
and the times to the files' ctimes (the link into new/ sets it).

Never reads or changes a message.
"""
import ctypes
import os
import select
import struct
import threading
import time

IN_CREATE = 0x100
IN_MOVED_TO = 0x80
IN_Q_OVERFLOW = 0x4000
IN_CLOEXEC = 0o2000000

_libc = ctypes.CDLL(None, use_errno=True)


def count_files(maildirs):
    """Messages in the new/ and cur/ folders of maildirs (a listing)."""
    n = 0
    for m in maildirs:
        for sub in ("new", "cur"):
            try:
                n += sum(1 for f in os.listdir(os.path.join(m, sub)) if not f.startswith("."))
            except FileNotFoundError:
                pass
    return n


def empty(maildirs):
    """Removes every message of maildirs (new/, cur/, tmp/)."""
    for m in maildirs:
        for sub in ("new", "cur", "tmp"):
            d = os.path.join(m, sub)
            try:
                for f in os.listdir(d):
                    os.unlink(os.path.join(d, f))
            except FileNotFoundError:
                pass


class Arrivals:
    """Counts arrivals in maildirs' new/ from start to close."""

    def __init__(self, maildirs):
        self.maildirs = list(maildirs)
        self.fd = _libc.inotify_init1(IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        for m in self.maildirs:
            path = os.path.join(m, "new").encode()
            if _libc.inotify_add_watch(self.fd, path, IN_CREATE | IN_MOVED_TO) < 0:
                e = ctypes.get_errno()
                os.close(self.fd)
                raise OSError(e, "inotify_add_watch %s" % path.decode())
        self.times = []
        self.overflow = False
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self):
        while not self._stop:
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if not r:
                continue
            buf = os.read(self.fd, 1 << 16)
            now = time.monotonic()
            pos, got = 0, 0
            while pos + 16 <= len(buf):
                _, mask, _, ln = struct.unpack_from("iIII", buf, pos)
                name = buf[pos + 16:pos + 16 + ln].rstrip(b"\0")
                pos += 16 + ln
                if mask & IN_Q_OVERFLOW:
                    self.overflow = True
                elif name and not name.startswith(b"."):
                    got += 1
            if got or self.overflow:
                with self._cond:
                    self.times.extend([now] * got)
                    self._cond.notify_all()

    def count(self):
        with self._cond:
            return len(self.times)

    def wait(self, n, timeout):
        """Waits until n messages arrived; returns the monotonic time of the
        n-th, or None after timeout seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.times) < n and not self.overflow:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(min(left, 1.0))
            if not self.overflow:
                return self.times[n - 1]
        return self._wait_listing(n, deadline)

    def _wait_listing(self, n, deadline):
        """After an overflow: poll the folders, then take the n-th ctime
        (wall clock) back to the monotonic clock."""
        while count_files(self.maildirs) < n:
            if time.monotonic() > deadline:
                return None
            time.sleep(0.5)
        ctimes = []
        for m in self.maildirs:
            d = os.path.join(m, "new")
            ctimes.extend(os.stat(os.path.join(d, f)).st_ctime for f in os.listdir(d) if not f.startswith("."))
        ctimes.sort()
        return ctimes[n - 1] - time.time() + time.monotonic()

    def close(self):
        self._stop = True
        self._thread.join()
        os.close(self.fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
