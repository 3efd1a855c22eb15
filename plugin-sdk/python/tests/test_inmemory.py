"""The SDK's protocol behaviour, driven in-process through InMemoryHost."""

from __future__ import annotations

import time
from typing import Iterator

import pytest
from demo_plugin import make_plugin

from dltaf_plugin import Plugin, RpcError
from dltaf_plugin.testing import InMemoryHost


@pytest.fixture
def host() -> Iterator[InMemoryHost]:
    with InMemoryHost(make_plugin(heartbeat_seconds=0.05, cancel_grace_seconds=0.3)) as host:
        host.initialize()
        yield host


def error_of(host: InMemoryHost, method: str, params: dict) -> RpcError:
    with pytest.raises(RpcError) as caught:
        host.call(method, params)
    return caught.value


# -- handshake and session ---------------------------------------------------------------------------------


def test_initialize_announces_plugin_and_registered_handlers() -> None:
    with InMemoryHost(make_plugin()) as host:
        result = host.initialize(protocol_versions=[3, 2, 1])
    assert result["protocol_version"] == 1
    assert result["plugin"] == {"name": "demo", "version": "0.0.1", "description": "SDK test plugin"}
    assert result["features"] == []
    provides = result["provides"]
    runners = {entry["kind"]: entry.get("description") for entry in provides["runners"]}
    assert runners["csv_rows"] == "Loads rows from a CSV file."  # first docstring line
    assert runners["crash"] is None
    assert provides["hooks"] == [
        {"name": "guard", "events": ["pre_run", "post_run"], "description": "Vetoes runs when config.deny is set"}
    ]
    assert [entry["name"] for entry in provides["checks"]] == ["port_open", "always_fails"]


def test_version_mismatch_is_32002_with_supported_versions() -> None:
    with InMemoryHost(make_plugin()) as host:
        with pytest.raises(RpcError) as caught:
            host.initialize(protocol_versions=[99])
        assert caught.value.code == -32002
        assert caught.value.data == {"supported": [1]}
        # still not initialized: calls are refused, and the session ends cleanly at end of input
        assert error_of(host, "shutdown", {}).code == -32001
        assert host.close() == 0


def test_calls_before_initialize_are_32001() -> None:
    with InMemoryHost(make_plugin()) as host:
        assert error_of(host, "runner/run", {"kind": "csv_rows"}).code == -32001
        assert error_of(host, "frobnicate", {}).code == -32001
        assert host.initialize()["protocol_version"] == 1
        assert host.received[0]["id"] == 1  # nothing but answers before the handshake


def test_second_initialize_is_invalid_request(host: InMemoryHost) -> None:
    assert error_of(host, "initialize", {"protocol_versions": [1]}).code == -32600


def test_unknown_method_is_32601(host: InMemoryHost) -> None:
    error = error_of(host, "runner/frobnicate", {})
    assert error.code == -32601
    assert error.message == "method not found: runner/frobnicate"


def test_malformed_json_is_32700_with_null_id(host: InMemoryHost) -> None:
    host.send_line(b'{"jsonrpc": "2.0", "id": 7, "method": ')
    response = host.response(None)
    assert response["error"]["code"] == -32700
    host.send_line(b"\xff\xfe not utf-8")
    assert host.response(None)["error"]["code"] == -32700
    host.send_line("[1, 2]")
    assert host.response(None)["error"]["code"] == -32600
    assert host.call("shutdown") == {}  # the session survives garbage


def test_unknown_notifications_fields_and_cancel_of_unknown_ids_are_ignored(host: InMemoryHost) -> None:
    host.notify("telemetry/whatever", {"x": 1})
    host.cancel(12345)
    host.send({"jsonrpc": "2.0", "id": 99, "result": {}})  # a stray response: nothing to answer
    result = host.call("check/run", {"check": "port_open", "timeout_seconds": 3, "future_field": [1]})
    assert result["details"] == {"timeout": 3}
    assert [m.get("id") for m in host.received if "id" in m] == [1, 2]


def test_shutdown_then_end_of_input_exits_0(host: InMemoryHost) -> None:
    assert host.call("shutdown") == {}
    assert host.close() == 0


# -- runners ---------------------------------------------------------------------------------------------------


def test_runner_run_returns_outcome_with_progress_and_state(host: InMemoryHost) -> None:
    request_id = host.request("runner/run", {"kind": "csv_rows", "manifest": {"source": {"rows": 2}}})
    response = host.response(request_id)
    assert response["result"] == {"status": "success", "message": "2 rows", "load_metrics": {"rows_count": 2}}
    progress = host.notifications_of("progress", request_id)
    assert progress == [
        {"current": 1, "total": 2, "unit": "rows", "request_id": request_id},
        {"current": 2, "total": 2, "unit": "rows", "request_id": request_id},
    ]
    assert host.notifications_of("state", request_id) == [{"state": {"cursor": 2}, "request_id": request_id}]


