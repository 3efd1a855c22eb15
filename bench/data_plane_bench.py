#!/usr/bin/env python3
"""The measuring half of `scripts/bench-data.sh` (which builds, starts PostgreSQL and cleans up): runs every
case of the data-plane benchmark round-robin, checks each load (count, sum(id)), and prints one JSON document.

Environment (set by the script): BENCH_WORK, BENCH_BIN, BENCH_PYTHON, BENCH_DLT_PYTHON (empty: skip dlt),
BENCH_DATA_ROWS, BENCH_DATA_RUNS, BENCH_DATA_DLT_RUNS, BENCH_DATA_TRANSPORTS, BENCH_DATA_BIG_ROWS (0: skip),
PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE (empty PGPORT: skip PostgreSQL).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ["BENCH_WORK"]
BIN = os.environ["BENCH_BIN"]
ROWS = int(os.environ.get("BENCH_DATA_ROWS", "1000000"))
RUNS = int(os.environ.get("BENCH_DATA_RUNS", "5"))
DLT_RUNS = int(os.environ.get("BENCH_DATA_DLT_RUNS", "2"))
TRANSPORTS = os.environ.get("BENCH_DATA_TRANSPORTS", "ndjson csv inline").split()
BIG_ROWS = int(os.environ.get("BENCH_DATA_BIG_ROWS", "10000000"))
DLT_PYTHON = os.environ.get("BENCH_DLT_PYTHON", "")
PG = bool(os.environ.get("PGPORT"))
CSV = os.path.join(WORK, "rows.csv")


def log(message: str) -> None:
    print(f"[bench-data {time.strftime('%H:%M:%S')} load {os.getloadavg()[0]:.1f}] {message}", file=sys.stderr, flush=True)


def expected(rows: int) -> str:
    return f"{rows}|{rows * (rows - 1) // 2}"


def timed(command: List[str], env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None) -> Dict[str, Any]:
    """Runs command; wall seconds, the largest peak RSS in its process tree (wait4), its stdout."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = child.communicate()
    wall = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"bench-data: {' '.join(command)} failed ({child.returncode}):\n{err.decode()[-3000:]}")
    return {"wall": wall, "load1": load, "stdout": out.decode(), "stderr": err.decode()}


def server_cpu_seconds() -> Optional[float]:
    """CPU of the PostgreSQL server (postmaster, its reaped backends, its live children), or None without one."""
    pid = os.environ.get("BENCH_PG_PID")
    if not pid:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if entry == pid:
            total += sum(int(x) for x in stat[11:15])  # utime stime cutime cstime
        elif stat[1] == pid:
            total += int(stat[11]) + int(stat[12])
    return total / tick


def sqlite3(db: str, sql: str) -> str:
    return subprocess.run(["sqlite3", db, sql], check=True, capture_output=True, text=True).stdout.strip()


def psql(sql: str, *extra: str) -> str:
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", *extra, "-c", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


def manifest(folder: str, destination: str, transport: str, rows: int) -> str:
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"dlt__bench__to__{destination}__bench.yaml")
    with open(path, "w") as handle:
        handle.write(
            "version: 1\n"
            f"pipeline: {{name: dlt__bench__to__{destination}__bench, destination: {destination}, dataset: bench}}\n"
            f"source: {{kind: bench_rows, rows: {rows}, transport: {transport}, cpu_file: {folder}/runner-cpu}}\n"
            "run:\n  runners: {plugins: [bench.rows]}\n  write_disposition: append\n")
    return path


def dltaf_env() -> Dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = BIN + ":" + env["PATH"]
    env["DLTAF_PLUGIN_PATH"] = os.path.join(WORK, "plugins")
    if PG:
        for key, name in [("HOST", "PGHOST"), ("PORT", "PGPORT"), ("DATABASE", "PGDATABASE"),
                          ("USERNAME", "PGUSER"), ("PASSWORD", "PGPASSWORD")]:
            env[f"DESTINATION__POSTGRES__CREDENTIALS__{key}"] = os.environ[name]
    return env


