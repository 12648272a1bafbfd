"""Unit tests of the benchmark's report code (bench/lib): perf stat's output
parsed into counts and per-message figures, the stage table, peak PSS at
c=50, the SVG chart and the text report's tee. No server, no perf, no
timing: fixed inputs, fixed outputs.
"""
import io
import os
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "bench", "lib"))

import chart  # noqa: E402  (bench/lib)
import perfcount  # noqa: E402
import report  # noqa: E402

# perf stat -a -x, -G g,g,... as perf 6.1 writes it (value,unit,event,cgroup,run time,percent,,)
PERF_OUT = """\
# started on Mon Dec  7 16:00:00 2026

700,,syscalls:sys_enter_fsync,posta-bench-1/posta,3003004,100.00,,
0,,syscalls:sys_enter_fdatasync,posta-bench-1/posta,3003004,100.00,,
2,,syscalls:sys_enter_syncfs,posta-bench-1/posta,3003004,100.00,,
<not counted>,,syscalls:sys_enter_sync_file_range,posta-bench-1/posta,0,100.00,,
63400,,raw_syscalls:sys_enter,posta-bench-1/posta,3003004,100.00,,
300,,sched:sched_process_fork,posta-bench-1/posta,3003004,100.00,,
200,,sched:sched_process_exec,posta-bench-1/posta,3003004,100.00,,
27900,,page-faults,posta-bench-1/posta,3003004,100.00,,
"""


class PerfStat(unittest.TestCase):
    def test_counts(self):
        c = perfcount.parse_stat(PERF_OUT)
        self.assertEqual(c, {"fsync": 700, "fdatasync": 0, "syncfs": 2, "sync_file_range": 0, "syscalls": 63400,
                             "forks": 300, "execs": 200, "faults": 27900})

    def test_per_message(self):
        f = perfcount.per_message(perfcount.parse_stat(PERF_OUT), 100)
        self.assertEqual(f, {"fsync": 7.02, "syscalls": 634.0, "forks": 3.0, "execs": 2.0, "faults": 279.0})

    def test_unsupported_or_missing_is_not_measured(self):
        text = "<not supported>,,page-faults,g,0,100.00,,\n12,,sched:sched_process_fork,g,1,100.00,,\n"
        c = perfcount.parse_stat(text)
        self.assertIsNone(c["faults"])
        self.assertIsNone(c["syscalls"])
        self.assertEqual(c["forks"], 12)
        f = perfcount.per_message(c, 4)
        self.assertEqual(f, {"forks": 3.0})

    def test_other_events_and_junk_ignored(self):
        c = perfcount.parse_stat("5,,cycles,g,1,100,,\nnot,a,line\n\n3,,sched:sched_process_exec,g,1,100,,\n")
        self.assertEqual(c["execs"], 3)
        self.assertEqual(sum(1 for v in c.values() if v is not None), 1)


def run(e2e, cpu, pss, **kw):
    r = {"accept": e2e, "e2e": e2e, "cpu_ms": cpu, "pss_mib": pss}
    r.update(kw)
    return r


RESULTS = {
    ("posta", 2048, 1): [run(200, 4.0, 4.0), run(210, 4.2, 4.1), run(230, 4.4, 4.2)],
    ("postfix", 2048, 1): [run(400, 2.0, 120.0), run(410, 2.1, 121.0), run(420, 2.2, 122.0)],
    ("posta", 2048, 50): [run(390, 4.2, 13.0, execs=2.0, faults=279.0), run(400, 4.3, 14.0, execs=2.0, faults=281.0),
                          {"error": "smtp-source exited 1"}],
    ("postfix", 2048, 50): [run(520, 2.0, 130.0, execs=0.0, faults=40.0), run(530, 2.1, 129.0, execs=0.0,
                                                                             faults=42.0)],
    ("posta", 102400, 50): [run(340, 5.0, 16.0)],
    ("postfix", 102400, 50): [run(470, 2.9, 132.0)],
}