def test_validate_returns_every_diagnostic_with_paths(host: InMemoryHost) -> None:
    result = host.call("runner/validate", {"kind": "csv_rows", "manifest": {"source": {"limit": -1}}})
    assert result == {
        "diagnostics": [
            {"severity": "error", "message": "source.path is required", "code": "demo.no_path", "path": "/source/path"},
            {"severity": "error", "message": "limit must be >= 0", "path": "/source/limit"},
            {"severity": "info", "message": "delimiter defaults to ','"},
        ]
    }
    ok = host.call("runner/validate", {"kind": "csv_rows", "manifest": {"source": {"path": "a", "delimiter": ";"}}})
    assert ok == {"diagnostics": []}
    assert host.call("runner/validate", {"kind": "crash"}) == {"diagnostics": []}  # no validator: nothing found


@pytest.mark.parametrize(
    "params, fragment",
    [({}, "'kind' must be a string"), ({"kind": 3}, "'kind' must be a string"), ({"kind": "nope"}, "unknown runner")],
)
def test_missing_or_unknown_kind_is_32602(host: InMemoryHost, params: dict, fragment: str) -> None:
    error = error_of(host, "runner/run", params)
    assert error.code == -32602
    assert fragment in error.message


def test_plugin_error_maps_to_32000_with_category(host: InMemoryHost) -> None:
    error = error_of(host, "runner/run", {"kind": "csv_rows", "env": {"FAIL_WITH": "x"}})
    assert (error.code, error.message) == (-32000, "credentials refused")
    assert error.data == {"category": "AUTH", "code": "demo.auth", "retryable": True}


def test_plain_exception_maps_to_32000_unknown_without_traceback(host: InMemoryHost) -> None:
    error = error_of(host, "runner/run", {"kind": "crash"})
    assert (error.code, error.message) == (-32000, "ValueError: boom")
    assert error.data == {"category": "UNKNOWN", "code": None, "retryable": False}
    assert "Traceback" not in str(host.received)


def test_invalid_handler_results_are_internal_errors(host: InMemoryHost) -> None:
    error = error_of(host, "runner/run", {"kind": "bad_result"})
    assert error.code == -32603
    assert "run outcome" in error.message


def test_a_failed_outcome_may_classify_itself() -> None:
    plugin = Plugin(name="classify", version="1.0.0", heartbeat_seconds=None)

    @plugin.runner("k")
    def run(call):
        return call.params["env"]["OUTCOME"]

    classified = {"status": "failed", "message": "no", "category": "AUTH", "code": "bad_token", "retryable": True}
    with InMemoryHost(plugin) as host:
        host.initialize()
        assert host.call("runner/run", {"kind": "k", "env": {"OUTCOME": classified}}) == classified
        for bad, fragment in [
            ({"category": "NOPE"}, "category must be one of"),
            ({"category": "CANCELLED"}, "category must be one of"),
            ({"code": ""}, "code must be a non-empty string"),
            ({"code": 3}, "code must be a non-empty string"),
            ({"retryable": "yes"}, "retryable must be a bool"),
        ]:
            with pytest.raises(RpcError) as caught:
                host.call("runner/run", {"kind": "k", "env": {"OUTCOME": {"status": "failed", **bad}}})
            assert caught.value.code == -32603 and fragment in caught.value.message


def test_result_longer_than_max_line_bytes_becomes_an_error() -> None:
    with InMemoryHost(make_plugin()) as host:
        host.initialize(limits={"max_line_bytes": 1024})
        error = error_of(host, "runner/run", {"kind": "big_result"})
        assert error.code == -32603
        assert "max_line_bytes" in error.message


# -- hooks and checks ----------------------------------------------------------------------------------------


def test_hook_veto_and_ok(host: InMemoryHost) -> None:
    veto = host.call("hook/pre_run", {"hook": "guard", "config": {"deny": True}})
    assert veto == {"ok": False, "message": "denied by config"}
    assert host.call("hook/pre_run", {"hook": "guard"}) == {"ok": True}
    failed = host.call("hook/post_run", {"hook": "guard", "result": {"status": "failed"}})
    assert failed == {"ok": False, "message": "the run failed"}
    assert host.call("hook/post_run", {"hook": "guard", "result": {"status": "success"}}) == {"ok": True}


def test_hook_event_it_does_not_handle_is_32602(host: InMemoryHost) -> None:
    error = error_of(host, "hook/on_error", {"hook": "guard", "error": {"message": "x"}})
    assert error.code == -32602
    assert error_of(host, "hook/pre_run", {}).code == -32602


def test_check_result_defaults_are_filled(host: InMemoryHost) -> None:
    assert host.call("check/run", {"check": "port_open", "timeout_seconds": 5}) == {
        "ok": True,
        "errors": [],
        "warnings": [],
        "details": {"timeout": 5},
    }
    failing = host.call("check/run", {"check": "always_fails", "timeout_seconds": 5})
    assert failing == {"errors": ["it always fails"], "ok": False, "warnings": [], "details": {}}


