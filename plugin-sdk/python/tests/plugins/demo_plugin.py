"""A plugin exercising every SDK feature; the tests run it in-process and as a subprocess.

As a subprocess, DEMO_HEARTBEAT_SECONDS and DEMO_CANCEL_GRACE_SECONDS tune the plugin.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from typing import Any, Optional

from dltaf_plugin import Call, Diagnostic, Plugin, PluginError

print("demo plugin: module loading")  # before serve(): must end up on stderr, not on the protocol stream

log = logging.getLogger("demo")


def make_plugin(heartbeat_seconds: Optional[float] = 5.0, cancel_grace_seconds: float = 2.0) -> Plugin:
    plugin = Plugin(
        name="demo",
        version="0.0.1",
        description="SDK test plugin",
        heartbeat_seconds=heartbeat_seconds,
        cancel_grace_seconds=cancel_grace_seconds,
    )

    @plugin.runner("csv_rows")
    def run_rows(call: Call) -> dict[str, Any]:
        """Loads rows from a CSV file."""
        if "FAIL_WITH" in call.env:
            raise PluginError("credentials refused", category="AUTH", code="demo.auth", retryable=True)
        rows = int(call.manifest.get("source", {}).get("rows", 3))
        for done in range(1, rows + 1):
            call.progress(current=done, total=rows, unit="rows")
        call.state({"cursor": rows})
        return {"status": "success", "message": f"{rows} rows", "load_metrics": {"rows_count": rows}}

    @plugin.validator("csv_rows")
    def validate_rows(call: Call) -> list[Any]:
        source = call.manifest.get("source", {})
        found: list[Any] = []
        if not isinstance(source.get("path"), str):
            found.append(Diagnostic.error("source.path is required", path="/source/path", code="demo.no_path"))
        if source.get("limit", 0) < 0:
            found.append({"severity": "error", "message": "limit must be >= 0", "path": "/source/limit"})
        if "delimiter" not in source:
            found.append(Diagnostic.info("delimiter defaults to ','"))
        return found

    @plugin.runner("sleepy")
    def sleepy(call: Call) -> dict[str, Any]:
        """Sleeps manifest.source.seconds; stops early when cancelled unless source.ignore_cancel."""
        source = call.manifest.get("source", {})
        deadline = time.monotonic() + float(source.get("seconds", 30))
        while time.monotonic() < deadline:
            if not source.get("ignore_cancel"):
                call.raise_if_cancelled()
            time.sleep(0.01)
        if source.get("fail_after_cancel") and call.cancelled.is_set():
            raise PluginError("gave up", category="TIMEOUT")
        return {"status": "success"}

    @plugin.runner("chatty")
    def chatty(call: Call) -> None:
        """Writes to stdout in every way user code might, and logs."""
        print("print from a handler")
        sys.stdout.write("sys.stdout.write from a handler\n")
        subprocess.run(["echo", "a child process writing to stdout"], check=True)
        log.debug("a debug record")
        log.info("an info record %s", 42)
        log.warning("a warning record")
        call.log("error", "an explicit log", table="orders")

    @plugin.runner("crash")
    def crash(call: Call) -> None:
        raise ValueError("boom")

    @plugin.runner("bad_result")
    def bad_result(call: Call) -> Any:
        return "not a run outcome"

    @plugin.runner("big_result")
    def big_result(call: Call) -> dict[str, Any]:
        return {"status": "success", "payload": "x" * 2048}

    @plugin.hook("guard", events=("pre_run", "post_run"), description="Vetoes runs when config.deny is set")
    def guard(call: Call) -> Any:
        if call.event == "pre_run":
            return (False, "denied by config") if call.config.get("deny") else None
        if (call.result or {}).get("status") == "failed":
            return {"ok": False, "message": "the run failed"}
        return True

    @plugin.check("port_open")
    def port_open(call: Call) -> dict[str, Any]:
        """Checks that a TCP port answers."""
        return {"ok": True, "details": {"timeout": call.timeout_seconds}}

    @plugin.applies("port_open")
    def port_open_applies(call: Call) -> Any:
        return (False, "no port configured") if "port" not in call.config else True

    @plugin.check("always_fails")
    def always_fails(call: Call) -> dict[str, Any]:
        return {"errors": ["it always fails"]}

    return plugin


plugin = make_plugin(
    heartbeat_seconds=float(os.environ.get("DEMO_HEARTBEAT_SECONDS", "5")),
    cancel_grace_seconds=float(os.environ.get("DEMO_CANCEL_GRACE_SECONDS", "2")),
)

if __name__ == "__main__":
    plugin.serve()
