"""Draws the cost-growth chart of bench/growth.sh as a log-log SVG (no plotting library needed).

Usage: python3 bench/growth_chart.py growth.csv growth.svg
Three lines against the speed-test rows: whole-ingest seconds, warehouse plus Parquet in MB,
and peak resident memory in MB. For each volume the latest measurement is drawn.
"""
import csv
import math
import sys

rows = {}
for r in csv.DictReader(open(sys.argv[1])):
    rows[int(r["rows"])] = r  # the latest measurement of a volume wins
xs = sorted(rows)
series = [
    ("ingest (s)", "#1f4e79", [float(rows[x]["seconds"]) for x in xs]),
    ("warehouse + Parquet (MB)", "#b35900",
     [(int(rows[x]["warehouse_bytes"]) + int(rows[x]["parquet_bytes"])) / 1e6 for x in xs]),
    ("peak RSS (MB)", "#2e7d32", [int(rows[x]["peak_rss_kib"]) * 1024 / 1e6 for x in xs]),
]
W, H, L, R, T, B = 720, 440, 70, 210, 30, 60
lo_x, hi_x = math.floor(math.log10(min(xs)) + 0.01), math.ceil(math.log10(max(xs)) - 0.01)
ys = [v for _, _, vs in series for v in vs]
lo_y, hi_y = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)) + 1e-9)
if hi_x == lo_x:
    hi_x += 1
if hi_y == lo_y:
    hi_y += 1


def px(x):
    return L + (math.log10(x) - lo_x) / (hi_x - lo_x) * (W - L - R)


def py(y):
    return H - B - (math.log10(y) - lo_y) / (hi_y - lo_y) * (H - T - B)


out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>']
for e in range(lo_x, hi_x + 1):
    x = px(10 ** e)
    out.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{H - B}" stroke="#ddd"/>')
    out.append(f'<text x="{x:.1f}" y="{H - B + 18}" text-anchor="middle">1e{e}</text>')
for e in range(lo_y, hi_y + 1):
    y = py(10 ** e)
    out.append(f'<line x1="{L}" y1="{y:.1f}" x2="{W - R}" y2="{y:.1f}" stroke="#ddd"/>')
    out.append(f'<text x="{L - 8}" y="{y + 4:.1f}" text-anchor="end">1e{e}</text>')
out.append(f'<text x="{(L + W - R) / 2}" y="{H - 15}" text-anchor="middle">speed-test rows ingested</text>')
for i, (name, colour, vs) in enumerate(series):
    pts = " ".join(f"{px(x):.1f},{py(v):.1f}" for x, v in zip(xs, vs))
    out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for x, v in zip(xs, vs):
        out.append(f'<circle cx="{px(x):.1f}" cy="{py(v):.1f}" r="3" fill="{colour}"/>')
    out.append(f'<text x="{W - R + 12}" y="{T + 20 + 20 * i}" fill="{colour}">{name}</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
