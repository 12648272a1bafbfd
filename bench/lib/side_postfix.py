"""side_postfix.py: the Postfix instance posta is compared with, and the
Debian package that brings it and smtp-source.

A throwaway instance: its own config_directory and queue_directory under
the bench's folder, listening on its own loopback address and port only,
virtual(8) delivering to Maildirs for the same B addresses as posta
(virtual_mailbox_maps, owned by one unprivileged uid), DEAD_DOMAIN sent to
the same closed port as posta's (transport_maps), logging to a file
(maillog_file), everything else Postfix's defaults: fsync before 250 and of
every Maildir file, as posta. Started with `postfix -c DIR start` inside its
cgroup, stopped with `postfix -c DIR stop`, and whatever is left of it then
is killed.

The package: installed when smtp-source or postfix is missing (asking
debconf for no configuration), then Postfix's own service is stopped and
disabled, so that nothing of it runs or listens on port 25 after the bench.

Never touches /etc/postfix nor the system's mail queue.
"""
import os
import shutil
import subprocess
import time

from side_posta import DEAD_DOMAIN, Side

VUID = 65534   # nobody: owns Postfix's Maildirs (virtual_uid_maps)
VGID = 65534

MASTER_CF = """\
# Postfix's standard services, chroot off (Postfix's own default, unlike
# Debian's master.cf); the SMTP service on its own address and port.
%(listen)s inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
proxywrite unix - - n -  1 proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
local     unix  - n n -  - local
virtual   unix  - n n -  - virtual
lmtp      unix  - - n -  - lmtp
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
"""

MAIN_CF = """\
# A throwaway Postfix for posta's benchmark: Postfix's defaults but for
# where it lives, where it listens, who may relay (loopback, as posta's
# tcp.smtp) and the virtual mailboxes.
compatibility_level = 3.6
queue_directory = %(dir)s/spool
data_directory = %(dir)s/data
mail_owner = postfix
setgid_group = postdrop
myhostname = peer.posta-bench.test
inet_interfaces = %(ip)s
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file_prefixes = %(dir)s
maillog_file = %(dir)s/maillog
alias_maps =
alias_database =
virtual_mailbox_domains = %(domain)s
virtual_mailbox_base = %(dir)s/mail
virtual_mailbox_maps = hash:%(dir)s/etc/vmailbox
virtual_uid_maps = static:%(uid)d
virtual_gid_maps = static:%(gid)d
transport_maps = texthash:%(dir)s/etc/transport
"""


# --- the package --------------------------------------------------------------
def package_missing():
    return not (shutil.which("smtp-source") and shutil.which("postfix"))


