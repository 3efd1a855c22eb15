#!/usr/bin/env python3
"""dlt's side of the sqldb benchmark (`scripts/bench-sqldb.sh`), run with the bench-only venv's interpreter:
`dlt.sources.sql_database.sql_table` of public.bench_src into SQLite (the `sqlalchemy` destination on a file) or
PostgreSQL (the `postgres` destination, CSV loader), `write_disposition=replace`, dataset `bench`.

    sqldb_dlt.py BACKEND DEST PIPELINES_DIR TARGET SOURCE_URL CHUNK

BACKEND: connectorx (return_type arrow_stream when the installed dlt and connectorx know it), pyarrow or
sqlalchemy (dlt's default). DEST: sqlite (TARGET = the .sqlite path) or postgres (TARGET = a postgresql:// URL).
Prints one JSON line: dlt's version, the backend options used and the seconds of each pipeline step.
The tuned settings for the postgres destination (data-plane.md §4) come from the environment the driver sets.
"""

from __future__ import annotations

import inspect
import json
import sys
from typing import Any, Dict


def arrow_stream_supported() -> bool:
    """Both ends must know `arrow_stream`: dlt's ConnectorX loader (batches) and connectorx.read_sql."""
    try:
        import connectorx
        from dlt.sources.sql_database import helpers

        return "arrow_stream" in inspect.getsource(helpers) and "arrow_stream" in inspect.getsource(connectorx)
    except Exception:  # noqa: BLE001 - an old or broken install: plain arrow
        return False


def main(backend: str, destination: str, pipelines_dir: str, target: str, source_url: str, chunk: int) -> None:
    import dlt
    from dlt.sources.sql_database import sql_table

    backend_kwargs: Dict[str, Any] = {}
    if backend == "connectorx" and arrow_stream_supported():
        backend_kwargs = {"return_type": "arrow_stream", "batch_size": chunk}
    resource = sql_table(
        credentials=source_url, table="bench_src", schema="public", backend=backend, chunk_size=chunk,
        reflection_level="full_with_precision", backend_kwargs=backend_kwargs or None, write_disposition="replace",
    )
    if destination == "sqlite":
        dest = dlt.destinations.sqlalchemy(credentials=f"sqlite:///{target}")
        file_format = None
    else:
        dest = dlt.destinations.postgres(credentials=target)
        file_format = "csv"
    pipeline = dlt.pipeline(
        pipeline_name=f"bench_sqldb_{backend}_{destination}", destination=dest, dataset_name="bench",
        pipelines_dir=pipelines_dir,
    )
    info = pipeline.run(resource, loader_file_format=file_format)
    info.raise_on_failed_jobs()
    steps: Dict[str, float] = {}
    try:
        for step in pipeline.last_trace.steps:
            if step.finished_at and step.started_at:
                steps[step.step] = (step.finished_at - step.started_at).total_seconds()
    except Exception:  # noqa: BLE001 - the trace is informational
        pass
    print(json.dumps({"dlt": dlt.__version__, "backend": backend, "backend_kwargs": backend_kwargs,
                      "loader_file_format": file_format, "steps_seconds": steps}))


if __name__ == "__main__":  # guarded: NORMALIZE__START_METHOD=spawn re-imports this module in its workers
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]))
