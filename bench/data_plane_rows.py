"""The rows of the data-plane benchmark (`scripts/bench-data.sh`), one generator for every tool.

5 columns: bigint id, text (~13 bytes), double, timestamp (ISO 8601 string), smallint. Ids run 0..N-1, so a
load is correct when count = N and sum(id) = N(N-1)/2.

    python3 bench/data_plane_rows.py csv N FILE        the same rows as a CSV file with a header (the ceilings)
    python3 bench/data_plane_rows.py dlt DEST N ...    the same generator through dlt (bench-only venv)
"""

from __future__ import annotations

import csv
import os
import sys
from typing import Any, Dict, Iterator

COLUMNS = [
    {"name": "id", "type": "bigint"},
    {"name": "name", "type": "text"},
    {"name": "amount", "type": "double"},
    {"name": "ts", "type": "timestamp"},
    {"name": "qty", "type": "bigint"},  # data.v1 has no smallint: the narrowest integer it declares
]


def rows(start: int, stop: int) -> Iterator[Dict[str, Any]]:
    for i in range(start, stop):
        yield {"id": i, "name": f"customer {i}", "amount": i * 0.25, "ts": "2025-01-31T12:34:56Z", "qty": i % 100}


def runner_main() -> None:
    """The dltaf runner plugin (kind `bench_rows`): source.rows rows, a checkpoint every source.every rows."""
    from dltaf_plugin import Plugin

    plugin = Plugin(name="bench.rows", version="1.0.0")

    @plugin.runner("bench_rows")
    def run(call: Any) -> Dict[str, Any]:
        source = call.manifest["source"]
        total, every = int(source["rows"]), int(source.get("every", 1_000_000))
        batch = source.get("batch")
        call.data_options(transport=source.get("transport", "ndjson"), batch_rows=int(batch) if batch else None)
        call.open("orders", columns=COLUMNS)
        for first in range(0, total, every):
            call.write("orders", rows(first, min(first + every, total)))
            call.checkpoint({"next": min(first + every, total)})
        if source.get("cpu_file"):  # the producer's own CPU seconds, for the split between runner and host
            times = os.times()
            with open(source["cpu_file"], "w") as handle:
                handle.write(f"{times.user + times.system:.6f}\n")
        return {"status": "success", "message": f"wrote {total} rows"}

    plugin.serve()


def write_csv(count: int, path: str) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([c["name"] for c in COLUMNS])
        writer.writerows(r.values() for r in rows(0, count))


def dlt_main(destination: str, count: int, pipelines_dir: str, target: str) -> None:
    """dlt 1.x on the same generator: `sqlite` (sqlalchemy destination, target = the .sqlite path) or
    `postgres` (target = a postgresql:// URL). The dataset is `bench`, the table `orders`, append."""
    import dlt

    if destination == "sqlite":
        dest = dlt.destinations.sqlalchemy(credentials=f"sqlite:///{target}")
    else:
        dest = dlt.destinations.postgres(credentials=target)
    pipeline = dlt.pipeline(
        pipeline_name="bench_rows", destination=dest, dataset_name="bench", pipelines_dir=pipelines_dir
    )
    info = pipeline.run(rows(0, count), table_name="orders", write_disposition="append")
    info.raise_on_failed_jobs()


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "csv":
        write_csv(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) >= 2 and sys.argv[1] == "dlt":
        dlt_main(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        runner_main()
