"""report.py: medians, percentiles and the tables the benchmark prints.

A figure that could not be measured is None and prints as "n/a"; a ratio
with a missing side prints as "-". Never measures anything itself.
"""
import math
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


# the main table: (key, heading, width, digits)
COLUMNS = (
    ("accept", "accept/s", 9, 0),
    ("e2e", "e2e/s", 8, 0),
    ("cpu_ms", "CPU ms/msg", 10, 2),
    ("pss_mib", "peak PSS MiB", 12, 1),
    ("fsync", "fsync/msg", 9, 2),
    ("syscalls", "syscalls/msg", 12, 0),
    ("forks", "forks/msg", 9, 2),
)


def size_name(size):
    return "%d KiB" % (size // 1024) if size % 1024 == 0 else "%d B" % size


def row(label, size, conc, values):
    cells = ["%-8s %-8s %5s" % (label, size_name(size), conc)]
    for key, _, width, digits in COLUMNS:
        cells.append("%*s" % (width, fmt(values.get(key), digits)))
    return "  ".join(cells)


def header():
    cells = ["%-8s %-8s %5s" % ("server", "size", "conc")]
    cells += ["%*s" % (width, head) for _, head, width, _ in COLUMNS]
    return "  ".join(cells)


def run_line(server, size, conc, rep, r):
    """One run, as it finishes."""
    extra = ""
    if r.get("error"):
        extra = "  FAILED: %s" % r["error"]
    elif r.get("dups"):
        extra = "  %d message(s) delivered twice" % r["dups"]
    say("  run %d %-8s %-8s c=%-3d accept %s/s, e2e %s/s, CPU %s ms/msg, PSS %s MiB, fsync %s/msg%s"
        % (rep + 1, server, size_name(size), conc, fmt(r.get("accept"), 0), fmt(r.get("e2e"), 0),
           fmt(r.get("cpu_ms"), 2), fmt(r.get("pss_mib"), 1), fmt(r.get("fsync"), 2), extra))


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
            a, b = (meds[s] for s in servers)
            cells = ["%-8s %-8s %5s" % ("ratio", size_name(size), conc)]
            for key, _, width, _ in COLUMNS:
                cells.append("%*s" % (width, ratio(a.get(key), b.get(key))))
            say("  ".join(cells))
