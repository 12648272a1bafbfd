#!/usr/bin/python3
"""mkseeds.py: writes the seed corpora of tests/fuzz/corpus/NAME/ (run it
again after changing a seed here; the files are committed). Seeds are
small valid inputs, and the classic hostile ones, so that the fuzzer starts
deep in each parser."""
import binascii
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def rec(kind, fields):
    body = b"posta %s 1\n" % kind + b"".join(t + v + b"\0" for t, v in fields) + b"\0"
    return body + b"%08x\n" % (binascii.crc32(body) & 0xffffffff)


def dns_packet(qtype, answers):
    """A response to example.net/qtype with answers [(type, rdata)]."""
    name = b"\x07example\x03net\x00"
    h = struct.pack(">HHHHHH", 0x1234, 0x8180, 1, len(answers), 0, 0)
    q = name + struct.pack(">HH", qtype, 1)
    a = b"".join(b"\xc0\x0c" + struct.pack(">HHIH", t, 1, 300, len(r)) + r for t, r in answers)
    return h + q + a


def mx(pref, host):
    return struct.pack(">H", pref) + b"".join(bytes([len(l)]) + l for l in host.split(b".")) + b"\0"


SEEDS = {
    "envelope": [b"Fa@b\0Tc@d\0\0", b"F\0Tpostmaster\0Tx@y\0\0", b"Fa@b\0\0", b"Fa\rb\0Tc\0\0", b"F" + b"x" * 1001 + b"\0Tc\0\0"],
    "rec": [rec(b"todo", [(b"u", b"0"), (b"p", b"12"), (b"t", b"1700000000"), (b"F", b"a@b"), (b"T", b"c@d")]),
            rec(b"info", [(b"F", b""), (b"t", b"1"), (b"u", b"0"), (b"s", b"10"), (b"d", b"0"), (b"h", b"0"), (b"x", b"0")]),
            rec(b"rcpt", [(b"A", b"alice@example.com"), (b"S", b"P"), (b"n", b"0"), (b"w", b"0"), (b"e", b"")]) + b"\x02",
            rec(b"bounce", [(b"F", b"a@b"), (b"t", b"1"), (b"k", b"f"), (b"A", b"x@y"), (b"e", b"D5.1.1 - no")]) + b"\x03"],
    "control": [b"example.com\nexample.net\n", b"# comment\n\n  spaced \t\r\nlast", b"12345\n", b"99999999999999999999999\n", b"a\0b\nc"],
    "domains": [b"mx.example.org\0example.org\nmx.example.org\0virt.test:vp\n.sub.test:sp\nalice@x.test:ap\nexcept.test:\0alice@example.org\nbob@virt.test\nc@a.sub.test\nnobody\nx@EXAMPLE.ORG\nalice@x.test\nz@except.test"],
    "assign": [b"=alice:alice:1000:1000:/home/alice:::\n+bob-:bob:1001:1001:/home/bob:-::\n=carol@example.com:c:5:5:/v/c:::\n# c\n\n.\n",
               b"alice\0" + b"1000\0" + b"1000\0" + b"/home/alice\0" + b"-\0" + b"ext\0",
               b"=x:y:z:1:/h:::\n.\n", b"=a:b:1:1:/h::\n"],
    "dotqmail": [b"\x01list-owner", b"\x00", b"\x01a-b-c-d", b"\x01../etc/passwd", b"\x01.hidden/x", b"\x01UPPER.case"],
    "loopcheck": [b"\x03Received: x\nDelivered-To: alice@example.com\nSubject: y\n\nbody\n",
                  b"\x01Delivered-To: ALICE@example.com  \n\n", b"\x05" + b"Received: a\n" * 120 + b"\n"],
    "instr": [b"# comment\n&bob@example.com\n carol@example.org \n|/bin/true\n./Maildir/\n/tmp/x\n",
              b"&\n", b"&a\rb\n", b"x@y\r\n\n\n&" + b"z" * 1200 + b"\n"],
    "inject_addr": [b"alice@example.com", b"Alice <alice@example.com>, bob@example.org", b"team: a@x, b@y;, <@r1,@r2:c@z>",
                    b"\"quoted \\\" @\" @ example . com (comment (nested)) ", b"<>", b"a@[192.0.2.1]", b"x@y\r\n z@w", b"un\"closed"],
    "inject_head": [b"\x00From: a@b\nTo: c@d, e@f\nBcc: g@h\nSubject: x\n\nbody\n",
                    b"\x01From someone Thu\nTo: x@y\n folded@z\nResent-To: r@s\nResent-Bcc: t@u\n\n.\n",
                    b"\x02Subject: no recipients\nbody without blank\n", b"\x00To: \"unclosed\n\n"],
    "mdsize": [b"1000S\n", b"1000S,10C\n  120 1\n-20 -1\n", b"10C\n1 1", b"junk\n"],
    "addr": [b"\x00<alice@example.com>", b"\x02<>", b"\x04<postmaster>", b"\x00<@a.example,@b.example:user@c.example>",
             b"\x00<\"user@evil\"@example.com>", b"\x00<user%evil@example.com>", b"\x00<a!b@example.com>",
             b"\x00<user@[192.0.2.1]>", b"\x00<user@[IPv6:2001:db8::1]>", b"\x01<j\xc3\xb6rg@b\xc3\xbccher.example>",
             b"\x00<user@example.com.>", b"\x00<a@b@c>", b"\x00<\"\\\"\"@x.y>"],
    "smtpd_line": [b"\x03EHLO x\r\nMAIL FROM:<a@b>\r\n", b"\x01HELO x\nRSET\r\n", b"\x02" + b"A" * 600 + b"\r\nQUIT\r\n", b"\x04NOOP\0x\r\n"],
    "smtpd_param": [b"\x00 SIZE=1000 BODY=8BITMIME SMTPUTF8", b"\x01 NOTIFY=NEVER ORCPT=rfc822;a+2Bb@c",
                    b"\x00 SIZE=99999999999999999999999", b"\x00 AUTH=<> RET=HDRS ENVID=x+0D+0A", b"\x00 SIZE=1 SIZE=2", b"\x00 X=1"],
    "smtpd_data": [b"\x02Subject: x\r\nReceived: a\r\n\r\n..dot\r\nbody\r\n.\r\n", b"\x01.\r\n", b"\x03a\n.\nb\r\n.\r\n",
                   b"\x04a\r\n.\nMAIL FROM:<x@y>\r\n.\r\n", b"\x05a\r.\r\n", b"\x06a\r\n.\rx\r\n.\r\n", b"\x00x\0y\r\n.\r\n"],
    "smtpd_session": [b"\x00EHLO c.example\r\nMAIL FROM:<a@b.example> SIZE=10\r\nRCPT TO:<alice@example.org>\r\nDATA\r\nSubject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n",
                      b"\x01HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<x@relay.example>\r\nRCPT TO:<user%evil@example.org>\r\nDATA\r\nx\n.\nMAIL FROM:<s@x>\r\n.\r\nQUIT\r\n",
                      b"\x00EHLO x\r\nMAIL FROM:<a@b> BODY=8BITMIME SMTPUTF8\r\nRCPT TO:<tempfail@example.org>\r\nRCPT TO:<@a,@b:alice@example.org>\r\nRSET\r\nVRFY x\r\nNOOP\r\nHELP\r\nQUIT\r\n",
                      b"\x00EHLO \rx\r\nAUTH PLAIN AAAA\r\nSTARTTLS\r\nBDAT 10\r\nQUIT\r\n"],
    "esc": [b"\x00alice@example.com", b"\x09a b\r\n<x>\\\x7f\xe9@example.com", b"\x52250 ok \xe9\\\r\n",
            b"\x13 name with spaces\t", b"\x2bbad name\n\x00[1.2.3.4];()", b"\xfc" + b"\n" * 40, b"\x20abcd"],
    "smtpreply": [b"\x03220 mx.example.net ESMTP\r\n", b"\x01250-mx.example.net\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 8BITMIME\r\n",
                  b"\x02550 5.1.1 <a@b>: no such user\n", b"\x05421-a\r\n451 b\r\n", b"\x04" + b"250-" + b"x" * 600 + b"\r\n250 ok\r\n", b"\x00abc\r\n"],
    "remote_session": [b"220 mx ESMTP\r\n250-mx\r\n250-PIPELINING\r\n250-SIZE 100000\r\n250 8BITMIME\r\n250 ok\r\n250 ok\r\n550 5.1.1 no\r\n451 4.2.0 later\r\n354 go\r\n250 2.0.0 queued\r\n221 bye\r\n",
                       b"220 mx\r\n250 mx\r\n250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n",
                       b"220 mx\r\n500 no ehlo\r\n250 helo ok\r\n250 ok\r\n550 no\r\n550 no\r\n550 no\r\n",
                       b"554 go away\r\n", b"220 mx\r\n250-mx\r\n250 SIZE 10\r\n", b"220 mx\r\n250 mx\r\n250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n"],
    "dnsplan": [b"\x00\x00" + dns_packet(15, [(15, mx(10, b"mx1.example.net")), (15, mx(10, b"mx2.example.net")), (15, mx(20, b"me.example.org"))])
                + b"\0\0\0\0" + dns_packet(28, [(28, b"\x20\x01\x0d\xb8" + b"\0" * 11 + b"\x01")])
                + b"\0\0\0\0" + dns_packet(1, [(1, b"\xc0\x00\x02\x01"), (1, b"\x7f\x00\x00\x01")]),
                b"\x00\x00" + dns_packet(15, [(15, b"\x00\x00\x00")]) + b"\0\0\0\0\0\0\0\0",
                b"\x01\x00", b"\x80\x15", b"\xc0\x00" + b"\0\0\0\0" * 2 + dns_packet(1, [(1, b"\xc0\x00\x02\x05")])],
}


def main():
    for name, seeds in SEEDS.items():
        d = os.path.join(HERE, "corpus", name)
        os.makedirs(d, exist_ok=True)
        for i, s in enumerate(seeds):
            with open(os.path.join(d, "seed-%02d" % i), "wb") as f:
                f.write(s)


if __name__ == "__main__":
    main()
