"""opstools.py: what the ops tests look at from outside, as an operator
would: the processes of an instance (/proc) and their credentials.

    procs = instance_processes(home)      # [(pid, comm)]
    kill_leftovers(popens, homes)         # a test's tearDown: nothing left running
    creds(pid)                            # {"uid": (r, e, s, fs), "gid": ..., "groups": [...]}
    can(creds(pid), os.listdir, path)     # True when a process with those
                                          # credentials may do it
    attempt(creds(pid), os.listdir, path) # 0, or the errno it failed with
    in_child(user_creds("posta-s"), f)    # what f() returned, run as posta-s
"""
import errno
import os
import pwd
import signal

from posta import pids, proc_read


def instance_processes(home):
    """(pid, comm) of every process whose command line or working folder
    is under home."""
    out = []
    for pid in pids():
        cmd, cwd, comm = proc_read(pid, "cmdline"), proc_read(pid, "cwd"), proc_read(pid, "comm")
        if cmd is None or cwd is None or comm is None:
            continue
        if home.encode() in cmd or cwd == home or cwd.startswith(home + "/"):
            out.append((pid, comm.decode().strip()))
    return sorted(out)


def kill_leftovers(popens, homes):
    """Ends what a test left running: each subprocess.Popen of popens (its
    process group, as a shell's job has one) and every process of each
    instance home."""
    for p in popens:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    for home in homes:
        for pid, comm in instance_processes(home):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def creds(pid):
    """The uids, gids and supplementary groups of a running process."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key == "Uid":
                out["uid"] = tuple(int(x) for x in value.split())
            elif key == "Gid":
                out["gid"] = tuple(int(x) for x in value.split())
            elif key == "Groups":
                out["groups"] = sorted(int(x) for x in value.split())
    return out


def user_creds(user):
    """The credentials of a uid as posta-setup made it (its gid only)."""
    pw = pwd.getpwnam(user)
    return {"uid": (pw.pw_uid,) * 4, "gid": (pw.pw_gid,) * 4, "groups": [pw.pw_gid]}


def read_all(fd):
    """Everything read from fd up to its end."""
    return b"".join(iter(lambda: os.read(fd, 65536), b""))


def in_child(c, func, *args, what=None):
    """Runs func(*args) in a child with exactly the credentials c; returns
    the bytes it returned (b"" for None), or raises AssertionError naming
    what (func's name by default) with what the child raised."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        out = b"!"
        try:
            os.setgroups(c["groups"])
            os.setresgid(*c["gid"][:3])
            os.setresuid(*c["uid"][:3])
            out = b"=" + (func(*args) or b"")
        except BaseException as e:  # noqa: B902 - reported to the parent
            out = b"!" + repr(e).encode()
        finally:
            os.write(w, out)
            os._exit(0)
    os.close(w)
    data = read_all(r)
    os.close(r)
    os.waitpid(pid, 0)
    if not data.startswith(b"="):
        raise AssertionError("%s failed: %s" % (what or func.__name__, data[1:].decode(errors="replace")))
    return data[1:]


def attempt(c, func, *args):
    """Runs func(*args) in a child with exactly the credentials c; returns
    0 when it succeeded, else the errno it failed with."""
    def body():
        try:
            func(*args)
            return b"0"
        except OSError as e:
            return str(e.errno).encode()
    return int(in_child(c, body, what="%r%r" % (func, args)))


def can(c, func, *args):
    """True when func(*args) succeeded with the credentials c, False when
    it failed on permissions (EACCES, EPERM); any other failure raises."""
    err = attempt(c, func, *args)
    if err not in (0, errno.EACCES, errno.EPERM):
        raise AssertionError("%r%r failed for another reason than permissions: %s" % (func, args, os.strerror(err)))
    return err == 0


def read_file(path):
    with open(path, "rb") as f:
        f.read(1)


def write_file(path):
    with open(path, "ab"):
        pass
