#!/usr/bin/env bash
# make bench: measures dltaf against baselines in one run and writes bench/results/latest.json.
#   (a) exec overhead: `dltaf exec` of a manifest whose runner is a compiled Swift plugin that does nothing,
#       against running that plugin directly on the recorded transcript; and against the Python dltaf CLI.
#   (b) control-channel throughput: 1,000,000 notifications decoded by the host, against `cat | wc -l`
#       of the same bytes and python3 json.loads of them.
#   (c) manifest lint over 1,000 manifests, against the Python dltaf.
#   (d) the data plane (scripts/bench-data.sh): BENCH_DATA_ROWS rows from a Python SDK runner into SQLite and
#       PostgreSQL by transport, against sqlite3 .import, psql \copy and dlt; BENCH_DATA=0 skips it.
#   (e) sqldb (scripts/bench-sqldb.sh): a PostgreSQL table copied into SQLite and PostgreSQL by the built-in
#       `sqldb` runner, against the native COPY pipes and dlt's sql_table backends; BENCH_SQLDB=0 skips it.
# Medians from hyperfine; every number in one result file. See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${BENCH_RUNS:-40}
COUNT=${BENCH_COUNT:-1000000}
OUT=bench/results/latest.json

command -v hyperfine >/dev/null || { [[ $(id -u) -eq 0 ]] && apt-get install -y -qq hyperfine >/dev/null; } \
    || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 1; }

VENV=${DLTAF_REFERENCE_VENV:-$ROOT/.venv-ref}
DLTAF_REFERENCE_VENV=$VENV ./scripts/reference-venv.sh
LINT_COUNT=${BENCH_LINT_COUNT:-1000}

# Release builds with the Swift runtime linked statically, as `make install` ships them: it halves start-up.
BUILD=(swift build -c release --static-swift-stdlib --scratch-path .build-static)
"${BUILD[@]}" >/dev/null
BIN=$("${BUILD[@]}" --show-bin-path)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# (a) A noop manifest for each tool, named by the Python naming rule.
cat >"$WORK/dlt__bench__to__none__bench.yaml" <<YAML
version: 1
pipeline: {name: dlt__bench__to__none__bench, destination: none, dataset: bench}
source: {kind: noop}
run:
  runners: {plugins: [samples.swift.noop_runner]}
YAML
mkdir -p "$WORK/py"
cat >"$WORK/py/dlt__bench__to__none__bench.yaml" <<YAML
version: 1
pipeline: {name: dlt__bench__to__none__bench, destination: none, dataset: bench}
source: {kind: example_noop}
run:
  runners: {plugins: [dlt_utils.plugins.examples.runners_plugin]}
YAML
"$BIN/dltaf-bench" transcript noop >"$WORK/transcript.jsonl"
export PATH="$BIN:$PATH"

hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$WORK/exec.json" \
    -n direct "bash -c '$BIN/dltaf-plugin-samples-swift-noop_runner < $WORK/transcript.jsonl'" \
    -n exec "$BIN/dltaf exec $WORK/dlt__bench__to__none__bench.yaml" \
    -n exec-validate-only "$BIN/dltaf exec $WORK/dlt__bench__to__none__bench.yaml --validate-only" \
    -n python-validate-only "$VENV/bin/dltaf manifest run --manifest $WORK/py/dlt__bench__to__none__bench.yaml --validate-only" \
    -n python-run "$VENV/bin/dltaf manifest run --manifest $WORK/py/dlt__bench__to__none__bench.yaml" \
    >/dev/null
# A bash wrapper is part of "direct": measure it alone so it can be subtracted.
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$WORK/bash.json" -n bash-empty "bash -c true" >/dev/null

# (c) manifest lint over a monorepo folder of $LINT_COUNT manifests (sqldb catalog and query, legacy
#     sql_database, mongodb; airflow sections, connections, depends_on chains), against the Python CLI.
mkdir -p "$WORK/lint"
python3 - "$WORK/lint" "$LINT_COUNT" <<'PY'
import sys
folder, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    name = f"dlt__src{i}__to__clickhouse__raw"
    shape = i % 4
    if shape == 0:
        source = "  kind: sqldb\n  dialect: generic\n  mode: catalog\n  catalog: {schema: public, tables: [orders, customers]}\n"
    elif shape == 1:
        source = "  kind: mongodb\n  database: app\n  collection_names: [users, events]\n  max_table_nesting: 2\n"
    elif shape == 2:
        source = "  kind: sql_database\n  schema: public\n  tables: [a, b, c]\n"
    else:
        source = ("  kind: sqldb\n  dialect: oracle\n  mode: query\n  query:\n    queries:\n"
                  "      - {name: q, sql: 'select * from t where d > :dt', params: {dt: '2025-01-01'}}\n")
    depends = f"depends_on: [dlt__src{i - 1}__to__clickhouse__raw]\n" if i % 10 else ""
    with open(f"{folder}/{name}.yaml", "w") as handle:
        handle.write(
            f"# pipeline {i}\nversion: 1\npipeline:\n  name: {name}\n  destination: clickhouse\n  dataset: raw\n"
            f"  progress: log\n  dev_mode: false\nrun:\n  write_disposition: replace\n"
            f"connections:\n  destination: {{kind: clickhouse, vault: 'company:clickhouse/x', overrides: {{database: raw}}}}\n"
            f"source:\n{source}{depends}airflow:\n  dag_id: {name}\n  schedule: '0 3 * * *'\n"
            f"  start_date: '2025-01-01'\n  catchup: false\n  tags: [dlt]\n")
