#!/usr/bin/env bash
# The data-plane section of `make bench` (also runnable alone): BENCH_DATA_ROWS rows (default 1,000,000) of
# 5 columns from one Python generator (bench/data_plane_rows.py), side by side in one run:
#   - a Python SDK runner through `dltaf exec` (release build) into SQLite and PostgreSQL, by transport
#     (NDJSON files, CSV files, inline batches): median wall, rows/s, dltaf's peak RSS, count and sum(id);
#   - the ceilings on the same rows as one CSV file: `sqlite3 .import --csv` and `psql \copy`;
#   - the same generator under dlt (a bench-only venv outside the repo, created when missing);
#   - dltaf's peak RSS at BENCH_DATA_BIG_ROWS (default 10,000,000; 0 skips) on the fastest SQLite path.
# PostgreSQL is a throwaway server on a free loopback port (as `nobody` under root), stopped on exit.
# Knobs: BENCH_DATA_RUNS (5), BENCH_DATA_DLT_RUNS (2), BENCH_DATA_TRANSPORTS ("ndjson csv inline"),
# BENCH_DATA_PG=0 / BENCH_DATA_DLT=0 to skip, BENCH_DLT_VENV (~/.cache/dltaf-bench-venv).
# Merges its figures into bench/results/latest.json under "data_plane". See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=bench/results/latest.json
export BENCH_DATA_ROWS=${BENCH_DATA_ROWS:-1000000}

if [[ -z ${BENCH_BIN:-} ]]; then
    BUILD=(swift build -c release --static-swift-stdlib --scratch-path .build-static)
    "${BUILD[@]}" >/dev/null
    BENCH_BIN=$("${BUILD[@]}" --show-bin-path)
fi
export BENCH_BIN

WORK=$(mktemp -d /tmp/dltaf-bench-data.XXXXXX)
PGPID=
cleanup() {
    if [[ -n $PGPID ]]; then
        kill -INT "$PGPID" 2>/dev/null || true
        wait "$PGPID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export BENCH_WORK=$WORK
echo "bench-data: $(uptime)" >&2

# The runner plugin, on the real interpreter (not a pyenv shim: its start-up would be timed too).
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
export BENCH_PYTHON=$PYTHON
mkdir -p "$WORK/plugins/bench/rows"
cat >"$WORK/plugins/bench/rows/dltaf-plugin.json" <<JSON
{"dltaf_plugin": 1, "command": ["$PYTHON", "$ROOT/bench/data_plane_rows.py"],
 "env": {"PYTHONPATH": "$ROOT/plugin-sdk/python/src"}}
JSON
"$PYTHON" bench/data_plane_rows.py csv "$BENCH_DATA_ROWS" "$WORK/rows.csv"

# dlt in its own venv outside the repo, reused when present.
export BENCH_DLT_PYTHON=
if [[ ${BENCH_DATA_DLT:-1} != 0 ]]; then
    VENV=${BENCH_DLT_VENV:-$HOME/.cache/dltaf-bench-venv}
    if ! "$VENV/bin/python" -c 'import dlt, sqlalchemy, psycopg2' 2>/dev/null; then
        echo "bench-data: installing dlt into $VENV" >&2
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q 'dlt[postgres]==1.31.0' sqlalchemy
    fi
    BENCH_DLT_PYTHON=$VENV/bin/python
fi

# A throwaway PostgreSQL (default settings but max_connections), password auth over loopback TCP.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ ${BENCH_DATA_PG:-1} != 0 && -x $PGBIN/postgres ]]; then
    PGDIR=$WORK/pg
    mkdir -p "$PGDIR"
    export PGPASSWORD="pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    echo "$PGPASSWORD" >"$PGDIR/pwfile"
    AS=()
    if [[ $(id -u) -eq 0 ]]; then
        chmod 755 "$WORK"
        chown -R nobody: "$PGDIR"
        AS=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --)
    fi
    "${AS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U dltaf_bench --pwfile="$PGDIR/pwfile" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync >"$PGDIR/initdb.log" 2>&1 \
        || { cat "$PGDIR/initdb.log" >&2; exit 1; }
    PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${AS[@]}" "$PGBIN/postgres" -D "$PGDIR/data" -p "$PGPORT" -h 127.0.0.1 -k "$PGDIR" \
        -c logging_collector=off -c max_connections=20 >"$PGDIR/server.log" 2>&1 &
    PGPID=$!
    export BENCH_PG_PID=$PGPID
    export PGHOST=127.0.0.1 PGPORT PGUSER=dltaf_bench PGDATABASE=postgres
    for _ in $(seq 1 120); do
        pg_isready -q -h 127.0.0.1 -p "$PGPORT" && break
        kill -0 "$PGPID" 2>/dev/null || { cat "$PGDIR/server.log" >&2; exit 1; }
        sleep 0.5
    done
    pg_isready -q -h 127.0.0.1 -p "$PGPORT" || { echo "bench-data: PostgreSQL did not start" >&2; exit 1; }
    export BENCH_PG_VERSION=$("$PGBIN/postgres" --version)
