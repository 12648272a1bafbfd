"""The golden notices of tests/unit/test_dsn.c, read by another MIME parser:
python's email package must see each as a multipart/report of report-type
delivery-status, with a human-readable text/plain part, a
message/delivery-status part whose blocks carry the fields RFC 3464
requires, and the original or its headers, all without a defect."""
import glob
import os
import re
import unittest

from bouncekit import parse, status_blocks

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = sorted(glob.glob(os.path.join(HERE, "unit", "golden", "dsn_*.eml")))
STATUS = re.compile(r"^[245]\.\d{1,3}\.\d{1,3}$")


class GoldenTest(unittest.TestCase):
    def test_there_are_goldens(self):
        names = {os.path.basename(g) for g in GOLDEN}
        for n in ("remote_550", "mixed_three", "delay", "double", "headers_8bit", "huge", "injection"):
            self.assertIn("dsn_%s.eml" % n, names)

    def check_one(self, fn):
        data = open(fn, "rb").read()
        self.assertNotIn(b"\r", data)
        self.assertNotIn(b"\0", data)
        self.assertTrue(all(len(l) <= 998 for l in data.split(b"\n")))
        msg = parse(data)
        for part in msg.walk():
            self.assertEqual(part.defects, [], "%s: %s" % (fn, part.get_content_type()))
        self.assertEqual(msg.get_content_type(), "multipart/report")
        self.assertEqual(msg.get_param("report-type"), "delivery-status")
        self.assertEqual(msg["Auto-Submitted"], "auto-replied")
        self.assertEqual(msg["MIME-Version"], "1.0")
        for h in ("From", "To", "Subject", "Date", "Message-ID"):
            self.assertEqual(len(msg.get_all(h)), 1, h)
        parts = list(msg.iter_parts())
        self.assertIn(len(parts), (2, 3))
        self.assertEqual(parts[0].get_content_type(), "text/plain")
        self.assertIn("This is the mail system at", parts[0].get_content())
        self.assertEqual(parts[1].get_content_type(), "message/delivery-status")
        if len(parts) == 3:
            self.assertIn(parts[2].get_content_type(), ("message/rfc822", "text/rfc822-headers"))
        blocks = status_blocks(msg)
        self.assertGreaterEqual(len(blocks), 2)
        self.assertTrue(blocks[0]["Reporting-MTA"].startswith("dns; "))
        self.assertIsNotNone(blocks[0]["Arrival-Date"])
        for b in blocks[1:]:
            self.assertRegex(b["Final-Recipient"], r"^(rfc822|utf-8); \S")
            self.assertIn(b["Action"], ("failed", "delayed"))
            self.assertRegex(b["Status"], STATUS)
            if b["Action"] == "delayed":
                self.assertIsNotNone(b["Will-Retry-Until"])
        return msg

    def test_every_golden_parses(self):
        for fn in GOLDEN:
            with self.subTest(fn=os.path.basename(fn)):
                self.check_one(fn)

    def test_injection_golden_adds_no_header(self):
        msg = parse(open(os.path.join(HERE, "unit", "golden", "dsn_injection.eml"), "rb").read())
        self.assertIsNone(msg["Bcc"])
        self.assertIsNone(msg["X-Injected"])
        self.assertEqual(len(list(msg.iter_parts())), 3)
        blocks = status_blocks(msg)
        self.assertEqual(len(blocks), 3)
        for b in blocks[1:]:
            self.assertIsNone(b["Bcc"])
            self.assertIsNone(b["X-Evil"])
            self.assertEqual(b["Action"], "failed")
        # the attached original is one message: its fake boundary did not split the report
        self.assertEqual(list(msg.iter_parts())[2].get_content_type(), "message/rfc822")

    def test_delay_golden(self):
        msg = parse(open(os.path.join(HERE, "unit", "golden", "dsn_delay.eml"), "rb").read())
        blocks = status_blocks(msg)
        self.assertEqual([b["Action"] for b in blocks[1:]], ["delayed", "delayed"])
        self.assertEqual(blocks[1]["Will-Retry-Until"], "Sun, 19 Nov 2023 22:13:20 +0000")
        self.assertEqual(list(msg.iter_parts())[2].get_content_type(), "text/rfc822-headers")

    def test_doc_examples_are_the_goldens(self):
        doc = open(os.path.join(os.path.dirname(HERE), "doc", "notifications.md")).read()
        examples = re.findall(r"<!-- golden: (\S+) -->\n```text\n(.*?)```\n", doc, re.S)
        self.assertEqual([n for n, _ in examples], ["dsn_remote_550.eml", "dsn_delay.eml", "dsn_double.eml"])
        for name, text in examples:
            self.assertEqual(text, open(os.path.join(HERE, "unit", "golden", name)).read(), name)


if __name__ == "__main__":
    unittest.main()