PY
"$BIN/dltaf" manifest lint --manifests-dir "$WORK/lint" --quiet
"$VENV/bin/dltaf" manifest lint --manifests-dir "$WORK/lint" | grep -c '^OK' | grep -qx "$LINT_COUNT" \
    || { echo "bench: the Python dltaf does not accept every generated manifest" >&2; exit 1; }
hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$WORK/lint.json" \
    -n lint "$BIN/dltaf manifest lint --manifests-dir $WORK/lint --quiet" >/dev/null
hyperfine -N --warmup 1 --runs 3 --export-json "$WORK/lint-python.json" \
    -n lint-python "$VENV/bin/dltaf manifest lint --manifests-dir $WORK/lint" >/dev/null

# (b) Throughput.
"$BIN/dltaf-plugin-bench-flood" --emit "$COUNT" >"$WORK/lines.jsonl"
hyperfine -N --warmup 2 --runs 10 --export-json "$WORK/cat.json" \
    -n cat-wc "bash -c 'cat $WORK/lines.jsonl | wc -l'" >/dev/null
decode_runs=()
for _ in 1 2 3 4 5; do
    decode_runs+=("$("$BIN/dltaf-bench" decode "$BIN/dltaf-plugin-bench-flood" "$COUNT")")
done
python_runs=()
for _ in 1 2 3; do
    python_runs+=("$(python3 -c '
import json, sys, time
lines = open(sys.argv[1], "rb").read().splitlines()
start = time.perf_counter()
for line in lines:
    json.loads(line)
elapsed = time.perf_counter() - start
print(json.dumps({"messages": len(lines), "seconds": elapsed, "messages_per_second": len(lines) / elapsed}))
' "$WORK/lines.jsonl")")
done

python3 - "$WORK" "$OUT" "$COUNT" "${decode_runs[@]}" -- "${python_runs[@]}" <<'PY'
import json, platform, statistics, subprocess, sys, datetime
work, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
rest = sys.argv[4:]
split = rest.index("--")
decode = [json.loads(x) for x in rest[:split]]
py = [json.loads(x) for x in rest[split + 1:]]
def medians(path):
    data = json.load(open(path))
    return {r["command"]: r["median"] for r in data["results"]}
m = medians(f"{work}/exec.json") | medians(f"{work}/bash.json") | medians(f"{work}/cat.json")
m |= medians(f"{work}/lint.json") | medians(f"{work}/lint-python.json")
lint_count = len([n for n in __import__("os").listdir(f"{work}/lint") if n.endswith(".yaml")])
direct = m["direct"] - m["bash-empty"]
decode_rate = statistics.median(d["messages_per_second"] for d in decode)
py_rate = statistics.median(p["messages_per_second"] for p in py)
cat_rate = count / m["cat-wc"]
result = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"cores": subprocess.check_output(["nproc"]).decode().strip(), "platform": platform.platform()},
    "exec_overhead": {
        "median_seconds": {k: m[k] for k in ["direct", "exec", "exec-validate-only", "python-validate-only", "python-run", "bash-empty"]},
        "direct_without_bash_seconds": direct,
        "exec_over_direct": m["exec"] / direct,
        "python_validate_only_over_exec_validate_only": m["python-validate-only"] / m["exec-validate-only"],
        "python_run_over_exec": m["python-run"] / m["exec"],
    },
    "lint": {
        "manifests": lint_count,
        "median_seconds": {"dltaf": m["lint"], "python": m["lint-python"]},
        "python_over_dltaf": m["lint-python"] / m["lint"],
    },
    "throughput": {
        "notifications": count,
        "host_decode_messages_per_second": decode_rate,
        "host_decode_runs": decode,
        "cat_wc_lines_per_second": cat_rate,
        "python_json_loads_messages_per_second": py_rate,
        "host_over_python_json_loads": decode_rate / py_rate,
    },
}
try:  # keep the sections other scripts merge in (data_plane, sqldb)
    previous = json.load(open(out))
except (OSError, ValueError):
    previous = {}
json.dump({k: v for k, v in previous.items() if k in ("data_plane", "sqldb")} | result, open(out, "w"), indent=2)
e, t = result["exec_overhead"], result["throughput"]
print(f"exec (noop Swift runner)        {m['exec']*1000:8.2f} ms median")
print(f"plugin run directly             {direct*1000:8.2f} ms median   exec/direct = {e['exec_over_direct']:.2f}x")
print(f"exec --validate-only            {m['exec-validate-only']*1000:8.2f} ms;  Python dltaf {m['python-validate-only']*1000:.1f} ms  ({e['python_validate_only_over_exec_validate_only']:.1f}x faster)")
print(f"Python dltaf full noop run      {m['python-run']*1000:8.2f} ms  ({e['python_run_over_exec']:.1f}x dltaf exec)")
print(f"manifest lint, {lint_count} files  {m['lint']*1000:8.1f} ms;  Python dltaf {m['lint-python']:.2f} s  ({m['lint-python']/m['lint']:.1f}x faster)")
print(f"host decode                     {decode_rate:,.0f} notifications/s")
print(f"cat | wc -l                     {cat_rate:,.0f} lines/s")
print(f"python json.loads               {py_rate:,.0f} msgs/s   host/python = {t['host_over_python_json_loads']:.2f}x")
print(f"results: {out}")
PY

if [[ ${BENCH_DATA:-1} != 0 ]]; then
    BENCH_BIN=$BIN ./scripts/bench-data.sh
fi
if [[ ${BENCH_SQLDB:-1} != 0 ]]; then
    BENCH_BIN=$BIN ./scripts/bench-sqldb.sh
fi