else
    unset PGPORT
fi

"$PYTHON" bench/data_plane_bench.py >"$WORK/data.json"
echo "bench-data: $(uptime)" >&2

python3 - "$WORK/data.json" "$OUT" <<'PY'
import datetime, json, os, subprocess, sys
data = json.load(open(sys.argv[1]))
out = sys.argv[2]
cases = data["cases"]
data["date"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
data["versions"] = {
    "sqlite3": subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0],
    "postgres": os.environ.get("BENCH_PG_VERSION", ""),
    "python": subprocess.run([os.environ["BENCH_PYTHON"], "--version"], capture_output=True, text=True).stdout.strip(),
}
if os.environ.get("BENCH_DLT_PYTHON"):
    data["versions"]["dlt"] = subprocess.run([os.environ["BENCH_DLT_PYTHON"], "-c", "import dlt; print(dlt.__version__)"],
                                             capture_output=True, text=True).stdout.strip()
def rate(name): return cases[name]["rows_per_second"] if name in cases else None
ratios = {}
for dest, ceiling in (("sqlite", "sqlite3 .import --csv"), ("postgres", "psql \\copy")):
    for name, case in cases.items():
        if name.startswith(f"dltaf {dest} ") and case["rows"] == data["rows"]:
            transport = name.split()[-1]
            if rate(ceiling):
                ratios[f"{dest} {transport} / {ceiling}"] = case["rows_per_second"] / rate(ceiling)
            if rate(f"dlt {dest}"):
                ratios[f"{dest} {transport} / dlt {dest}"] = case["rows_per_second"] / rate(f"dlt {dest}")
data["ratios"] = ratios
try:
    result = json.load(open(out))
except (OSError, ValueError):
    result = {}
result["data_plane"] = data
tmp = out + ".tmp"
json.dump(result, open(tmp, "w"), indent=2)
os.replace(tmp, out)
print(f"data plane, {data['rows']:,} rows, load average {data['load_average_start'][0]:.1f} -> {data['load_average_end'][0]:.1f}")
for name, case in cases.items():
    rss = case.get("dltaf_max_rss_kb", case["tree_max_rss_kb"]) / 1024
    print(f"  {name:<30} {case['median_seconds']:8.2f} s  {case['rows_per_second']:>11,.0f} rows/s  "
          f"cpu {case['cpu_seconds_median'] + case.get('postgres_server_cpu_seconds_median', 0):7.2f} s  "
          f"{'dltaf' if 'dltaf_max_rss_kb' in case else 'tree'} RSS {rss:6.1f} MiB  ({case['rows']:,} rows, {case['runs']} runs)")
for name, value in ratios.items():
    print(f"  {name:<45} {value:6.2f}x")
print(f"results: {out}")
PY
