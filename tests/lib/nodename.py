"""nodename.py: run programs on a host of another name, without touching
the machine's.

    argv = on_host("vm", ["posta-setup", home])            # node name vm
    argv = on_host("vm", cmd, hosts="127.0.0.1 localhost\n")  # and that /etc/hosts

The command runs in a UTS namespace of its own (unshare --uts) whose node
name is set first; with hosts, also in a mount namespace of its own where
/etc/hosts holds that text and /etc/resolv.conf names 127.0.0.1 (nothing
answers there in a test's network namespace), so that the resolver's
answer for the name (hostname -f, getaddrinfo's canonical name) is the
test's and comes at once. Every process the command starts, s6-svscan's
services included, shares that node name. Needs root.
"""
import os
import tempfile

from posta import base_dir

SCRIPT = r'''
name=$1 hosts=$2 resolv=$3
shift 3
hostname "$name" || exit 111
if [ -n "$hosts" ]; then
  mount --bind "$hosts" /etc/hosts || exit 111
  mount --bind "$resolv" /etc/resolv.conf || exit 111
fi
exec "$@"
'''


def _file(text):
    fd, fn = tempfile.mkstemp(prefix="etc-", dir=base_dir())
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(fn, 0o644)
    return fn


def on_host(name, cmd, hosts=None):
    """argv running cmd (a list) with node name name and, when hosts is
    given, that /etc/hosts."""
    if hosts is None:
        return ["unshare", "--uts", "sh", "-c", SCRIPT, "on_host", name, "", ""] + list(cmd)
    resolv = _file("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    return (["unshare", "--uts", "--mount", "sh", "-c", SCRIPT, "on_host", name, _file(hosts), resolv]
            + list(cmd))