class Case:
    def __init__(self, name: str, group: str, rows: int, prepare: Callable[[], None], command: List[str],
                 check: Callable[[], str], env: Optional[Dict[str, str]] = None, dltaf: bool = False) -> None:
        self.name, self.group, self.rows = name, group, rows
        self.prepare, self.command, self.check, self.env, self.dltaf = prepare, command, check, env, dltaf
        self.runs: List[Dict[str, Any]] = []

    def run_once(self) -> None:
        self.prepare()
        # A helper process waits for the command so that its ru_maxrss covers this run's tree only.
        helper = ("import os,subprocess,sys,json;p=subprocess.Popen(sys.argv[1:]);_,s,u=os.wait4(p.pid,0);"
                  "sys.stderr.write('\\n@@rss %d %.6f\\n'%(u.ru_maxrss,u.ru_utime+u.ru_stime));sys.exit(os.waitstatus_to_exitcode(s))")
        server = server_cpu_seconds()
        record = timed([sys.executable, "-c", helper, *self.command], env=self.env)
        fields = record.pop("stderr").rsplit("@@rss ", 1)[1].split()
        record["tree_max_rss_kb"], record["cpu_seconds"] = int(fields[0]), float(fields[1])
        if server is not None:
            record["postgres_server_cpu_seconds"] = server_cpu_seconds() - server
        out = record.pop("stdout")
        if self.dltaf:
            document = json.loads(out)
            record["dltaf_max_rss_kb"] = document["resources"]["max_rss_kb"]
            record["timings"] = document.get("timings")
            record["load"] = document.get("load")
            record["duration_seconds"] = document.get("duration_seconds")
            runner = float(open(os.path.join(os.path.dirname(self.command[2]), "runner-cpu")).read())
            record["runner_cpu_seconds"], record["dltaf_cpu_seconds"] = runner, record["cpu_seconds"] - runner
        got = self.check()
        if got != expected(self.rows):
            raise SystemExit(f"bench-data: {self.name}: count|sum(id) = {got}, expected {expected(self.rows)}")
        record["check"] = got
        self.runs.append(record)
        log(f"{self.name:<28} {record['wall']:7.2f} s  {self.rows / record['wall']:>10,.0f} rows/s  "
            f"cpu {record['cpu_seconds']:6.2f} s  rss {record.get('dltaf_max_rss_kb', record['tree_max_rss_kb']) / 1024:.0f} MiB"
            + (f"  (runner {record['runner_cpu_seconds']:.2f}, dltaf {record['dltaf_cpu_seconds']:.2f})" if self.dltaf else "")
            + (f"  pg cpu {record['postgres_server_cpu_seconds']:.2f} s" if "postgres_server_cpu_seconds" in record else ""))

    def summary(self) -> Dict[str, Any]:
        walls = [r["wall"] for r in self.runs]
        median = statistics.median(walls)
        result: Dict[str, Any] = {
            "rows": self.rows, "runs": len(walls), "median_seconds": median, "rows_per_second": self.rows / median,
            "wall_seconds": walls, "load1": [r["load1"] for r in self.runs],
            "tree_max_rss_kb": max(r["tree_max_rss_kb"] for r in self.runs),
            "cpu_seconds_median": statistics.median(r["cpu_seconds"] for r in self.runs), "check_count_sum_id": self.runs[-1]["check"],
        }
        if "postgres_server_cpu_seconds" in self.runs[0]:
            result["postgres_server_cpu_seconds_median"] = statistics.median(
                r["postgres_server_cpu_seconds"] for r in self.runs)
        if self.dltaf:
            for key in ("runner_cpu_seconds", "dltaf_cpu_seconds"):
                result[key + "_median"] = statistics.median(r[key] for r in self.runs)
            result["dltaf_max_rss_kb"] = max(r["dltaf_max_rss_kb"] for r in self.runs)
            middle = sorted(self.runs, key=lambda r: r["wall"])[len(self.runs) // 2]
            result["timings_of_median_run"] = middle["timings"]
            result["load_of_median_run"] = middle["load"]
        return result


def dltaf_sqlite(transport: str, rows: int, tag: str = "") -> Case:
    folder = os.path.join(WORK, f"sqlite-{transport}{tag}")
    path = manifest(folder, "sqlite", transport, rows)
    db = os.path.join(folder, ".dltaf", "bench.sqlite")
    return Case(f"dltaf sqlite {transport}{tag}", "sqlite", rows,
                lambda: shutil.rmtree(os.path.join(folder, ".dltaf"), ignore_errors=True),
                [os.path.join(BIN, "dltaf"), "exec", path, "--json"],
                lambda: sqlite3(db, "select count(*), sum(id) from orders"), env=dltaf_env(), dltaf=True)


def sqlite_import() -> Case:
    db = os.path.join(WORK, "import.sqlite")

    def prepare() -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)
        sqlite3(db, "create table orders (id integer, name text, amount real, ts text, qty integer)")

    return Case("sqlite3 .import --csv", "sqlite", ROWS, prepare,
                ["sqlite3", db, f".import --csv --skip 1 {CSV} orders"],
                lambda: sqlite3(db, "select count(*), sum(id) from orders"))


