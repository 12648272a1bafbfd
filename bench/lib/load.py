"""load.py: the load, from Postfix's smtp-source, and single messages from
smtplib for latencies.

smtp-source -N numbers the recipients of one invocation 1, 2, 3...: one
invocation of at most B messages to "u@DOMAIN" reaches 1u@DOMAIN ... Bu@DOMAIN,
one message each, so N messages to B mailboxes are ceil(N/B) invocations in a
row, each of at most B messages at the same concurrency. Every message is a
new connection (no -d), as from many senders. The payload is SIZE bytes of
smtp-source's filler after its own header lines (about 120 bytes more).

Never talks to anything but the loopback address it is given.
"""
import shutil
import smtplib
import subprocess
import time

SENDER = "bench@client.test"
HELO = "client.test"


def have_smtp_source(prog="smtp-source"):
    return shutil.which(prog) is not None


def mailbox(k, domain):
    """The address smtp-source -N gives its k-th recipient (from 1)."""
    return "%du@%s" % (k, domain)


def smtp_source(ip, port, n, conc, size, boxes, domain, timeout=3600, prog="smtp-source"):
    """Sends n messages with prog (smtp-source, or a stand-in that takes
    its options, for tests); returns (seconds, None) or (seconds, error)."""
    t0 = time.monotonic()
    left = n
    while left > 0:
        m = min(left, boxes)
        cmd = [prog, "-N", "-s", str(min(conc, m)), "-m", str(m), "-l", str(size),
               "-f", SENDER, "-t", "u@" + domain, "-M", HELO, "%s:%d" % (ip, port)]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        if p.returncode != 0:
            return time.monotonic() - t0, "smtp-source exited %d: %s" % (
                p.returncode, p.stdout.decode(errors="replace").strip()[-300:])
        left -= m
    return time.monotonic() - t0, None


def message(size, rcpt, n):
    head = ("From: <%s>\r\nTo: <%s>\r\nSubject: latency %d\r\nMessage-ID: <lat%d@client.test>\r\n\r\n"
            % (SENDER, rcpt, n, n)).encode()
    line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\r\n"
    return head + line * max(1, (size - len(head)) // len(line))


def one_message(ip, port, rcpt, size, n):
    """Sends one message on a new connection; returns the monotonic time of
    the 250 that answered its final dot. Raises on any other answer."""
    with smtplib.SMTP(ip, port, local_hostname=HELO, timeout=60) as s:
        s.ehlo()
        code, text = s.mail(SENDER)
        if code != 250:
            raise RuntimeError("MAIL: %d %s" % (code, text))
        code, text = s.rcpt(rcpt)
        if code != 250:
            raise RuntimeError("RCPT %s: %d %s" % (rcpt, code, text))
        code, text = s.data(message(size, rcpt, n))
        t = time.monotonic()
        if code != 250:
            raise RuntimeError("DATA: %d %s" % (code, text))
    return t
