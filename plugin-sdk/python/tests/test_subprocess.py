"""The SDK as a real plugin process: stdio takeover, exit behaviour, signals, and the protocol over pipes."""

from __future__ import annotations

import json
import signal
import sys
import time

from helpers import DEMO_PLUGIN, INIT_PARAMS, context

FAST = {"DEMO_HEARTBEAT_SECONDS": "0.1", "DEMO_CANCEL_GRACE_SECONDS": "0.5"}
STUBBORN = {"source": {"seconds": 30, "ignore_cancel": True}}  # a handler that ignores cancel


def start(spawn, env=None):
    return spawn([sys.executable, DEMO_PLUGIN], {**FAST, **(env or {})})


def call_params(**params):
    return {"manifest": {}, "context": context(), **params}


def test_handshake_shutdown_and_end_of_input_exit_0(spawn) -> None:
    plugin = start(spawn)
    result = plugin.initialize()
    assert result["protocol_version"] == 1
    assert result["plugin"]["name"] == "demo"
    response = plugin.call("shutdown")
    assert response == {"jsonrpc": "2.0", "id": 2, "result": {}}
    plugin.close_stdin()
    assert plugin.wait() == 0
    # every stdout line is one compact UTF-8 JSON object
    for line in plugin.raw_stdout:
        compact = json.dumps(json.loads(line), separators=(",", ":"), ensure_ascii=False)
        assert line == compact.encode("utf-8") + b"\n"


def test_end_of_input_without_shutdown_exits_0(spawn) -> None:
    plugin = start(spawn)
    plugin.initialize()
    plugin.close_stdin()
    assert plugin.wait() == 0
    plugin_without_handshake = start(spawn)
    plugin_without_handshake.close_stdin()
    assert plugin_without_handshake.wait() == 0
    assert plugin_without_handshake.raw_stdout == []  # nothing on stdout before initialize


def test_protocol_errors_over_pipes(spawn) -> None:
    plugin = start(spawn)
    before = plugin.call("runner/run", call_params(kind="csv_rows"))
    assert before["error"]["code"] == -32001
    mismatch = plugin.call("initialize", {**INIT_PARAMS, "protocol_versions": [99]})
    assert mismatch["error"]["code"] == -32002 and mismatch["error"]["data"] == {"supported": [1]}
    plugin.initialize()
    assert plugin.call("frobnicate/now")["error"]["code"] == -32601
    plugin.send(b"this is not json\r\n")
    assert plugin.response(None)[0]["error"]["code"] == -32700
    assert plugin.call("check/run", call_params(config={}, timeout_seconds=1))["error"]["code"] == -32602


def test_print_and_child_processes_go_to_stderr_and_logging_is_bridged(spawn) -> None:
    plugin = start(spawn)
    plugin.initialize()
    response, before = plugin.response(plugin.request("runner/run", call_params(kind="chatty", env={})))
    assert response["result"] == {"status": "success"}
    stderr = plugin.stderr(wait_for="a child process writing to stdout")
    for text in ("demo plugin: module loading", "print from a handler", "sys.stdout.write from a handler",
                 "a child process writing to stdout"):
        assert text in stderr
        assert text.encode() not in b"".join(plugin.raw_stdout)
    logs = [m["params"] for m in before if m.get("method") == "log"]
    assert {"level": "warning", "message": "a warning record", "fields": {"logger": "demo"}, "request_id": 2} in logs
    assert not any(entry["level"] == "debug" for entry in logs)


def test_run_validate_and_hook_over_pipes(spawn) -> None:
    plugin = start(spawn)
    plugin.initialize()
    response, before = plugin.response(plugin.request("runner/run", call_params(kind="csv_rows", env={})))
    assert response["result"]["load_metrics"] == {"rows_count": 3}
    assert [m["method"] for m in before if m.get("method") != "heartbeat"] == ["progress"] * 3 + ["state"]
    diagnostics = plugin.call("runner/validate", call_params(kind="csv_rows"))["result"]["diagnostics"]
    assert [d.get("path") for d in diagnostics] == ["/source/path", None]
    veto = plugin.call("hook/pre_run", call_params(hook="guard", config={"deny": True}))
    assert veto["result"] == {"ok": False, "message": "denied by config"}


def test_cancel_answers_32800(spawn) -> None:
    plugin = start(spawn)
    plugin.initialize()
    request_id = plugin.request("runner/run", call_params(kind="sleepy", manifest={"source": {"seconds": 30}}))
    plugin.send({"jsonrpc": "2.0", "method": "cancel", "params": {"id": request_id, "reason": "test"}})
    response, _ = plugin.response(request_id, timeout=5)
    assert response["error"]["code"] == -32800


def test_heartbeats_during_a_slow_handler(spawn) -> None:
    plugin = start(spawn)
    plugin.initialize()
    request_id = plugin.request("runner/run", call_params(kind="sleepy", manifest={"source": {"seconds": 0.5}}))
    response, before = plugin.response(request_id)
    assert response["result"] == {"status": "success"}
    beats = [m for m in before if m.get("method") == "heartbeat"]
    assert len(beats) >= 2
    assert all(m == {"jsonrpc": "2.0", "method": "heartbeat", "params": {"request_id": request_id}} for m in beats)


def test_sigterm_exits_promptly_while_a_handler_runs(spawn) -> None:
    plugin = start(spawn)
    plugin.initialize()
    plugin.request("runner/run", call_params(kind="sleepy", manifest=STUBBORN))
    time.sleep(0.2)
    started = time.monotonic()
    plugin.proc.send_signal(signal.SIGTERM)
    status = plugin.wait(timeout=5)
    assert status in (143, 0, -signal.SIGTERM)
    assert time.monotonic() - started < 2


def test_end_of_input_while_a_handler_ignores_cancel_still_exits_0(spawn) -> None:
    plugin = start(spawn)  # cancel grace 0.5 s
    plugin.initialize()
    request_id = plugin.request("runner/run", call_params(kind="sleepy", manifest=STUBBORN))
    time.sleep(0.1)
    started = time.monotonic()
    plugin.close_stdin()
    assert plugin.wait() == 0
    assert time.monotonic() - started < 3
    response, _ = plugin.response(request_id, timeout=1)
    assert response["error"]["code"] == -32800  # answered on the handler's behalf before exiting