class Tables(unittest.TestCase):
    def capture(self, fn, *args):
        out = io.StringIO()
        old, sys.stdout = sys.stdout, out
        try:
            fn(*args)
        finally:
            sys.stdout = old
        return out.getvalue()

    def test_main_table_has_the_new_columns_and_ratios(self):
        text = self.capture(report.main_table, RESULTS, ["posta", "postfix"], [(2048, 50)])
        head, posta, postfix, ratio = text.splitlines()
        for col in ("syscalls/msg", "forks/msg", "execs/msg", "faults/msg", "peak PSS MiB"):
            self.assertIn(col, head)
        # medians over the runs without an error
        self.assertEqual(posta.split()[-2:], ["2.00", "280"])
        self.assertEqual(postfix.split()[-2:], ["0.00", "41"])
        self.assertEqual(ratio.split()[-1], "6.83")   # 280 / 41
        self.assertEqual(ratio.split()[-2], "-")      # a ratio to zero execs

    def test_pss_at_c50_is_the_highest_median_over_sizes(self):
        peaks = report.peak_pss_at(RESULTS, ["posta", "postfix"], 50)
        self.assertEqual(peaks, {"posta": 16.0, "postfix": 132.0})
        self.assertEqual(report.pss_line(RESULTS, ["posta", "postfix"]),
                         "peak PSS at c=50: posta 16.0 MiB, postfix 132.0 MiB (ratio 0.12)")
        self.assertEqual(report.pss_line(RESULTS, ["posta"], conc=10), "peak PSS at c=10: posta n/a MiB")

    def test_stage_table(self):
        rows = [("delivery", "posta", 2048, "all", {"rate": 600.0, "forks": 1.0, "execs": 1.0, "faults": 90.0}),
                ("smtpd->queue", "posta", 2048, 10, {"rate": 500.0, "forks": 2.0, "execs": 2.0, "faults": 190.0}),
                ("smtpd->queue", "postfix", 2048, 10, {"rate": 800.0, "forks": 0.02, "execs": 0.0,
                                                       "faults": 20.0}),
                ("delivery", "postfix", 2048, "all", {"rate": 900.0, "forks": 0.01, "faults": 15.0})]
        lines = self.capture(report.stage_table, rows, ["posta", "postfix"]).splitlines()
        # stages in their order, each with its own header, then servers and ratio
        self.assertEqual(lines[0], "smtpd->queue")
        self.assertIn("execs/msg", lines[1])
        self.assertTrue(lines[2].startswith("posta ") and lines[3].startswith("postfix ")
                        and lines[4].startswith("ratio "))
        self.assertEqual(lines[4].split()[-1], "9.50")   # faults 190 / 20
        self.assertEqual(lines[5:7], ["", "delivery"])
        self.assertEqual(lines[9].split()[-2], "n/a")    # postfix's execs not measured
        self.assertEqual(lines[10].split()[-2], "-")     # so no ratio

    def test_end_to_end_rows_from_medians(self):
        import stages
        cfg = type("Cfg", (), {"stage_size": 2048})
        rows = stages.end_to_end_rows(RESULTS, cfg)
        got = {(r[1], r[3]): r[4]["rate"] for r in rows}
        self.assertEqual(got, {("posta", 1): 210, ("postfix", 1): 410, ("posta", 50): 395, ("postfix", 50): 525})
        self.assertTrue(all(r[0] == "end-to-end" for r in rows))


class Chart(unittest.TestCase):
    def test_svg_is_xml_with_one_line_per_server_and_size_and_panel(self):
        text = chart.svg(RESULTS, ["posta", "postfix"], [2048, 102400], [1, 50], "posta against postfix")
        root = ET.fromstring(text.split("\n", 1)[1])
        ns = "{http://www.w3.org/2000/svg}"
        lines = root.findall(ns + "polyline")
        self.assertEqual(len(lines), 2 * 2 * 2)   # servers x sizes x panels
        colors = {pl.get("stroke") for pl in lines}
        self.assertEqual(colors, {chart.COLORS["posta"], chart.COLORS["postfix"]})
        texts = [t.text for t in root.iter(ns + "text")]
        for want in ("posta, 2 KiB", "postfix, 100 KiB", "c=1", "c=50", "posta against postfix"):
            self.assertIn(want, texts)

    def test_missing_points_are_left_out(self):
        text = chart.svg(RESULTS, ["posta"], [102400], [1, 50], "t")
        root = ET.fromstring(text.split("\n", 1)[1])
        pts = [pl.get("points").split() for pl in root.iter("{http://www.w3.org/2000/svg}polyline")]
        self.assertEqual([len(p) for p in pts], [1, 1])   # only c=50 measured at 100 KiB

    def test_nice_top(self):
        self.assertEqual([chart.nice_top(v) for v in (437, 4.2, 0.5, 12345, 0, 100)],
                         [500, 5, 0.5, 20000, 1.0, 100])

    def test_title_is_escaped(self):
        text = chart.svg({}, ["a<b"], [2048], [1], "x & y")
        self.assertIn("x &amp; y", text)
        ET.fromstring(text.split("\n", 1)[1])


class TeeFile(unittest.TestCase):
    def test_tee_writes_the_file_and_restores_stdout(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "sub", "report.txt")
            out = io.StringIO()
            old, sys.stdout = sys.stdout, out
            try:
                with report.Tee(path):
                    report.say("line one")
                report.say("after")
            finally:
                sys.stdout = old
            with open(path) as f:
                self.assertEqual(f.read(), "line one\n")
            self.assertEqual(out.getvalue(), "line one\nafter\n")


if __name__ == "__main__":
    unittest.main()