def install_package():
    """apt-get install postfix, configured for nothing; True when done."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["debconf-set-selections"], input=b"postfix postfix/main_mailer_type select No configuration\n",
                   env=env)
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postfix"]
    if subprocess.run(cmd, env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env)
        if subprocess.run(cmd, env=env).returncode != 0:
            return False
    return not package_missing()


def disable_service():
    """Stops the system's Postfix if it runs and keeps it from starting at
    boot. Returns what was done, for the report."""
    done = []
    if subprocess.run(["postfix", "status"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
        subprocess.run(["postfix", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        done.append("stopped the system's Postfix")
    if os.path.isdir("/run/systemd/system") and shutil.which("systemctl"):
        subprocess.run(["systemctl", "disable", "--now", "postfix"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        done.append("systemctl disable --now postfix")
    elif shutil.which("update-rc.d") and os.path.exists("/etc/init.d/postfix"):
        if any(f.startswith("S") and f.endswith("postfix") for d in os.listdir("/etc") if d.startswith("rc")
               and d.endswith(".d") for f in os.listdir(os.path.join("/etc", d))):
            subprocess.run(["update-rc.d", "postfix", "disable"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            done.append("update-rc.d postfix disable")
    return done


def port25_listeners():
    """Lines of `ss -ltn` for anything listening on port 25 (this namespace)."""
    p = subprocess.run(["ss", "-Hltn", "sport = :25"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return [line for line in p.stdout.decode().splitlines() if line.strip()]


# --- the instance ----------------------------------------------------------
class Postfix(Side):
    name = "postfix"
    manager = "qmgr"
    hold_what = "smtpd_recipient_restrictions HOLD: cleanup files it in hold/"

    def __init__(self, parent, group, ip, port, boxes, domain, notes):
        self.dir = os.path.join(parent, "postfix")
        self.etc = os.path.join(self.dir, "etc")
        self.group = group
        self.ip, self.port = ip, port
        self.nboxes = boxes
        self.domain = domain
        self.notes = notes
        self.maildirs = []
        self.started = False

    def setup(self):
        for d in ("etc", "spool", "data", "mail"):
            os.makedirs(os.path.join(self.dir, d), exist_ok=True)
        os.chmod(self.dir, 0o755)
        shutil.chown(os.path.join(self.dir, "data"), "postfix")
        v = dict(dir=self.dir, ip=self.ip, domain=self.domain, uid=VUID, gid=VGID)
        self._write("main.cf", MAIN_CF % v)
        self._write("master.cf", MASTER_CF % dict(listen="%s:%d" % (self.ip, self.port)))
        self._write("transport", "%s smtp:[127.0.0.9]:9\n" % DEAD_DOMAIN)
        lines = []
        base = os.path.join(self.dir, "mail")
        for k in range(1, self.nboxes + 1):
            rel = "%s/%du/" % (self.domain, k)
            lines.append("%du@%s %s\n" % (k, self.domain, rel))
            md = os.path.join(base, rel)
            for sub in ("new", "cur", "tmp"):
                os.makedirs(os.path.join(md, sub), exist_ok=True)
            self.maildirs.append(md)
        for root, dirs, _ in os.walk(base):
            for d in dirs:
                os.chown(os.path.join(root, d), VUID, VGID)
        os.chown(base, VUID, VGID)
        self._write("vmailbox", "".join(lines))
        p = subprocess.run(["postmap", "-c", self.etc, "hash:" + os.path.join(self.etc, "vmailbox")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode:
            raise RuntimeError("postmap: %s" % p.stdout.decode(errors="replace"))

    def _postfix(self, *args):
        """A Postfix command on this instance, run in its cgroup (its cost is
        the server's)."""
        p = subprocess.run(self.group.wrap(list(args)), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode:
            raise RuntimeError("%s: %s" % (" ".join(args), p.stdout.decode(errors="replace").strip()[-300:]))

    def hold(self):
        """Mail stays in the queue: smtpd answers every recipient HOLD, and
        cleanup files the message in hold/, which qmgr does not look at
        (qmgr itself keeps running: without it cleanup waits on its trigger
        and takes a second a message)."""
        self._postfix("postconf", "-c", self.etc, "-e", "smtpd_recipient_restrictions = check_client_access static:HOLD")
        self._postfix("postfix", "-c", self.etc, "reload")
        time.sleep(1.0)   # the smtpd processes that run the old settings finish their session and exit

    def release(self):
        """Back to Postfix's defaults, hold/ released to deferred/ and the
        queue flushed: qmgr delivers it."""
        self._postfix("postconf", "-c", self.etc, "-X", "smtpd_recipient_restrictions")
        self._postfix("postfix", "-c", self.etc, "reload")
        self._postfix("postsuper", "-c", self.etc, "-H", "ALL")
        self._postfix("postqueue", "-c", self.etc, "-f")

    def _write(self, name, text):
        with open(os.path.join(self.etc, name), "w") as f:
            f.write(text)

    def start(self):
        p = subprocess.run(self.group.wrap(["postfix", "-c", self.etc, "start"]), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        if p.returncode:
            raise RuntimeError("postfix start: %s\n%s" % (p.stdout.decode(errors="replace"), self.log()[-2000:]))
        self.started = True
        if hasattr(self.group, "set_root"):
            with open(os.path.join(self.dir, "spool", "pid", "master.pid")) as f:
                self.group.set_root(int(f.read().split()[0]))
        deadline = time.monotonic() + 30
        while not self._listening():
            if time.monotonic() > deadline:
                raise RuntimeError("postfix does not listen on %s:%d" % (self.ip, self.port))
            time.sleep(0.05)

    def _listening(self):
        p = subprocess.run(["ss", "-Hltn", "src %s:%d" % (self.ip, self.port)], stdout=subprocess.PIPE)
        return bool(p.stdout.strip())

    def stop(self):
        if self.started:
            subprocess.run(["postfix", "-c", self.etc, "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.started = False
        deadline = time.monotonic() + 10
        while self.group.pids() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.group.kill()

    def queue_size(self):
        n = 0
        for q in ("maildrop", "incoming", "active", "deferred", "hold"):
            for _, _, files in os.walk(os.path.join(self.dir, "spool", q)):
                n += len(files)
        return n

    def log(self, service=None):
        try:
            with open(os.path.join(self.dir, "maillog"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""
