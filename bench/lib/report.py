"""report.py: medians, percentiles and the tables the benchmark prints.

A figure that could not be measured is None and prints as "n/a"; a ratio
with a missing side prints as "-". Never measures anything itself.
"""
import math
import os
import statistics
import sys


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def percentile(xs, p):
    """The p-th percentile (nearest rank) of xs."""
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    k = max(0, min(len(xs) - 1, math.ceil(p / 100.0 * len(xs)) - 1))
    return xs[k]


def fmt(x, digits=1):
    if x is None:
        return "n/a"
    if isinstance(x, int):
        return str(x)
    if abs(x) >= 1000:
        return "%.0f" % x
    return "%.*f" % (digits, x)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return "%.2f" % (a / b)


def say(*parts):
    print(*parts)
    sys.stdout.flush()


class Tee:
    """With a path, everything printed to standard output inside the with
    block goes to that file too (the text report beside the chart)."""

    def __init__(self, path):
        self.path = path
        self.f = None
        self.out = None

    def __enter__(self):
        if self.path:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            self.f = open(self.path, "w")
            self.out = sys.stdout
            sys.stdout = self
        return self

    def write(self, text):
        self.out.write(text)
        self.f.write(text)

    def flush(self):
        self.out.flush()
        self.f.flush()

    def __exit__(self, *exc):
        if self.f:
            sys.stdout = self.out
            self.f.close()


# the main table: (key, heading, width, digits)
COLUMNS = (
    ("accept", "accept/s", 9, 0),
    ("e2e", "e2e/s", 8, 0),
    ("cpu_ms", "CPU ms/msg", 10, 2),
    ("pss_mib", "peak PSS MiB", 12, 1),
    ("fsync", "fsync/msg", 9, 2),
    ("syscalls", "syscalls/msg", 12, 0),
    ("forks", "forks/msg", 9, 2),
    ("execs", "execs/msg", 9, 2),
    ("faults", "faults/msg", 10, 0),
)

# the stage table: what one message costs in each stage, per server
STAGE_COLUMNS = (("rate", "msg/s", 7, 0),) + COLUMNS[2:]
STAGES = ("smtpd->queue", "delivery", "end-to-end")


def size_name(size):
    return "%d KiB" % (size // 1024) if size % 1024 == 0 else "%d B" % size


def row(label, size, conc, values, columns=COLUMNS):
    cells = ["%-8s %-8s %5s" % (label, size_name(size), conc)]
    for key, _, width, digits in columns:
        cells.append("%*s" % (width, fmt(values.get(key), digits)))
    return "  ".join(cells)


def header(columns=COLUMNS):
    cells = ["%-8s %-8s %5s" % ("server", "size", "conc")]
    cells += ["%*s" % (width, head) for _, head, width, _ in columns]
    return "  ".join(cells)


def ratio_row(size, conc, a, b, columns=COLUMNS):
    cells = ["%-8s %-8s %5s" % ("ratio", size_name(size), conc)]
    for key, _, width, _ in columns:
        cells.append("%*s" % (width, ratio(a.get(key), b.get(key))))
    return "  ".join(cells)


def run_line(server, size, conc, rep, r):
    """One run, as it finishes."""
    extra = ""
    if r.get("error"):
        extra = "  FAILED: %s" % r["error"]
    elif r.get("dups"):
        extra = "  %d message(s) delivered twice" % r["dups"]
    say("  run %d %-8s %-8s c=%-3d accept %s/s, e2e %s/s, CPU %s ms/msg, PSS %s MiB, fsync %s/msg, "
        "execs %s/msg, faults %s/msg%s"
        % (rep + 1, server, size_name(size), conc, fmt(r.get("accept"), 0), fmt(r.get("e2e"), 0),
           fmt(r.get("cpu_ms"), 2), fmt(r.get("pss_mib"), 1), fmt(r.get("fsync"), 2), fmt(r.get("execs"), 2),
           fmt(r.get("faults"), 0), extra))


def medians(runs):
    """{key: median over runs} for every column."""
    return {key: median([r.get(key) for r in runs if not r.get("error")]) for key, _, _, _ in COLUMNS}


def main_table(results, servers, cases):
    """results[(server, size, conc)] = [run dicts]; prints medians and ratios."""
    say(header())
    for size, conc in cases:
        meds = {}
        for s in servers:
            meds[s] = medians(results.get((s, size, conc), []))
            say(row(s, size, conc, meds[s]))
        if len(servers) == 2:
            say(ratio_row(size, conc, meds[servers[0]], meds[servers[1]]))


def peak_pss_at(results, servers, conc):
    """{server: highest median peak PSS in MiB at concurrency conc, over the
    sizes} (None when no run of that concurrency gave one)."""
    out = {}
    for s in servers:
        meds = [median([r.get("pss_mib") for r in rs if not r.get("error")])
                for (name, _, c), rs in results.items() if name == s and c == conc]
        meds = [m for m in meds if m is not None]
        out[s] = max(meds) if meds else None
    return out


def pss_line(results, servers, conc=50):
    """One line: each server's peak PSS at concurrency conc, and the ratio."""
    peaks = peak_pss_at(results, servers, conc)
    text = "peak PSS at c=%d: %s" % (conc, ", ".join("%s %s MiB" % (s, fmt(peaks[s], 1)) for s in servers))
    if len(servers) == 2:
        text += " (ratio %s)" % ratio(peaks[servers[0]], peaks[servers[1]])
    return text


def stage_table(rows, servers):
    """rows: [(stage, server, size, conc, {STAGE_COLUMNS' keys})]; prints a
    table per stage (STAGES' order), servers side by side and their ratio."""
    by = {(st, s, size, conc): v for st, s, size, conc, v in rows}
    cases = []
    for st, _, size, conc, _ in rows:
        if (st, size, conc) not in cases:
            cases.append((st, size, conc))
    cases.sort(key=lambda c: (STAGES.index(c[0]) if c[0] in STAGES else len(STAGES), c[1], c[2]))
    last = None
    for st, size, conc in cases:
        if st != last:
            say("%s%s" % ("" if last is None else "\n", st))
            say(header(STAGE_COLUMNS))
            last = st
        meds = {}
        for s in servers:
            if (st, s, size, conc) in by:
                meds[s] = by[(st, s, size, conc)]
                say(row(s, size, conc, meds[s], STAGE_COLUMNS))
        if len(servers) == 2 and len(meds) == 2:
            say(ratio_row(size, conc, meds[servers[0]], meds[servers[1]], STAGE_COLUMNS))
