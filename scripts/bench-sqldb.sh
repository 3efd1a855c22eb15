#!/usr/bin/env bash
# The sqldb section of `make bench` (also runnable alone): a PostgreSQL table of BENCH_SQLDB_ROWS rows (default
# 1,000,000; bigint PK, text, double, timestamptz, smallint, numeric(12,2), jsonb) copied into SQLite and into
# a second PostgreSQL database, side by side in one run:
#   - the ceilings: `psql COPY … TO STDOUT | psql COPY … FROM STDIN` in text and binary format (PG→PG), and
#     `psql COPY … (FORMAT csv) | sqlite3 .import --csv` into a fresh file (PG→SQLite);
#   - dlt's `sql_table` by backend (connectorx arrow_stream, pyarrow, sqlalchemy) into the `sqlalchemy`
#     destination on a SQLite file and into `postgres` (CSV loader, tuned), in the bench-only venv;
#   - `dltaf exec --json` (release build) of a `kind: sqldb` manifest, destination sqlite and postgres; until the
#     built-in runner exists these routes are recorded as skipped with dltaf's error;
#   - dltaf's peak RSS at BENCH_SQLDB_BIG_ROWS (default 10,000,000; 0 skips; only when a dltaf route ran).
# Each case: median wall, rows/s, peak RSS (/usr/bin/time), CPU, and a check against the source (count, sum(id),
# sum(amount) exact, md5 of the names in id order).
# PostgreSQL is a throwaway server on a free loopback port (as `nobody` under root), stopped on exit.
# Knobs: BENCH_SQLDB_RUNS (5), BENCH_SQLDB_DLT_RUNS (2), BENCH_SQLDB_WARMUP (1), BENCH_SQLDB_DLT=0 to skip dlt,
# BENCH_SQLDB_DLT_BACKENDS ("connectorx pyarrow sqlalchemy"), BENCH_SQLDB_TIMEOUT (1800 s a run),
# BENCH_DLT_VENV (~/.cache/dltaf-bench-venv), BENCH_BIN (skip the build).
# Merges its figures into bench/results/latest.json under "sqldb" and prints them as Markdown
# (bench/sqldb_report.py). See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=bench/results/latest.json
export BENCH_SQLDB_ROWS=${BENCH_SQLDB_ROWS:-1000000}
export BENCH_UPTIME_START="$(uptime)"
echo "bench-sqldb: $BENCH_UPTIME_START" >&2

# Peak RSS comes from GNU time (Debian package `time`).
if [[ ! -x /usr/bin/time ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        apt-get install -y -qq time >/dev/null
    else
        echo "bench-sqldb: install GNU time (apt-get install time)" >&2
        exit 1
    fi
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[[ -x $PGBIN/postgres ]] || { echo "bench-sqldb: needs PostgreSQL server binaries (/usr/lib/postgresql/*/bin)" >&2; exit 1; }

if [[ -z ${BENCH_BIN:-} ]]; then
    BUILD=(swift build -c release --static-swift-stdlib --scratch-path .build-static)
    "${BUILD[@]}" >/dev/null
    BENCH_BIN=$("${BUILD[@]}" --show-bin-path)
fi
export BENCH_BIN

WORK=$(mktemp -d /tmp/dltaf-bench-sqldb.XXXXXX)
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

# The driver on the real interpreter; dlt in its own venv outside the repo, reused when present.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
export BENCH_PYTHON=$PYTHON
export BENCH_DLT_PYTHON=
if [[ ${BENCH_SQLDB_DLT:-1} != 0 ]]; then
    VENV=${BENCH_DLT_VENV:-$HOME/.cache/dltaf-bench-venv}
    if ! "$VENV/bin/python" -c 'import dlt' 2>/dev/null; then
        echo "bench-sqldb: installing dlt into $VENV" >&2
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q 'dlt[postgres]==1.31.0'
    fi
    if ! "$VENV/bin/python" -c 'import sqlalchemy, psycopg2, connectorx, pyarrow' 2>/dev/null; then
        echo "bench-sqldb: installing the sql_database backends into $VENV" >&2
        "$VENV/bin/pip" install -q sqlalchemy psycopg2-binary connectorx pyarrow
    fi
    BENCH_DLT_PYTHON=$VENV/bin/python
fi

# A throwaway PostgreSQL (default settings but max_connections), password auth over loopback TCP; the source
# table lives in bench_source, every destination in bench_dest.
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
pg_isready -q -h 127.0.0.1 -p "$PGPORT" || { echo "bench-sqldb: PostgreSQL did not start" >&2; exit 1; }
export BENCH_PG_VERSION=$("$PGBIN/postgres" --version)
psql -X -q -v ON_ERROR_STOP=1 -c 'create database bench_source' -c 'create database bench_dest'

"$PYTHON" bench/sqldb_bench.py >"$WORK/sqldb.json"
export BENCH_UPTIME_END="$(uptime)"
echo "bench-sqldb: $BENCH_UPTIME_END" >&2

python3 - "$WORK/sqldb.json" "$OUT" <<'PY'
import datetime, json, os, subprocess, sys
data = json.load(open(sys.argv[1]))
out = sys.argv[2]
def output(*command):
    try:
        return subprocess.run(command, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""
data["date"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
data["uptime_end"] = os.environ.get("BENCH_UPTIME_END", "")
data["versions"] = {
    "dltaf": output(os.path.join(os.environ["BENCH_BIN"], "dltaf"), "--version"),
    "sqlite3": output("sqlite3", "--version").split(" ")[0],
    "postgres": os.environ.get("BENCH_PG_VERSION", ""),
    "python": output(os.environ["BENCH_PYTHON"], "--version"),
}
if os.environ.get("BENCH_DLT_PYTHON"):
    for package in ("dlt", "sqlalchemy", "connectorx", "pyarrow", "psycopg2"):
        data["versions"][package] = output(os.environ["BENCH_DLT_PYTHON"], "-c",
                                           f"import {package}; print({package}.__version__.split(' ')[0])")
try:  # every other section (exec_overhead, data_plane, ...) stays as it is
    result = json.load(open(out))
except (OSError, ValueError):
    result = {}
result["sqldb"] = data
tmp = out + ".tmp"
json.dump(result, open(tmp, "w"), indent=2)
os.replace(tmp, out)
PY
python3 bench/sqldb_report.py "$OUT"
echo "results: $OUT (\"sqldb\")" >&2
