"""dltaf sample check `py_port`: can each `host:port` in `config.endpoints` be reached over TCP, and how fast.

Config (run.online_checks.config.py_port): `endpoints`, a list of "host:port" strings, and `timeout_seconds`
(optional; default: the call's timeout_seconds, else 5). Endpoints are probed concurrently.
"""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from dltaf_plugin import Call, Plugin

plugin = Plugin(name="py-port-check", version="1.0.0", description="Probes host:port endpoints")


def endpoints(call: Call) -> list[str]:
    found = call.config.get("endpoints")
    return [item for item in found if isinstance(item, str)] if isinstance(found, list) else []


@plugin.applies("py_port")
def applies(call: Call) -> tuple[bool, str]:
    if endpoints(call):
        return True, "endpoints configured"
    return False, "no endpoints in run.online_checks.config.py_port"


def probe(endpoint: str, timeout: float) -> dict[str, Any]:
    """Connects to one host:port; returns {endpoint, ok, latency_ms} or {endpoint, ok, error}."""
    host, colon, port = endpoint.rpartition(":")
    if not colon or not port.isdigit() or not host:
        return {"endpoint": endpoint, "ok": False, "error": "expected host:port"}
    started = time.monotonic()
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except OSError as exc:
        return {"endpoint": endpoint, "ok": False, "error": str(exc) or type(exc).__name__}
    return {"endpoint": endpoint, "ok": True, "latency_ms": round((time.monotonic() - started) * 1000, 3)}


@plugin.check("py_port")
def run(call: Call) -> dict[str, Any]:
    """TCP reachability and connect latency of config.endpoints (host:port)."""
    timeout = call.config.get("timeout_seconds") or call.timeout_seconds or 5
    targets = endpoints(call)
    with ThreadPoolExecutor(max_workers=min(16, len(targets) or 1)) as pool:
        results = list(pool.map(lambda endpoint: probe(endpoint, float(timeout)), targets))
    errors = [f"{result['endpoint']}: {result['error']}" for result in results if not result["ok"]]
    if not targets:
        errors = ["no endpoints configured"]
    return {"ok": not errors, "errors": errors, "warnings": [], "details": {"results": results, "timeout_seconds": timeout}}


if __name__ == "__main__":
    plugin.serve()
