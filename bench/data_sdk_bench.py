#!/usr/bin/env python3
"""The Python SDK's producer side of the data feature, alone: how many rows/s ``call.write`` turns into spool
files or inline ``data/write`` lines, with a host that answers at once and loads nothing.

    python3 bench/data_sdk_bench.py                  # 1,000,000 rows, csv and ndjson files, inline lines
    python3 bench/data_sdk_bench.py --rows 200000 --repeat 5 --transport csv --batch-rows 50000
    python3 bench/data_sdk_bench.py --pipe           # through the real Server over OS pipes

The rows have 5 columns (bigint, text, double, timestamp string, smallint), built by a generator in the
runner, as a real runner would. ``--pipe`` runs the runner inside ``Server`` on a pipe with a reader thread
that answers every request (deleting each file, as the host does); otherwise the SDK's data channel sends
its lines straight to /dev/null. The generator alone is measured too, to show what the SDK adds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from typing import Any, Dict, Iterator

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "plugin-sdk", "python", "src"))

from dltaf_plugin import Call, Plugin  # noqa: E402
from dltaf_plugin._data import DataChannel, _Reply  # noqa: E402
from dltaf_plugin._framing import decode, encode  # noqa: E402
from dltaf_plugin._server import Server  # noqa: E402


def rows(count: int) -> Iterator[Dict[str, Any]]:
    """5 columns: bigint, text, double, timestamp (string), smallint."""
    for i in range(count):
        yield {"id": i, "name": f"customer {i}", "amount": i * 0.25, "ts": "2025-01-31T12:34:56Z", "qty": i % 100}


def direct(count: int, spool: str, transport: str, batch_rows: int) -> float:
    """The data channel with a request function that writes each line to /dev/null and answers at once."""
    sink = open(os.devnull, "wb")  # noqa: SIM115

    def request(reply: _Reply, params: Dict[str, Any], default: Any) -> None:
        sink.write(encode({"jsonrpc": "2.0", "id": 1, "method": reply.method, "params": params}, default))
        if reply.method == "data/write" and "file" in params:
            os.unlink(params["file"]["path"])
            reply.settle({"rows": 0})
        else:
            reply.settle({"stream": params.get("stream"), "state": None, "rows": 0})

    call = Call(1, "runner/run", {}, lambda method, params: None)
    channel = DataChannel(call, {"spool_dir": spool, "streams": {}}, request, 16 * 1024 * 1024)
    channel.configure(transport, batch_rows, None)
    with _Clock() as clock:
        channel.write("orders", rows(count))
        channel.finish()
    return clock


def through_pipe(count: int, spool: str, transport: str, batch_rows: int) -> float:
    """A real Server on OS pipes; a reader thread plays the host (answers in order, deletes each file)."""
    plugin = Plugin("bench", "1", heartbeat_seconds=None)

    @plugin.runner("bench")
    def run(call: Call) -> Dict[str, Any]:
        call.data_options(transport=transport, batch_rows=batch_rows)
        return {"message": f"{call.write('orders', rows(count))} rows"}

    to_plugin_r, to_plugin_w = os.pipe()
    from_plugin_r, from_plugin_w = os.pipe()
    host_out, host_in = os.fdopen(to_plugin_w, "wb"), os.fdopen(from_plugin_r, "rb")
    server = Server(plugin, os.fdopen(to_plugin_r, "rb"), os.fdopen(from_plugin_w, "wb"))
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()

    def send(message: Dict[str, Any]) -> None:
        host_out.write(encode(message))
        host_out.flush()

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocol_versions": [1], "features": ["data.v1"]}})
    decode(host_in.readline())
    clock = _Clock().__enter__()
    data = {"spool_dir": spool, "state": None, "streams": {}, "load_id": "bench", "destination": {}}
    send({"jsonrpc": "2.0", "id": 2, "method": "runner/run", "params": {"kind": "bench", "data": data}})
    while True:
        message = decode(host_in.readline())
        if message.get("id") == 2 and "method" not in message:
            break
        if message.get("method") == "data/write" and "file" in message["params"]:
            os.unlink(message["params"]["file"]["path"])
        if "method" in message and "id" in message:
            send({"jsonrpc": "2.0", "id": message["id"], "result": {"rows": 0, "state": None}})
    clock.__exit__()
    host_out.close()
    serving.join(5)
    return clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is reported")
    parser.add_argument("--transport", choices=("csv", "ndjson", "inline", "all"), default="all")
    parser.add_argument("--batch-rows", type=int, default=None, help="rows per file or line (SDK default if unset)")
    parser.add_argument("--pipe", action="store_true", help="through Server over OS pipes")
    args = parser.parse_args()
    spool = tempfile.mkdtemp(prefix="dltaf-bench-spool-")
    try:
        print(f"{'':<26}{'wall rows/s':>14}{'CPU rows/s':>14}   (best of {args.repeat}, generator included)")
        clocks = []
        for _ in range(args.repeat):
            with _Clock() as clock:
                sum(1 for _ in rows(args.rows))
            clocks.append(clock)
        _report("generator alone", args.rows, clocks)
        measure = through_pipe if args.pipe else direct
        for transport in ("csv", "ndjson", "inline") if args.transport == "all" else (args.transport,):
            batch = args.batch_rows or (20_000 if transport == "inline" else 100_000)
            clocks = [measure(args.rows, spool, transport, batch) for _ in range(args.repeat)]
            _report(f"{transport} ({batch:,} rows/{'line' if transport == 'inline' else 'file'})", args.rows, clocks)
    finally:
        shutil.rmtree(spool, ignore_errors=True)


class _Clock:
    """Wall and CPU seconds of a block (CPU time is less disturbed by other work on a shared machine)."""

    def __enter__(self) -> "_Clock":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def _report(label: str, count: int, clocks: "list[_Clock]") -> None:
    wall, cpu = min(c.wall for c in clocks), min(c.cpu for c in clocks)
    print(f"{label:<26}{count / wall:>14,.0f}{count / cpu:>14,.0f}")


if __name__ == "__main__":
    main()
