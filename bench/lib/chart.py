"""chart.py: the main table as an SVG chart, written next to the text
report: the end-to-end rate and the CPU per message of each server by
concurrency, one line per server and message size (posta blue, Postfix
orange; 2 KiB solid, larger sizes dashed). Hand-written SVG, no library.

Never measures anything: it draws report.medians of the runs it is given.
"""
from xml.sax.saxutils import escape

import report

COLORS = {"posta": "#1f5fbf", "postfix": "#e07b00"}
OTHER_COLORS = ("#2a9d3a", "#9b3bb5", "#666666")
DASHES = ("", "6,4", "2,3", "10,3,2,3")
PANEL_W, PANEL_H = 380, 260
MARGIN_L, MARGIN_T, MARGIN_B, GAP = 60, 50, 50, 70
PANELS = (("e2e", "end-to-end msg/s (higher is better)"), ("cpu_ms", "CPU ms per message (lower is better)"))


def series(results, servers, sizes, concs):
    """{(server, size): {key: [median at each conc, None when missing]}}."""
    out = {}
    for s in servers:
        for size in sizes:
            meds = [report.medians(results.get((s, size, c), [])) for c in concs]
            out[(s, size)] = {key: [m.get(key) for m in meds] for key, _ in PANELS}
    return out


def nice_top(v):
    """A round number at or above v for the top of an axis."""
    if not v or v <= 0:
        return 1.0
    step = 10 ** len(str(int(v))) / 10.0 if v >= 1 else 0.1
    while step * 10 < v:
        step *= 10
    for m in (1, 2, 2.5, 5, 10):
        if step * m >= v:
            return step * m
    return step * 10


def _color(server, servers):
    if server in COLORS:
        return COLORS[server]
    return OTHER_COLORS[servers.index(server) % len(OTHER_COLORS)]


def _panel(x0, key, title, data, servers, sizes, concs):
    """The SVG elements of one panel whose plot area starts at x0."""
    top = nice_top(max([v for d in data.values() for v in d[key] if v is not None] or [0]))
    y0, h, w = MARGIN_T, PANEL_H, PANEL_W
    el = ['<text x="%d" y="%d" class="title">%s</text>' % (x0, y0 - 12, escape(title)),
          '<rect x="%d" y="%d" width="%d" height="%d" class="frame"/>' % (x0, y0, w, h)]
    for i in range(5):
        v = top * i / 4.0
        y = y0 + h - h * i / 4.0
        el.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="grid"/>' % (x0, y, x0 + w, y))
        el.append('<text x="%d" y="%.1f" class="tick" text-anchor="end">%s</text>'
                  % (x0 - 6, y + 4, report.fmt(v, 1 if top < 10 else 0)))

    def px(i):
        return x0 + (w * (i + 0.5) / len(concs))

    for i, c in enumerate(concs):
        el.append('<text x="%.1f" y="%d" class="tick" text-anchor="middle">c=%s</text>' % (px(i), y0 + h + 18, c))
    el.append('<text x="%.1f" y="%d" class="tick" text-anchor="middle">concurrency (sessions in parallel)</text>'
              % (x0 + w / 2.0, y0 + h + 38))
    for s in servers:
        for j, size in enumerate(sizes):
            pts = [(px(i), y0 + h - h * v / top) for i, v in enumerate(data[(s, size)][key]) if v is not None]
            if not pts:
                continue
            dash = DASHES[j % len(DASHES)]
            style = ' stroke-dasharray="%s"' % dash if dash else ""
            el.append('<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>'
                      % (_color(s, servers), style, " ".join("%.1f,%.1f" % p for p in pts)))
            for p in pts:
                el.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (p[0], p[1], _color(s, servers)))
    return el


def svg(results, servers, sizes, concs, title):
    """The chart as SVG text."""
    data = series(results, servers, sizes, concs)
    width = MARGIN_L * 2 + PANEL_W * 2 + GAP
    legend_y = MARGIN_T + PANEL_H + MARGIN_B + 10
    height = legend_y + 20 * len(servers) * len(sizes) + 10
    el = ['<?xml version="1.0" encoding="UTF-8"?>',
          '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">'
          % (width, height, width, height),
          '<style>text{font-family:sans-serif;font-size:12px}.title{font-size:14px;font-weight:bold}'
          '.tick{fill:#444}.frame{fill:none;stroke:#888}.grid{stroke:#ddd}</style>',
          '<rect width="100%" height="100%" fill="white"/>',
          '<text x="%d" y="18" class="title">%s</text>' % (MARGIN_L, escape(title))]
    for k, (key, head) in enumerate(PANELS):
        el += _panel(MARGIN_L + k * (PANEL_W + GAP), key, head, data, servers, sizes, concs)
    y = legend_y
    for s in servers:
        for j, size in enumerate(sizes):
            dash = DASHES[j % len(DASHES)]
            style = ' stroke-dasharray="%s"' % dash if dash else ""
            el.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>'
                      % (MARGIN_L, y - 4, MARGIN_L + 30, y - 4, _color(s, servers), style))
            el.append('<text x="%d" y="%d">%s, %s</text>' % (MARGIN_L + 38, y, escape(s),
                                                             escape(report.size_name(size))))
            y += 20
    el.append("</svg>")
    return "\n".join(el) + "\n"


def write(path, results, servers, sizes, concs, title):
    with open(path, "w") as f:
        f.write(svg(results, servers, sizes, concs, title))