def dltaf_postgres(transport: str) -> Case:
    folder = os.path.join(WORK, f"postgres-{transport}")
    path = manifest(folder, "postgres", transport, ROWS)

    def prepare() -> None:
        shutil.rmtree(os.path.join(folder, ".dltaf"), ignore_errors=True)
        psql("drop schema if exists bench cascade")

    return Case(f"dltaf postgres {transport}", "postgres", ROWS, prepare,
                [os.path.join(BIN, "dltaf"), "exec", path, "--json"],
                lambda: psql("select count(*), sum(id) from bench.orders"), env=dltaf_env(), dltaf=True)


def psql_copy() -> Case:
    def prepare() -> None:
        psql("drop schema if exists bench cascade; create schema bench; create table bench.orders "
             "(id bigint, name text, amount double precision, ts timestamptz, qty smallint)")

    return Case("psql \\copy", "postgres", ROWS, prepare,
                ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", f"\\copy bench.orders from '{CSV}' csv header"],
                lambda: psql("select count(*), sum(id) from bench.orders"))


def dlt_sqlite_check(folder: str) -> str:
    """dlt's sqlalchemy destination keeps each dataset of a SQLite database in an attached file beside it."""
    for name in sorted(os.listdir(folder)):
        if name.endswith((".db", ".sqlite")):
            db = os.path.join(folder, name)
            if sqlite3(db, "select count(*) from sqlite_master where name = 'orders'") == "1":
                return sqlite3(db, "select count(*), sum(id) from orders")
    return "no orders table"


def dlt_case(destination: str) -> Case:
    folder = os.path.join(WORK, f"dlt-{destination}")
    db = os.path.join(folder, "bench.sqlite")
    env = dict(os.environ)
    # No telemetry or any other traffic beyond loopback; dlt's files under the work folder.
    env.update({"RUNTIME__DLTHUB_TELEMETRY": "false", "DLT_DATA_DIR": os.path.join(folder, "data"),
                "HOME": folder, "PYTHONPATH": HERE, "RUNTIME__LOG_LEVEL": "WARNING"})
    if destination == "sqlite":
        target = db
        check = lambda: dlt_sqlite_check(folder)  # noqa: E731
    else:
        target = (f"postgresql://{os.environ['PGUSER']}:{os.environ['PGPASSWORD']}@{os.environ['PGHOST']}:"
                  f"{os.environ['PGPORT']}/{os.environ['PGDATABASE']}")
        check = lambda: psql("select count(*), sum(id) from bench.orders")  # noqa: E731

    def prepare() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        if destination == "postgres":
            psql("drop schema if exists bench cascade; drop schema if exists bench_staging cascade")

    return Case(f"dlt {destination}", f"dlt-{destination}", ROWS, prepare,
                [DLT_PYTHON, os.path.join(HERE, "data_plane_rows.py"), "dlt", destination, str(ROWS),
                 os.path.join(folder, "pipelines"), target], check, env=env)


def round_robin(cases: List[Case], runs: int) -> None:
    for _ in range(runs):
        for case in cases:
            case.run_once()


def main() -> None:
    started = os.getloadavg()
    result: Dict[str, Any] = {"rows": ROWS, "runs": RUNS, "load_average_start": started, "cases": {}}
    log(f"{ROWS:,} rows, {RUNS} runs a case, transports {TRANSPORTS}")
    sqlite_cases = [dltaf_sqlite(t, ROWS) for t in TRANSPORTS] + [sqlite_import()]
    round_robin(sqlite_cases, RUNS)
    all_cases = list(sqlite_cases)
    if PG:
        pg_cases = [dltaf_postgres(t) for t in TRANSPORTS] + [psql_copy()]
        round_robin(pg_cases, RUNS)
        all_cases += pg_cases
    if DLT_PYTHON:
        dlt_cases = [dlt_case("sqlite")] + ([dlt_case("postgres")] if PG else [])
        round_robin(dlt_cases, DLT_RUNS)
        all_cases += dlt_cases
    if BIG_ROWS:
        fastest = min((c for c in sqlite_cases if c.dltaf), key=lambda c: statistics.median(r["wall"] for r in c.runs))
        transport = fastest.name.split()[-1]
        big = dltaf_sqlite(transport, BIG_ROWS, tag=f"-{BIG_ROWS // 1_000_000}M")
        big.run_once()
        all_cases.append(big)
    for case in all_cases:
        result["cases"][case.name] = case.summary()
    result["load_average_end"] = os.getloadavg()
    json.dump(result, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
