#!/usr/bin/env python3
"""The measuring half of `scripts/bench-sqldb.sh` (which builds, starts PostgreSQL with the databases
bench_source and bench_dest, and cleans up): generates public.bench_src in bench_source, runs every case of the
sqldb benchmark (PostgreSQL table → SQLite file / PostgreSQL schema `bench` of bench_dest) round-robin after a
warm-up, checks each load against the source and prints one JSON document.

Cases: the native ceilings (`COPY … TO STDOUT | COPY … FROM STDIN` text and binary; `COPY … (FORMAT csv) |
sqlite3 .import --csv`), dlt's `sql_table` by backend and destination (bench/sqldb_dlt.py under the bench-only
venv), and `dltaf exec --json` of a `kind: sqldb` manifest per destination. A case that fails is recorded with its
error and dropped from the later rounds; a dltaf route whose runner does not exist yet is recorded as `skipped`.

Environment (set by the script): BENCH_WORK, BENCH_BIN, BENCH_DLT_PYTHON (empty: skip dlt), BENCH_SQLDB_ROWS,
BENCH_SQLDB_BIG_ROWS (0: skip), BENCH_SQLDB_RUNS, BENCH_SQLDB_DLT_RUNS, BENCH_SQLDB_WARMUP,
BENCH_SQLDB_DLT_BACKENDS, BENCH_SQLDB_TIMEOUT, BENCH_UPTIME_START, BENCH_PG_PID,
PGHOST/PGPORT/PGUSER/PGPASSWORD.
"""

from __future__ import annotations

import decimal
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.environ["BENCH_WORK"]
BIN = os.environ["BENCH_BIN"]
ROWS = int(os.environ.get("BENCH_SQLDB_ROWS", "1000000"))
BIG_ROWS = int(os.environ.get("BENCH_SQLDB_BIG_ROWS", "10000000"))
RUNS = int(os.environ.get("BENCH_SQLDB_RUNS", "5"))
DLT_RUNS = int(os.environ.get("BENCH_SQLDB_DLT_RUNS", "2"))
WARMUP = int(os.environ.get("BENCH_SQLDB_WARMUP", "1"))
BACKENDS = os.environ.get("BENCH_SQLDB_DLT_BACKENDS", "connectorx pyarrow sqlalchemy").split()
TIMEOUT = float(os.environ.get("BENCH_SQLDB_TIMEOUT", "1800"))
DLT_PYTHON = os.environ.get("BENCH_DLT_PYTHON", "")
CHUNK = 100_000
SOURCE_DB, DEST_DB = "bench_source", "bench_dest"
TIME = "/usr/bin/time"

COLUMNS = ("id bigint primary key, name text, score double precision, created_at timestamptz, flag smallint, "
           "amount numeric(12,2), payload jsonb")
# Every 1,000th name carries what text and CSV formats must escape (quote, comma, tab, newline, backslash) and
# non-ASCII, so that the md5 of the names catches an escaping slip; amounts are negative and positive, 2 decimals.
GENERATE = f"""
drop table if exists bench_src;
create table bench_src ({COLUMNS});
insert into bench_src
select g,
       case when g % 1000 = 0 then 'odd "name", with' || E'\\t' || 'tab' || E'\\n' || 'newline \\ é ' || g
            else 'customer ' || g end,
       g * 0.25,
       timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second',
       (g % 3)::smallint,
       ((g * 37 % 2000000) - 1000000) / 100.0,
       jsonb_build_object('k', g % 100, 'tags', jsonb_build_array('a', 'b'))
from generate_series(1, {{rows}}) as g
"""


def log(message: str) -> None:
    print(f"[bench-sqldb {time.strftime('%H:%M:%S')} load {os.getloadavg()[0]:.1f}] {message}", file=sys.stderr, flush=True)


def psql(sql: str, db: str, *extra: str) -> str:
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db, *extra, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def server_cpu_seconds() -> Optional[float]:
    """CPU of the PostgreSQL server (postmaster, its reaped backends, its live children), or None without one."""
    pid = os.environ.get("BENCH_PG_PID")
    if not pid:
        return None
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
    return total / os.sysconf("SC_CLK_TCK")


# --- correctness: count, sum(id), sum(amount) as an exact decimal, md5 of the names joined by ',' in id order


