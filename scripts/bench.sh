#!/usr/bin/env bash
# make bench: measures dltaf against baselines in one run and writes bench/results/latest.json.
#   (a) exec overhead: `dltaf exec` of a manifest whose runner is a compiled Swift plugin that does nothing,
#       against running that plugin directly on the recorded transcript; and against the Python dltaf CLI.
#   (b) control-channel throughput: 1,000,000 notifications decoded by the host, against `cat | wc -l`
#       of the same bytes and python3 json.loads of them.
# Medians from hyperfine; every number in one result file. See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${BENCH_RUNS:-40}
COUNT=${BENCH_COUNT:-1000000}
OUT=bench/results/latest.json

command -v hyperfine >/dev/null || { [[ $(id -u) -eq 0 ]] && apt-get install -y -qq hyperfine >/dev/null; } \
    || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 1; }

VENV=${DLTAF_PY_VENV:-$ROOT/.venv-bench}
if [[ ! -x $VENV/bin/dltaf ]]; then
    echo "bench: installing the Python dltaf 0.2.16 into $VENV for comparison"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q dltaf==0.2.16
fi

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
    "throughput": {
        "notifications": count,
        "host_decode_messages_per_second": decode_rate,
        "host_decode_runs": decode,
        "cat_wc_lines_per_second": cat_rate,
        "python_json_loads_messages_per_second": py_rate,
        "host_over_python_json_loads": decode_rate / py_rate,
    },
}
json.dump(result, open(out, "w"), indent=2)
e, t = result["exec_overhead"], result["throughput"]
print(f"exec (noop Swift runner)        {m['exec']*1000:8.2f} ms median")
print(f"plugin run directly             {direct*1000:8.2f} ms median   exec/direct = {e['exec_over_direct']:.2f}x")
print(f"exec --validate-only            {m['exec-validate-only']*1000:8.2f} ms;  Python dltaf {m['python-validate-only']*1000:.1f} ms  ({e['python_validate_only_over_exec_validate_only']:.1f}x faster)")
print(f"Python dltaf full noop run      {m['python-run']*1000:8.2f} ms  ({e['python_run_over_exec']:.1f}x dltaf exec)")
print(f"host decode                     {decode_rate:,.0f} notifications/s")
print(f"cat | wc -l                     {cat_rate:,.0f} lines/s")
print(f"python json.loads               {py_rate:,.0f} msgs/s   host/python = {t['host_over_python_json_loads']:.2f}x")
print(f"results: {out}")
PY