def test_applies_uses_handler_or_defaults_to_true(host: InMemoryHost) -> None:
    assert host.call("check/applies", {"check": "port_open"}) == {"applies": False, "reason": "no port configured"}
    assert host.call("check/applies", {"check": "port_open", "config": {"port": 5432}}) == {"applies": True}
    assert host.call("check/applies", {"check": "always_fails"}) == {"applies": True}
    assert error_of(host, "check/applies", {"check": "nope"}).code == -32602


# -- logging, cancel, heartbeat, concurrency -----------------------------------------------------------------


def test_logging_is_bridged_to_log_notifications(host: InMemoryHost) -> None:
    request_id = host.request("runner/run", {"kind": "chatty"})
    assert host.response(request_id)["result"] == {"status": "success"}
    logs = host.notifications_of("log", request_id)
    info = {"level": "info", "message": "an info record 42", "fields": {"logger": "demo"}, "request_id": request_id}
    assert info in logs
    assert any(entry["level"] == "warning" and entry["message"] == "a warning record" for entry in logs)
    explicit = {"level": "error", "message": "an explicit log", "fields": {"table": "orders"}, "request_id": request_id}
    assert explicit in logs
    assert not any(entry["level"] == "debug" for entry in logs)  # below the plugin's INFO level


def test_cancel_sets_event_and_cooperative_handler_answers_32800(host: InMemoryHost) -> None:
    request_id = host.request("runner/run", {"kind": "sleepy", "manifest": {"source": {"seconds": 30}}})
    host.wait_for_notification("heartbeat", lambda params: params.get("request_id") == request_id)
    started = time.monotonic()
    host.cancel(request_id, reason="user pressed ctrl-c")
    error = host.response(request_id)["error"]
    assert error["code"] == -32800
    assert "user pressed ctrl-c" in error["message"]
    assert time.monotonic() - started < 0.3 + 1.0  # well before the grace timer would have answered


def test_plugin_error_after_cancel_maps_to_32800(host: InMemoryHost) -> None:
    source = {"seconds": 0.4, "ignore_cancel": True, "fail_after_cancel": True}
    request_id = host.request("runner/run", {"kind": "sleepy", "manifest": {"source": source}})
    host.cancel(request_id)
    assert host.response(request_id)["error"]["code"] == -32800


def test_handler_ignoring_cancel_is_answered_32800_after_grace(host: InMemoryHost) -> None:
    source = {"seconds": 2, "ignore_cancel": True}
    request_id = host.request("runner/run", {"kind": "sleepy", "manifest": {"source": source}})
    started = time.monotonic()
    host.cancel(request_id)
    error = host.response(request_id, timeout=1.5)["error"]
    assert error["code"] == -32800
    assert 0.25 <= time.monotonic() - started < 1.5
    time.sleep(2)  # the handler's late result is dropped: still exactly one answer
    assert len([m for m in host.received if m.get("id") == request_id]) == 1


def test_heartbeats_are_sent_while_a_handler_runs_and_stop_after(host: InMemoryHost) -> None:
    request_id = host.request("runner/run", {"kind": "sleepy", "manifest": {"source": {"seconds": 0.4}}})
    host.response(request_id)
    beats = host.notifications_of("heartbeat", request_id)
    assert 3 <= len(beats) <= 10, beats
    answer_index = next(i for i, m in enumerate(host.received) if m.get("id") == request_id)
    time.sleep(0.2)
    later = [m for m in host.received[answer_index:] if m.get("method") == "heartbeat"]
    assert later == []


def test_requests_run_concurrently_and_answers_match_ids(host: InMemoryHost) -> None:
    slow = host.request("runner/run", {"kind": "sleepy", "manifest": {"source": {"seconds": 0.5}}})
    fast = host.request("check/run", {"check": "port_open", "timeout_seconds": 1})
    assert host.response(fast, timeout=0.4)["result"]["ok"] is True
    assert host.response(slow)["result"] == {"status": "success"}


def test_end_of_input_cancels_running_handlers_and_exits_0() -> None:
    host = InMemoryHost(make_plugin())
    host.initialize()
    request_id = host.request("runner/run", {"kind": "sleepy", "manifest": {"source": {"seconds": 30}}})
    time.sleep(0.05)
    started = time.monotonic()
    assert host.close() == 0
    assert time.monotonic() - started < 2
    assert any(m.get("id") == request_id and m["error"]["code"] == -32800 for m in host.received)


def test_registration_rejects_bad_names_events_and_duplicates() -> None:
    plugin = Plugin("p", "1")
    with pytest.raises(ValueError):
        plugin.runner("has space")
    with pytest.raises(ValueError):
        plugin.hook("h", events=("pre_run", "during_run"))
    plugin.check("c")(lambda call: None)
    with pytest.raises(ValueError):
        plugin.check("c")(lambda call: None)
