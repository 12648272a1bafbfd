"""overload.py: the overload scenario of issue 14: N messages (2000), one
per connection, C (200) clients at once, and how many connection attempts
did not get the server's banner within the banner timeout.

A client of our own (asyncio, plain SMTP, no PIPELINING): each of the N
messages is a task; at most C run at once. A task connects and waits for
the 220 banner at most T seconds from the start of connect(); when it does
not come (connect not done, or no banner), the attempt counts as "no
banner", the socket is closed and the task tries again, as a sender would
later, up to 5 attempts. With a banner, EHLO, MAIL, RCPT, DATA, the message
(SIZE bytes), QUIT; any answer but the expected one fails the message. Then
the bench waits until every accepted message is in a new/ folder.

It reports, it does not assert: the figures go in the text report for
posta and Postfix side by side.

Never talks to anything but the loopback address it is given.
"""
import asyncio
import time

import load
import maildirs
import report
import runs

ATTEMPTS = 5
SESSION_TIMEOUT = 60.0


class Tally:
    def __init__(self):
        self.attempts = 0
        self.no_banner = 0
        self.refused = 0
        self.sent = 0
        self.failed = 0
        self.banner_waits = []


async def _answer(reader, timeout):
    """The code of one SMTP answer (its last line), or raises."""
    while True:
        line = await asyncio.wait_for(reader.readline(), timeout)
        if len(line) < 4:
            raise ConnectionError("short answer %r" % line)
        if line[3:4] != b"-":
            return int(line[:3])


async def _session(reader, writer, rcpt, body):
    """One message after the banner; raises on a wrong answer."""
    steps = ((b"EHLO %s\r\n" % load.HELO.encode(), 250), (b"MAIL FROM:<%s>\r\n" % load.SENDER.encode(), 250),
             (b"RCPT TO:<%s>\r\n" % rcpt.encode(), 250), (b"DATA\r\n", 354), (body, 250), (b"QUIT\r\n", 221))
    for data, want in steps:
        writer.write(data)
        await writer.drain()
        code = await _answer(reader, SESSION_TIMEOUT)
        if code != want:
            raise ConnectionError("%d after %r" % (code, data[:10]))


async def _one(ip, port, k, boxes, domain, body, banner_timeout, tally):
    rcpt = load.mailbox(1 + k % boxes, domain)
    for _ in range(ATTEMPTS):
        tally.attempts += 1
        t0 = time.monotonic()
        writer = None
        try:
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(ip, port), banner_timeout)
                left = banner_timeout - (time.monotonic() - t0)
                code = await _answer(reader, max(left, 0.001))
            except asyncio.TimeoutError:
                tally.no_banner += 1
                continue
            except OSError:
                tally.refused += 1
                await asyncio.sleep(1.0)
                continue
            tally.banner_waits.append(time.monotonic() - t0)
            if code != 220:
                tally.refused += 1
                await asyncio.sleep(1.0)
                continue
            await _session(reader, writer, rcpt, body)
            tally.sent += 1
            return
        except (OSError, ConnectionError, asyncio.TimeoutError, ValueError):
            tally.failed += 1
            return
        finally:
            if writer is not None:
                writer.close()
    tally.failed += 1


def dot_body(size, k):
    """A message of about size bytes, dot-terminated for DATA."""
    return load.message(size, "overload", k) + b".\r\n"


async def _all(ip, port, n, conc, size, boxes, domain, banner_timeout, tally):
    sem = asyncio.Semaphore(conc)

    async def limited(k):
        async with sem:
            await _one(ip, port, k, boxes, domain, dot_body(size, k), banner_timeout, tally)

    await asyncio.gather(*(limited(k) for k in range(n)))


def send(ip, port, n, conc, size, boxes, domain, banner_timeout):
    """(Tally, seconds) of sending n messages at concurrency conc."""
    tally = Tally()
    t0 = time.monotonic()
    asyncio.run(_all(ip, port, n, conc, size, boxes, domain, banner_timeout, tally))
    return tally, time.monotonic() - t0


def line(name, tally, bt, delivered, n, e2e):
    return ("  %-8s %d attempts, %d without a banner in %.0f s, %d refused, %d sent, %d failed; "
            "banner wait median %s ms, p99 %s ms, max %s ms; %d of %d delivered (%s msg/s end to end)%s" % (
                name, tally.attempts, tally.no_banner, bt, tally.refused, tally.sent, tally.failed,
                report.fmt(_ms(report.median(tally.banner_waits)), 1),
                report.fmt(_ms(report.percentile(tally.banner_waits, 99)), 1),
                report.fmt(_ms(max(tally.banner_waits) if tally.banner_waits else None), 1),
                delivered, n, report.fmt(e2e, 0), "" if delivered <= tally.sent else
                ", %d more than were accepted" % (delivered - tally.sent)))


def _ms(s):
    return None if s is None else s * 1000.0


def overload(servers, cfg):
    """The scenario on every server in turn; returns {name: figures}."""
    n, conc, bt = cfg.n_overload, cfg.overload_conc, cfg.banner_timeout
    report.say("\n== overload: %d messages of %s, one per connection, %d clients at once, banner timeout %.0f s, "
               "up to %d attempts a message" % (n, report.size_name(cfg.stage_size), conc, bt, ATTEMPTS))
    res = {}
    for s in servers:
        if s.queue_size():
            report.say("  %s skipped: its queue is not empty" % s.name)
            continue
        maildirs.empty(s.maildirs)
        with maildirs.Arrivals(s.maildirs) as arr:
            tally, secs = send(s.ip, s.port, n, conc, cfg.stage_size, cfg.boxes, cfg.domain, bt)
            t0 = time.monotonic() - secs
            last = runs.wait_delivered(arr, s, tally.sent, max(120, n / 5)) if tally.sent else None
            s.wait_queue_empty(120)
            time.sleep(0.3)
            delivered = arr.count()
        e2e = tally.sent / (last - t0) if last else None
        report.say(line(s.name, tally, bt, delivered, n, e2e))
        res[s.name] = dict(attempts=tally.attempts, no_banner=tally.no_banner, sent=tally.sent,
                           delivered=delivered, failed=tally.failed)
    if len(res) == 2:
        report.say("  without a banner in time: %s" % ", ".join(
            "%s %d of %d attempts" % (s.name, res[s.name]["no_banner"], res[s.name]["attempts"]) for s in servers))
    return res
