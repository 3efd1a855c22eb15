#!/usr/bin/env python3
"""Prints the sqldb figures of bench/results/latest.json as the Markdown tables docs/performance.md shows.

    python3 bench/sqldb_report.py [bench/results/latest.json]
"""

import json
import os
import sys

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "results", "latest.json")
data = json.load(open(path))["sqldb"]


def cell(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mib(kb):
    return f"{kb / 1024:.0f} MiB" if kb else "–"


print(f"{data['rows']:,} rows, {data['runs']} runs a case (dlt {data['dlt_runs']}) after {data['warmup']} warm-up, "
      f"{data.get('date', '')}; load average (1 min) {data['load_average_start'][0]:.1f} at the start, "
      f"{data['load_average_end'][0]:.1f} at the end; {data.get('versions', {})}\n")
print(f"`uptime` at the start: {cell(data.get('uptime_start', ''))}\n")
print("| Case | Status | Rows | Runs | Median wall | rows/s (wall) | CPU s: client + server | Peak RSS | 1-min load during runs |")
print("|---|---|---|---|---|---|---|---|---|")
for name, c in data["cases"].items():
    status = c["status"]
    if status in ("skipped", "failed"):
        print(f"| {cell(name)} | {status}: {cell(c.get('error', ''))} | {c['rows']:,} | – | – | – | – | – | – |")
        continue
    if status == "wrong":
        status = f"**wrong** ({', '.join(c['mismatch']['fields'])})"
    server = c.get("postgres_server_cpu_seconds_median", 0)
    rss = f"dltaf {mib(c['dltaf_max_rss_kb'])}" if c.get("dltaf_max_rss_kb") else mib(c["tree_max_rss_kb"])
    load = c["load1"]
    print(f"| {cell(name)} | {status} | {c['rows']:,} | {c['runs']} | {c['median_seconds']:.2f} s | "
          f"{c['rows_per_second']:,.0f} | {c['cpu_seconds_median']:.2f} + {server:.2f} | {rss} | "
          f"{min(load):.1f}–{max(load):.1f} |")

print("\n| Ratio (rows/s over rows/s, wall medians) | value |\n|---|---|")
for name, value in data["ratios"].items():
    shown = "– (a side did not run)" if value is None else (f"{value:.2f}× ({value:.0%})" if "COPY" in name else f"{value:.2f}×")
    print(f"| {cell(name)} | {shown} |")

peak = data.get("dltaf_peak_rss_kb", {})
if peak:
    print("\ndltaf peak RSS: " + "; ".join(
        f"{route} " + ", ".join(f"{int(rows):,} rows {mib(kb)}" for rows, kb in sizes.items())
        for route, sizes in peak.items()))

print("\n| Case | destination column types (amount, payload, created_at) |\n|---|---|")
for name, c in data["cases"].items():
    columns = c.get("columns")
    if columns:
        print(f"| {cell(name)} | {cell(', '.join(str(columns.get(k, '?')) for k in ('amount', 'payload', 'created_at')))} |")
