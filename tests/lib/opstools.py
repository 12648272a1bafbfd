"""opstools.py: what the ops tests look at from outside, as an operator
would: the processes of an instance (/proc) and their credentials.

    procs = instance_processes(home)      # [(pid, comm)]
    creds(pid)                            # {"uid": (r, e, s, fs), "gid": ..., "groups": [...]}
    can(creds(pid), os.listdir, path)     # True when a process with those
                                          # credentials may do it
    attempt(creds(pid), os.listdir, path) # 0, or the errno it failed with
"""
import errno
import os


def instance_processes(home):
    """(pid, comm) of every process whose command line or working folder
    is under home."""
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                cmd = f.read()
            cwd = os.readlink("/proc/%s/cwd" % p)
            with open("/proc/%s/comm" % p) as f:
                comm = f.read().strip()
        except OSError:
            continue
        if home.encode() in cmd or cwd == home or cwd.startswith(home + "/"):
            out.append((int(p), comm))
    return sorted(out)


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


def attempt(c, func, *args):
    """Runs func(*args) in a child with exactly the credentials c; returns
    0 when it succeeded, else the errno it failed with."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        out = b"?"
        try:
            os.setgroups(c["groups"])
            os.setresgid(*c["gid"][:3])
            os.setresuid(*c["uid"][:3])
            try:
                func(*args)
                out = b"0"
            except OSError as e:
                out = str(e.errno).encode()
        finally:
            os.write(w, out)
            os._exit(0)
    os.close(w)
    out = os.read(r, 32)
    os.close(r)
    os.waitpid(pid, 0)
    if not out.isdigit():
        raise AssertionError("%r%r: the child failed before its attempt (%r)" % (func, args, out))
    return int(out)


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