def pg_check(db: str, table: str) -> Dict[str, str]:
    # amount::numeric: a destination that typed the column double or text is still summed exactly; the
    # column's type itself is recorded beside the figures (columns).
    out = psql(f"select count(*), coalesce(sum(id), 0), coalesce(sum(amount::numeric), 0)::text, "
               f"md5(coalesce(string_agg(name, ',' order by id), '')) from {table}", db)
    count, sum_id, amount, md5 = out.split("|")
    return {"count": count, "sum_id": sum_id, "sum_amount": amount, "md5_names": md5}


def sqlite_check(db: str) -> Dict[str, str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        count, sum_id, amount, digest, first = 0, 0, decimal.Decimal(0), hashlib.md5(), True
        for id_, name, value in con.execute("select id, name, amount from bench_src order by id"):
            count += 1
            sum_id += int(id_)
            if value is not None:  # float repr is the shortest round-trip text: exact for numeric(12,2)
                amount += decimal.Decimal(str(value))
            if name is not None:
                if not first:
                    digest.update(b",")
                digest.update(name.encode())
                first = False
        return {"count": str(count), "sum_id": str(sum_id), "sum_amount": str(amount), "md5_names": digest.hexdigest()}
    finally:
        con.close()


def same(got: Dict[str, str], want: Dict[str, str]) -> List[str]:
    """The fields that differ (amounts compared as decimals: 12.50 = 12.5)."""
    wrong = [k for k in ("count", "sum_id", "md5_names") if got.get(k) != want[k]]
    try:
        if decimal.Decimal(got["sum_amount"]) != decimal.Decimal(want["sum_amount"]):
            wrong.append("sum_amount")
    except (KeyError, decimal.InvalidOperation):
        wrong.append("sum_amount")
    return wrong


def pg_columns(db: str, table: str) -> Dict[str, str]:
    out = psql(f"select attname, format_type(atttypid, atttypmod) from pg_attribute where attrelid = '{table}'::regclass "
               "and attnum > 0 and not attisdropped order by attnum", db)
    return dict(line.split("|", 1) for line in out.splitlines())


def sqlite_columns(db: str) -> Dict[str, str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {row[1]: row[2] for row in con.execute("pragma table_info(bench_src)")}
    finally:
        con.close()


def find_sqlite(folder: str) -> str:
    """dlt's sqlalchemy destination keeps each dataset of a SQLite database in an attached file beside it."""
    for name in sorted(os.listdir(folder)):
        if name.endswith((".db", ".sqlite")):
            path = os.path.join(folder, name)
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                if con.execute("select count(*) from sqlite_master where name = 'bench_src'").fetchone()[0]:
                    return path
            finally:
                con.close()
    raise RuntimeError(f"no SQLite file with a bench_src table in {folder}")


# --- the source


class Source:
    def __init__(self) -> None:
        self.rows = 0
        self.expected: Dict[str, str] = {}
        self.info: Dict[str, Any] = {}

    def generate(self, rows: int) -> None:
        log(f"generating public.bench_src, {rows:,} rows")
        start = time.perf_counter()
        psql(GENERATE.replace("{rows}", str(rows)), SOURCE_DB)
        generated = time.perf_counter() - start
        psql("vacuum analyze bench_src", SOURCE_DB, "-c", "checkpoint")
        self.rows = rows
        self.expected = pg_check(SOURCE_DB, "bench_src")
        if self.expected["count"] != str(rows):
            raise SystemExit(f"bench-sqldb: the source has {self.expected['count']} rows, expected {rows}")
        self.info[str(rows)] = {
            "generate_seconds": generated, "vacuum_analyze_seconds": time.perf_counter() - start - generated,
            "table_bytes": int(psql("select pg_total_relation_size('bench_src')", SOURCE_DB)),
            "expected": self.expected,
        }
        log(f"source ready in {time.perf_counter() - start:.1f} s, {self.info[str(rows)]['table_bytes'] / 2**20:.0f} MiB: "
            f"{self.expected}")


SOURCE = Source()


# --- cases


def first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().replace(WORK + "/", "")[:500]
    return ""


def dltaf_error(stdout: str, stderr: str) -> str:
    """The first line of what `dltaf exec --json` reports: the result document's error, else its stderr."""
    try:
        error = json.loads(stdout).get("error")
        if isinstance(error, dict):
            error = error.get("message") or json.dumps(error)
        if error:
            return first_line(str(error))
    except (ValueError, AttributeError):
        pass
    return first_line(stderr) or first_line(stdout) or "no output"


class Case:
    def __init__(self, name: str, route: str, tool: str, rows: int, prepare: Callable[[], None], command: List[str],
                 check: Callable[[], Dict[str, str]], columns: Callable[[], Dict[str, str]],
                 env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None) -> None:
        self.name, self.route, self.tool, self.rows = name, route, tool, rows
        self.prepare, self.command, self.check, self.columns, self.env, self.cwd = prepare, command, check, columns, env, cwd
        self.runs: List[Dict[str, Any]] = []
        self.status, self.error, self.error_text = "ok", "", ""
        self.mismatch: Dict[str, Any] = {}
        self.column_types: Dict[str, str] = {}
        self.destination = ""

    @property
    def live(self) -> bool:
        return self.status in ("ok", "wrong")

    def fail(self, stdout: str, stderr: str, why: str) -> None:
        if self.tool == "dltaf":
            self.error = dltaf_error(stdout, stderr)
            # No run succeeded and dltaf has no runner for `kind: sqldb` yet: the route is not measurable.
            self.status = "skipped" if not self.runs and "runner" in self.error.lower() else "failed"
        else:
            self.status = "failed"
            self.error = first_line(stderr.strip().splitlines()[-1] if stderr.strip() else why) or why
        self.error_text = (stderr or stdout)[-4000:]
        log(f"{self.name:<38} {self.status.upper()}: {why}: {self.error}")

    def run_once(self, warmup: bool = False) -> None:
        if not self.live:
            return
        self.prepare()
        timefile = os.path.join(WORK, "time.out")
        server = server_cpu_seconds()
        load = os.getloadavg()[0]
        start = time.perf_counter()
        child = subprocess.Popen([TIME, "-f", "%M %e %U %S", "-o", timefile, *self.command], env=self.env, cwd=self.cwd,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = child.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            out, err = child.communicate()
            self.fail(out.decode(errors="replace"), err.decode(errors="replace"), f"timed out after {TIMEOUT:.0f} s")
            return
        wall = time.perf_counter() - start
        stdout, stderr = out.decode(errors="replace"), err.decode(errors="replace")
        if child.returncode != 0:
            self.fail(stdout, stderr, f"exit status {child.returncode}")
            return
        rss, _, user, system = open(timefile).read().strip().splitlines()[-1].split()
        record: Dict[str, Any] = {"wall": wall, "load1": load, "tree_max_rss_kb": int(rss),
                                  "cpu_seconds": float(user) + float(system)}
        if server is not None:
            record["postgres_server_cpu_seconds"] = server_cpu_seconds() - server
        if self.tool == "dltaf":
            try:
                document = json.loads(stdout)
            except ValueError:
                document = {}
            record["dltaf_max_rss_kb"] = document.get("resources", {}).get("max_rss_kb")
            record["timings"] = document.get("timings")
            record["load"] = document.get("load")
        elif self.tool == "dlt":
            try:
                record["dlt"] = json.loads(stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                record["dlt"] = {}
        try:
            got = self.check()
        except Exception as error:  # noqa: BLE001 - a destination without the table is a wrong load
            got = {"error": f"{type(error).__name__}: {error}"}
        wrong = same(got, SOURCE.expected)
        record["check"] = got
        if wrong:
            self.status = "wrong"
            self.mismatch = {"fields": wrong, "got": got, "expected": SOURCE.expected}
        if not self.column_types:
            try:
                self.column_types = self.columns()
            except Exception as error:  # noqa: BLE001
                self.column_types = {"error": str(error)}
        if not warmup:
            self.runs.append(record)
        rss_kb = record.get("dltaf_max_rss_kb") or record["tree_max_rss_kb"]
        log(f"{self.name:<38} {wall:7.2f} s  {self.rows / wall:>10,.0f} rows/s  cpu {record['cpu_seconds']:6.2f} s"
            + (f"  pg cpu {record['postgres_server_cpu_seconds']:.2f} s" if "postgres_server_cpu_seconds" in record else "")
            + f"  rss {rss_kb / 1024:.0f} MiB" + ("  (warm-up)" if warmup else "")
            + (f"  WRONG {wrong}: {got}" if wrong else ""))

    def summary(self) -> Dict[str, Any]:
        result: Dict[str, Any] = {"route": self.route, "tool": self.tool, "rows": self.rows, "status": self.status}
        if self.error:
            result["error"], result["error_text"] = self.error, self.error_text
        if self.mismatch:
            result["mismatch"] = self.mismatch
        if not self.runs:
            return result
        walls = [r["wall"] for r in self.runs]
        median = statistics.median(walls)
        middle = sorted(self.runs, key=lambda r: r["wall"])[len(self.runs) // 2]
        result.update({
            "runs": len(walls), "median_seconds": median, "rows_per_second": self.rows / median, "wall_seconds": walls,
            "load1": [r["load1"] for r in self.runs], "tree_max_rss_kb": max(r["tree_max_rss_kb"] for r in self.runs),
            "cpu_seconds_median": statistics.median(r["cpu_seconds"] for r in self.runs),
            "check": self.runs[-1]["check"], "columns": self.column_types,
        })
        if "postgres_server_cpu_seconds" in self.runs[0]:
            result["postgres_server_cpu_seconds_median"] = statistics.median(
                r["postgres_server_cpu_seconds"] for r in self.runs)
        if self.tool == "dltaf":
            values = [r["dltaf_max_rss_kb"] for r in self.runs if r.get("dltaf_max_rss_kb")]
            if values:
                result["dltaf_max_rss_kb"] = max(values)
            result["timings_of_median_run"] = middle.get("timings")
            result["load_of_median_run"] = middle.get("load")
        if self.tool == "dlt":
            result["dlt"] = middle["dlt"]
        return result


def reset_dest_schema() -> None:
    psql("drop schema if exists bench cascade", DEST_DB, "-c", "drop schema if exists bench_staging cascade")


def fresh_sqlite(path: str) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)


def copy_pipe(fmt: str) -> Case:
    option = " (FORMAT binary)" if fmt == "binary" else ""

    def prepare() -> None:
        reset_dest_schema()
        psql(f"create schema bench; create table bench.bench_src ({COLUMNS.replace(' primary key', '')})", DEST_DB)

    pipe = (f"set -o pipefail; psql -X -q -v ON_ERROR_STOP=1 -d {SOURCE_DB} -c 'COPY bench_src TO STDOUT{option}' "
            f"| psql -X -q -v ON_ERROR_STOP=1 -d {DEST_DB} -c 'COPY bench.bench_src FROM STDIN{option}'")
    return Case(f"pg->pg COPY {fmt} pipe", "pg->pg", "native", ROWS, prepare, ["bash", "-c", pipe],
                lambda: pg_check(DEST_DB, "bench.bench_src"), lambda: pg_columns(DEST_DB, "bench.bench_src"))


def copy_sqlite() -> Case:
    db = os.path.join(WORK, "import.sqlite")

    def prepare() -> None:
        fresh_sqlite(db)
        subprocess.run(["sqlite3", db, "create table bench_src (id integer primary key, name text, score real, "
                        "created_at text, flag integer, amount numeric, payload text)"], check=True)

    pipe = (f"set -o pipefail; psql -X -q -v ON_ERROR_STOP=1 -d {SOURCE_DB} -c 'COPY bench_src TO STDOUT (FORMAT csv)' "
            f"| sqlite3 {db} '.import --csv /dev/stdin bench_src'")
    return Case("pg->sqlite COPY csv | sqlite3 .import", "pg->sqlite", "native", ROWS, prepare, ["bash", "-c", pipe],
                lambda: sqlite_check(db), lambda: sqlite_columns(db))


def credentials() -> Dict[str, str]:
    return {"HOST": "127.0.0.1", "PORT": os.environ["PGPORT"], "USERNAME": os.environ["PGUSER"],
            "PASSWORD": os.environ["PGPASSWORD"]}


def clean_env() -> Dict[str, str]:
    """The environment without PG*: dlt and dltaf get their connections only the documented way."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


def dltaf_case(destination: str, rows: int, tag: str = "") -> Case:
    folder = os.path.join(WORK, f"dltaf-{destination}{tag.replace(' ', '-')}")
    os.makedirs(folder, exist_ok=True)
    name = f"bench_sqldb_{destination}"
    path = os.path.join(folder, f"{name}.yaml")
    with open(path, "w") as handle:
        handle.write(
            "version: 1\n"
            f"pipeline: {{name: {name}, destination: {destination}, dataset: bench}}\n"
            "run: {write_disposition: replace}\n"
            "source:\n  kind: sqldb\n  dialect: postgres\n  mode: catalog\n"
            "  catalog: {schema: public, tables: [bench_src]}\n")
    env = clean_env()
    env["PATH"] = BIN + ":" + env["PATH"]
    env["SOURCES__SQL_DATABASE__CREDENTIALS__DRIVERNAME"] = "postgresql"
    env["SOURCES__SQL_DATABASE__CREDENTIALS__DATABASE"] = SOURCE_DB
    for key, value in credentials().items():
        env[f"SOURCES__SQL_DATABASE__CREDENTIALS__{key}"] = value
    if destination == "postgres":
        env["DESTINATION__POSTGRES__CREDENTIALS__DATABASE"] = DEST_DB
        for key, value in credentials().items():
            env[f"DESTINATION__POSTGRES__CREDENTIALS__{key}"] = value
        check = lambda: pg_check(DEST_DB, "bench.bench_src")  # noqa: E731
        columns = lambda: pg_columns(DEST_DB, "bench.bench_src")  # noqa: E731
        route = "pg->pg"
    else:
        db = os.path.join(folder, ".dltaf", "bench.sqlite")
        check = lambda: sqlite_check(db)  # noqa: E731
        columns = lambda: sqlite_columns(db)  # noqa: E731
        route = "pg->sqlite"

    def prepare() -> None:
        shutil.rmtree(os.path.join(folder, ".dltaf"), ignore_errors=True)
        if destination == "postgres":
            reset_dest_schema()

    case = Case(f"{route} dltaf{tag}", route, "dltaf", rows, prepare, [os.path.join(BIN, "dltaf"), "exec", path, "--json"],
                check, columns, env=env, cwd=folder)
    case.destination = destination
    return case


def dlt_case(backend: str, destination: str) -> Case:
    folder = os.path.join(WORK, f"dlt-{backend}-{destination}")
    c = credentials()
    url = f"postgresql://{c['USERNAME']}:{c['PASSWORD']}@{c['HOST']}:{c['PORT']}"
    # SQLAlchemy 2.1 defaults postgresql:// to psycopg 3: name the driver the venv has (dlt strips it for connectorx).
    source_url = f"postgresql+psycopg2://{c['USERNAME']}:{c['PASSWORD']}@{c['HOST']}:{c['PORT']}/{SOURCE_DB}"
    env = clean_env()
    # No telemetry or any other traffic beyond loopback; dlt's files under the case's folder.
    env.update({"RUNTIME__DLTHUB_TELEMETRY": "false", "DLT_DATA_DIR": os.path.join(folder, "data"), "HOME": folder,
                "RUNTIME__LOG_LEVEL": "WARNING"})
    if destination == "postgres":
        # The tuned CSV-loader settings of data-plane.md §4 (6.8–12.7 s there against 19.8–26.7 s by default).
        env.update({"NORMALIZE__WORKERS": "2", "NORMALIZE__START_METHOD": "spawn", "LOAD__WORKERS": "4",
                    "DATA_WRITER__FILE_MAX_ITEMS": "200000", "NORMALIZE__DATA_WRITER__FILE_MAX_ITEMS": "200000",
                    "EXTRACT__DATA_WRITER__FILE_MAX_ITEMS": "200000", "DATA_WRITER__DISABLE_COMPRESSION": "true",
                    "NORMALIZE__DATA_WRITER__DISABLE_COMPRESSION": "true"})
        target = f"{url}/{DEST_DB}"
        check = lambda: pg_check(DEST_DB, "bench.bench_src")  # noqa: E731
        columns = lambda: pg_columns(DEST_DB, "bench.bench_src")  # noqa: E731
        route = "pg->pg"
    else:
        target = os.path.join(folder, "bench.sqlite")
        check = lambda: sqlite_check(find_sqlite(folder))  # noqa: E731
        columns = lambda: sqlite_columns(find_sqlite(folder))  # noqa: E731
        route = "pg->sqlite"

    def prepare() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        if destination == "postgres":
            reset_dest_schema()

    return Case(f"{route} dlt {backend}", route, "dlt", ROWS, prepare,
                [DLT_PYTHON, os.path.join(HERE, "sqldb_dlt.py"), backend, destination, os.path.join(folder, "pipelines"),
                 target, source_url, str(CHUNK)], check, columns, env=env, cwd=folder)


def round_robin(cases: List[Case], runs: int) -> None:
    for _ in range(WARMUP):
        for case in cases:
            case.run_once(warmup=True)
    for _ in range(runs):
        for case in cases:
            case.run_once()


def ratios(cases: List[Case]) -> Dict[str, Optional[float]]:
    """rows/s of the left case over the right one's (wall medians at BENCH_SQLDB_ROWS); None when one is missing."""
    def rate(case: Optional[Case]) -> Optional[float]:
        return ROWS / statistics.median(r["wall"] for r in case.runs) if case and case.status == "ok" and case.runs else None

    by_name = {c.name: c for c in cases if c.rows == ROWS}
    result: Dict[str, Optional[float]] = {}
    for route, ceilings in (("pg->sqlite", ["pg->sqlite COPY csv | sqlite3 .import"]),
                            ("pg->pg", ["pg->pg COPY text pipe", "pg->pg COPY binary pipe"])):
        dlts = [c for c in by_name.values() if c.route == route and c.tool == "dlt" and rate(c)]
        best = max(dlts, key=rate, default=None)
        dltaf = by_name.get(f"{route} dltaf")
        pairs = [(dltaf, best, f"{route} dltaf / dlt best" + (f" ({best.name.split()[-1]})" if best else ""))]
        pairs += [(dltaf, by_name.get(c), f"{route} dltaf / {c.split(' ', 1)[1]}") for c in ceilings]
        pairs += [(best, by_name.get(c), f"{route} dlt best / {c.split(' ', 1)[1]}") for c in ceilings]
        for left, right, name in pairs:
            result[name] = rate(left) / rate(right) if rate(left) and rate(right) else None
    return result


def main() -> None:
    started = os.getloadavg()
    result: Dict[str, Any] = {"rows": ROWS, "big_rows": BIG_ROWS, "runs": RUNS, "dlt_runs": DLT_RUNS, "warmup": WARMUP,
                              "chunk_size": CHUNK, "uptime_start": os.environ.get("BENCH_UPTIME_START", ""),
                              "load_average_start": started, "cases": {}}
    log(f"{ROWS:,} rows, {RUNS} runs a case (dlt {DLT_RUNS}) after {WARMUP} warm-up, dlt backends {BACKENDS if DLT_PYTHON else 'skipped'}")
    SOURCE.generate(ROWS)
    sqlite_cases = [copy_sqlite(), dltaf_case("sqlite", ROWS)]
    round_robin(sqlite_cases, RUNS)
    pg_cases = [copy_pipe("text"), copy_pipe("binary"), dltaf_case("postgres", ROWS)]
    round_robin(pg_cases, RUNS)
    all_cases = sqlite_cases + pg_cases
    if DLT_PYTHON:
        dlt_cases = [dlt_case(b, d) for d in ("sqlite", "postgres") for b in BACKENDS]
        round_robin(dlt_cases, DLT_RUNS)
        all_cases += dlt_cases
    result["ratios"] = ratios(all_cases)
    dltafs = [c for c in all_cases if c.tool == "dltaf" and c.live]
    if BIG_ROWS and dltafs:
        SOURCE.generate(BIG_ROWS)
        for case in dltafs:
            big = dltaf_case(case.destination, BIG_ROWS, tag=f" {BIG_ROWS / 1_000_000:g}M")
            big.run_once()
            all_cases.append(big)
    elif BIG_ROWS:
        log(f"no dltaf route ran: the {BIG_ROWS:,}-row size (dltaf's peak RSS only) is skipped")
    result["source"] = SOURCE.info
    peak: Dict[str, Dict[str, Optional[int]]] = {}
    for case in all_cases:
        if case.tool == "dltaf":
            values = [r.get("dltaf_max_rss_kb") or r["tree_max_rss_kb"] for r in case.runs]
            peak.setdefault(case.route, {})[str(case.rows)] = max(values) if values else None
    result["dltaf_peak_rss_kb"] = peak
    for case in all_cases:
        result["cases"][case.name] = case.summary()
    result["load_average_end"] = os.getloadavg()
    json.dump(result, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
