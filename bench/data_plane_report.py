#!/usr/bin/env python3
"""Prints the data-plane figures of bench/results/latest.json as the Markdown table docs/performance.md shows.

    python3 bench/data_plane_report.py [bench/results/latest.json]
"""

import json
import os
import sys

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "results", "latest.json")
data = json.load(open(path))["data_plane"]
print(f"{data['rows']:,} rows, {data['date']}, load average (1 min) {data['load_average_start'][0]:.1f} at the start, "
      f"{data['load_average_end'][0]:.1f} at the end; {data['versions']}\n")
print("| Case | Rows | Runs | Median wall | rows/s (wall) | CPU s (all processes) | rows per CPU-s | split | Peak RSS | 1-min load during runs |")
print("|---|---|---|---|---|---|---|---|---|---|")
for name, c in data["cases"].items():
    if "postgres" not in name and "psql" not in name:  # the idle server's own background work is not this case's
        c.pop("postgres_server_cpu_seconds_median", None)
    cpu = c["cpu_seconds_median"] + c.get("postgres_server_cpu_seconds_median", 0)
    split = []
    if "runner_cpu_seconds_median" in c:
        split += [f"runner {c['runner_cpu_seconds_median']:.2f}", f"dltaf {c['dltaf_cpu_seconds_median']:.2f}"]
    elif "postgres_server_cpu_seconds_median" in c:
        split += [f"client {c['cpu_seconds_median']:.2f}"]
    if "postgres_server_cpu_seconds_median" in c:
        split.append(f"server {c['postgres_server_cpu_seconds_median']:.2f}")
    rss = f"dltaf {c['dltaf_max_rss_kb'] / 1024:.0f} MiB" if "dltaf_max_rss_kb" in c else f"{c['tree_max_rss_kb'] / 1024:.0f} MiB"
    load = c["load1"]
    print(f"| {name} | {c['rows']:,} | {c['runs']} | {c['median_seconds']:.2f} s | {c['rows_per_second']:,.0f} | "
          f"{cpu:.2f} | {c['rows'] / cpu:,.0f} | {', '.join(split)} | {rss} | {min(load):.1f}–{max(load):.1f} |")
def per_cpu(name):
    c = data["cases"][name]
    return c["rows"] / (c["cpu_seconds_median"] + c.get("postgres_server_cpu_seconds_median", 0))


print("\n| Ratio | wall (medians) | CPU (rows per CPU-s) |\n|---|---|---|")
for name, value in data["ratios"].items():
    left, right = name.split(" / ")
    dest, transport = left.split()
    print(f"| dltaf {dest} {transport} / {right} | {value:.2f}× | {per_cpu(f'dltaf {dest} {transport}') / per_cpu(right):.2f}× |")
