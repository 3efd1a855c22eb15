"""The shell SDK (plugin-sdk/shell/dltaf.sh) as real plugin processes: the demo plugin in plugin-sdk/shell/test
exercises every function; the bash samples built on the SDK replay the common protocol vectors."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import INIT_PARAMS, PLUGINS_ROOT, REPLAY, REPO, context, serve_data, vectors

SHELL_SDK = os.path.join(REPO, "plugin-sdk", "shell", "dltaf.sh")
DEMO = os.path.join(REPO, "plugin-sdk", "shell", "test", "demo_plugin.sh")
BASH_SAMPLES = ("lines_runner", "audit_hook", "port_check")
FAST = {"DLTAF_HEARTBEAT_SECONDS": "0.2"}

pytestmark = pytest.mark.skipif(shutil.which("jq") is None, reason="the shell SDK needs jq")


def start(spawn, env: Any = None):
    plugin = spawn(["bash", DEMO], {**FAST, **(env or {})})
    return plugin


def started(spawn, env: Any = None):
    plugin = start(spawn, env)
    plugin.initialize()
    return plugin


def call_params(**params: Any) -> dict:
    return {"manifest": {}, "context": context(), **params}


def run_params(kind: str, **source: Any) -> dict:
    return call_params(kind=kind, env={}, manifest={"source": source})


def process_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent to reap it counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_for_file(path: Path, timeout: float = 5.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.02)
    raise AssertionError(f"{path} was not written")


def wait_until_gone(pid: int, timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while process_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not process_alive(pid)


def cancel(plugin, request_id: Any, reason: Any = None) -> None:
    params = {"id": request_id, **({"reason": reason} if reason else {})}
    plugin.send({"jsonrpc": "2.0", "method": "cancel", "params": params})


# -- the session --------------------------------------------------------------------------------------------


def test_handshake_describes_the_registrations_and_stdout_carries_only_protocol_lines(spawn) -> None:
    plugin = start(spawn)
    result = plugin.initialize()
    assert result["protocol_version"] == 1 and result["features"] == []
    assert result["plugin"] == {"name": "demo-shell", "version": "0.0.1", "description": "Shell SDK test plugin"}
    provides = result["provides"]
    assert provides["runners"][0] == {"kind": "demo_rows", "description": "Counts pretend rows"}
    assert [r["kind"] for r in provides["runners"]] == ["demo_rows", "sleepy", "chatty", "misbehaving", "loader"]
    assert provides["hooks"] == [{"name": "guard", "events": ["pre_run", "post_run"]}]
    assert provides["checks"] == [
        {"name": "demo_check", "description": "A check that does what its config says"},
        {"name": "always"},
    ]
    assert plugin.call("shutdown") == {"jsonrpc": "2.0", "id": 2, "result": {}}
    plugin.close_stdin()
    assert plugin.wait() == 0
    assert "demo shell plugin: loading" in plugin.stderr()
    for line in plugin.raw_stdout:  # one compact JSON object per line
        message = json.loads(line)
        assert message["jsonrpc"] == "2.0"
        assert line == json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def test_end_of_input_exits_0_and_nothing_is_written_before_initialize(spawn) -> None:
    plugin = start(spawn)
    plugin.close_stdin()
    assert plugin.wait() == 0
    assert plugin.raw_stdout == []


def test_protocol_errors(spawn) -> None:
    plugin = start(spawn)
    assert plugin.call("runner/run", run_params("demo_rows"))["error"]["code"] == -32001
    assert plugin.call("frobnicate/now")["error"]["code"] == -32001  # everything waits for the handshake
    mismatch = plugin.call("initialize", {**INIT_PARAMS, "protocol_versions": [99]})["error"]
    assert mismatch["code"] == -32002 and mismatch["data"] == {"supported": [1]}
    assert "99" in mismatch["message"]
    bad_versions = plugin.call("initialize", {**INIT_PARAMS, "protocol_versions": "1"})
    assert bad_versions["error"]["code"] == -32602
    assert plugin.initialize(protocol_versions=[2, 1])["protocol_version"] == 1
    assert plugin.call("initialize", INIT_PARAMS)["error"]["code"] == -32600  # only once
    assert plugin.call("frobnicate/now")["error"] == {"code": -32601, "message": "method not found: frobnicate/now"}

    plugin.send(b"this is not json\r\n")
    assert plugin.response(None)[0]["error"]["code"] == -32700
    plugin.send(b'{"jsonrpc":"2.0","id":50,"method":"shutdown"} {"id":51}\n')  # two values on one line
    assert plugin.response(None)[0]["error"]["code"] == -32700
    plugin.send(b"[" * 100_000 + b"\n")  # too deep for jq
    assert plugin.response(None)[0]["error"]["code"] == -32700
    plugin.send(b"[1, 2]\n")
    assert plugin.response(None)[0]["error"]["code"] == -32600
    plugin.send(b'{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}\n')
    assert plugin.response(None)[0]["error"]["code"] == -32600
    plugin.send(b'{"jsonrpc":"2.0","id":60,"method":7}\n')
    assert plugin.response(60)[0]["error"]["code"] == -32600
    plugin.send(b'{"jsonrpc":"2.0","id":61,"method":"check/run","params":[1]}\n')
    assert plugin.response(61)[0]["error"]["code"] == -32602
    # ignored: blank lines, responses, unknown notifications, cancels of nothing
    plugin.send(b"\n   \n")
    plugin.send(b'{"jsonrpc":"2.0","id":70,"result":{}}\n')
    plugin.send(b'{"jsonrpc":"2.0","method":"something/new","params":{}}\n')
    cancel(plugin, 12345)
    cancel(plugin, [1])
    assert plugin.call("shutdown")["result"] == {}
    assert all(message.get("id") != 70 for message in plugin.received())


def test_unknown_names_and_events_are_invalid_params(spawn) -> None:
    plugin = started(spawn)
    unknown = plugin.call("check/run", call_params(check="nope", config={}, timeout_seconds=1))["error"]
    assert unknown == {"code": -32602, "message": "invalid params: unknown check 'nope' (this plugin has: always, demo_check)"}
    assert plugin.call("check/applies", call_params(check="a b", config={}))["error"]["code"] == -32602
    missing = plugin.call("runner/run", call_params(env={}))["error"]
    assert missing["code"] == -32602 and "'kind'" in missing["message"] and "demo_rows" in missing["message"]
    assert plugin.call("runner/validate", call_params(kind=7))["error"]["code"] == -32602
    assert plugin.call("hook/pre_run", call_params(hook="nope", config={}))["error"]["code"] == -32602
    event = plugin.call("hook/on_error", call_params(hook="guard", config={}))["error"]
    assert event == {"code": -32602, "message": "invalid params: hook 'guard' does not handle 'on_error'"}


# -- handlers: reading the request, notifications, answers -------------------------------------------------


def test_run_sends_notifications_tagged_with_the_request_and_answers_a_run_outcome(spawn) -> None:
    plugin = started(spawn)
    request_id = plugin.request("runner/run", run_params("demo_rows", rows=3))
    response, before = plugin.response(request_id)
    assert response["result"] == {
        "status": "success", "message": "3 rows", "load_metrics": {"rows_count": 3}, "payload": {"kind": "demo_rows"},
    }
    notifications = [m for m in before if m["method"] != "heartbeat"]
    assert [m["method"] for m in notifications] == ["progress"] * 3 + ["state", "log"]
    assert notifications[0]["params"] == {"current": 1, "total": 3, "unit": "rows", "request_id": request_id}
    assert notifications[3]["params"] == {"state": {"cursor": 3}, "request_id": request_id}
    assert notifications[4]["params"] == {
        "level": "warning", "message": 'a warning with "quotes", a back\\slash, a tab\tand é',
        "fields": {"logger": "demo"}, "request_id": request_id,
    }


def test_validate_answers_diagnostics_with_paths(spawn) -> None:
    plugin = started(spawn)
    empty = plugin.call("runner/validate", call_params(kind="demo_rows"))["result"]["diagnostics"]
    assert empty == [
        {"severity": "error", "message": "source.path is required", "code": "demo.no_path", "path": "/source/path"},
        {"severity": "info", "message": "validated by demo_rows"},
    ]
    source = {"path": "x.csv", "limit": -1}
    found = plugin.call("runner/validate", call_params(kind="demo_rows", manifest={"source": source}))["result"]
    assert [d.get("path") for d in found["diagnostics"]] == ["/source/limit", None]
    no_validator = plugin.call("runner/validate", call_params(kind="chatty"))
    assert no_validator["result"] == {"diagnostics": []}


def test_dltaf_fail_answers_32000_with_category_code_and_retryable(spawn) -> None:
    plugin = started(spawn)
    failed = plugin.call("runner/run", call_params(kind="demo_rows", env={"FAIL_WITH": "x"}))["error"]
    assert failed == {
        "code": -32000, "message": "credentials refused",
        "data": {"category": "AUTH", "code": "demo.auth", "retryable": True},
    }
    plain = plugin.call("runner/run", run_params("misbehaving", how="fail_default"))["error"]
    assert plain == {"code": -32000, "message": "plain failure",
                     "data": {"category": "UNKNOWN", "code": None, "retryable": False}}
    odd = plugin.call("runner/run", run_params("misbehaving", how="fail_bad_category"))["error"]
    assert odd["data"]["category"] == "UNKNOWN"
    nested = plugin.call("runner/run", run_params("misbehaving", how="nested_fail"))["error"]
    assert nested["message"] == "failed in a subshell" and nested["data"]["category"] == "DATA"
    assert "not reached" not in plugin.stderr()


def test_hooks_and_checks(spawn) -> None:
    plugin = started(spawn)
    hook = lambda event, config: plugin.call(f"hook/{event}", call_params(hook="guard", config=config))["result"]  # noqa: E731
    assert hook("pre_run", {}) == {"ok": True}  # no answer: ok
    assert hook("pre_run", {"deny": True}) == {"ok": False, "message": "denied by config in pre_run"}
    assert hook("post_run", {"answer": True}) == {"ok": True, "message": "fine in post_run"}

    def check(method: str, config: dict) -> Any:
        params = call_params(check="demo_check", config=config, **({"timeout_seconds": 3} if method == "run" else {}))
        return plugin.call(f"check/{method}", params)

    assert check("applies", {})["result"] == {"applies": False}  # the handler's exit status
    assert check("applies", {"applies": True})["result"] == {"applies": True}
    assert check("applies", {"applies": False, "reason": "off"})["result"] == {"applies": False, "reason": "off"}
    assert plugin.call("check/applies", call_params(check="always", config={}))["result"] == {"applies": True}
    assert check("run", {})["result"] == {"ok": True, "errors": [], "warnings": ["a warning"], "details": {"timeout": 3}}
    assert check("run", {"mode": "fail"})["result"] == {
        "ok": False, "errors": ["first error", 'second "error"'], "warnings": [], "details": {},
    }
    assert check("run", {"mode": "silent"})["result"] == {
        "ok": False, "errors": ["handler did not answer"], "warnings": [], "details": {},
    }
    bad = check("run", {"mode": "bad"})["error"]
    assert bad["code"] == -32603 and "dltaf_check_result" in bad["message"]
    always = plugin.call("check/run", call_params(check="always", config={}, timeout_seconds=1))
    assert always["result"] == {"ok": True, "errors": [], "warnings": [], "details": {}}


@pytest.mark.parametrize(
    "how, code, text",
    [
        ("silent", -32000, "misbehaving_run returned without answering"),
        ("exit", -32000, "misbehaving_run exited with status 3 without answering"),
        ("unbound", -32000, "misbehaving_run exited with status 1 without answering"),  # set -u applies
        ("bad_answer", -32603, "STATUS must be success, partial_success or failed"),
        ("wrong_answer", -32603, "dltaf_check_result: it answers check/run, not runner/run"),
    ],
)
def test_handlers_that_fail_or_do_not_answer(spawn, how: str, code: int, text: str) -> None:
    plugin = started(spawn)
    error = plugin.call("runner/run", run_params("misbehaving", how=how))["error"]
    assert error["code"] == code and text in error["message"], error
    assert plugin.call("shutdown")["result"] == {}  # the plugin survived


def test_first_answer_counts_and_raw_results_pass_through(spawn) -> None:
    plugin = started(spawn)
    twice = plugin.call("runner/run", run_params("misbehaving", how="twice"))
    assert twice["result"] == {"status": "success", "message": "first"}
    assert "answered twice" in plugin.stderr(wait_for="answered twice")
    assert len([m for m in plugin.received() if m.get("id") == twice["id"]]) == 1
    raw = plugin.call("runner/run", run_params("misbehaving", how="raw"))
    assert raw["result"] == {"status": "partial_success", "warnings": ["raw"]}


def test_handler_output_goes_to_stderr_and_handlers_cannot_read_the_protocol(spawn) -> None:
    plugin = started(spawn)
    request_id = plugin.request("runner/run", run_params("chatty"))
    plugin.request("shutdown")  # waits on stdin while the handler runs `cat`
    response, _ = plugin.response(request_id)
    assert response["result"]["payload"] == {"stdin": "", "event": "", "method": "runner/run"}
    assert plugin.response(request_id + 1)[0]["result"] == {}
    stderr = plugin.stderr(wait_for="a child process writing to stdout")
    for text in ("echo from a handler", "printf from a handler", "a child process writing to stdout"):
        assert text in stderr
        assert text.encode() not in b"".join(plugin.raw_stdout)


def test_heartbeats_while_a_handler_is_silent(spawn) -> None:
    plugin = started(spawn)  # a heartbeat after 0.2 s of silence
    request_id = plugin.request("runner/run", run_params("sleepy", seconds=0.9))
    response, before = plugin.response(request_id)
    assert response["result"] == {"status": "success", "message": "slept 0.9s"}
    assert len(before) >= 3
    assert all(m == {"jsonrpc": "2.0", "method": "heartbeat", "params": {"request_id": request_id}} for m in before)
    quiet = started(spawn, {"DLTAF_HEARTBEAT_SECONDS": "0"})
    response, before = quiet.response(quiet.request("runner/run", run_params("sleepy", seconds=0.5)))
    assert "result" in response and before == []


# -- one request at a time, cancel, end of input, SIGTERM ---------------------------------------------------


def test_requests_arriving_during_a_handler_are_served_in_order(spawn) -> None:
    plugin = started(spawn)
    slow = plugin.request("runner/run", run_params("sleepy", seconds=0.5))
    quick = plugin.request("check/applies", call_params(check="always", config={}))
    plugin.send(b"not json either\n")
    assert plugin.response(slow)[0]["result"]["status"] == "success"
    assert plugin.response(quick)[0]["result"] == {"applies": True}
    assert plugin.response(None)[0]["error"]["code"] == -32700
    answers = [m for m in plugin.received() if "method" not in m]
    assert [m["id"] for m in answers][-3:] == [slow, quick, None]


def test_cancel_stops_the_handler_and_its_children(spawn, tmp_path: Path) -> None:
    plugin = started(spawn)
    pid_file = tmp_path / "sleep.pid"
    request_id = plugin.request("runner/run", run_params("sleepy", seconds=30, pid_file=str(pid_file)))
    sleeper = int(wait_for_file(pid_file))
    assert process_alive(sleeper)
    started_at = time.monotonic()
    cancel(plugin, request_id, "test")
    response, _ = plugin.response(request_id, timeout=5)
    assert response["error"] == {"code": -32800, "message": "request cancelled: test"}
    assert time.monotonic() - started_at < 2
    assert wait_until_gone(sleeper), "the handler's child process survived the cancel"
    assert plugin.call("check/applies", call_params(check="always", config={}))["result"] == {"applies": True}


def test_a_request_cancelled_before_it_starts_is_answered_32800(spawn) -> None:
    plugin = started(spawn)
    slow = plugin.request("runner/run", run_params("sleepy", seconds=0.5))
    waiting = plugin.request("check/run", call_params(check="always", config={}, timeout_seconds=1))
    cancel(plugin, waiting)
    assert "result" in plugin.response(slow)[0]
    assert plugin.response(waiting)[0]["error"] == {"code": -32800, "message": "request cancelled before it started"}


def test_a_handler_ignoring_sigterm_still_gets_its_answer_after_the_grace(spawn, tmp_path: Path) -> None:
    plugin = started(spawn)
    pid_file = tmp_path / "sleep.pid"
    request_id = plugin.request("runner/run", run_params("sleepy", seconds=2, pid_file=str(pid_file), ignore_term=True))
    wait_for_file(pid_file)
    started_at = time.monotonic()
    cancel(plugin, request_id)
    response, _ = plugin.response(request_id, timeout=5)
    assert response["error"]["code"] == -32800
    assert 0.3 < time.monotonic() - started_at < 3
    assert plugin.call("shutdown")["result"] == {}


def test_end_of_input_stops_a_running_handler_and_exits_0(spawn, tmp_path: Path) -> None:
    plugin = started(spawn)
    pid_file = tmp_path / "sleep.pid"
    request_id = plugin.request("runner/run", run_params("sleepy", seconds=30, pid_file=str(pid_file)))
    sleeper = int(wait_for_file(pid_file))
    started_at = time.monotonic()
    plugin.close_stdin()
    assert plugin.wait(timeout=5) == 0
    assert time.monotonic() - started_at < 3  # about 1 s: within dltaf's shutdown grace when not loaded
    assert plugin.response(request_id, timeout=1)[0]["error"] == {"code": -32800, "message": "request cancelled: stdin closed"}
    assert wait_until_gone(sleeper)


def test_quick_requests_written_before_end_of_input_are_all_answered(spawn) -> None:
    plugin = start(spawn)
    messages = [{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INIT_PARAMS}]
    messages += [
        {"jsonrpc": "2.0", "id": n, "method": "check/run", "params": call_params(check="always", config={}, timeout_seconds=1)}
        for n in range(2, 6)
    ]
    plugin.send(b"".join(json.dumps(message).encode() + b"\n" for message in messages))
    plugin.close_stdin()
    assert plugin.wait() == 0
    assert [(m["id"], "result" in m) for m in plugin.received()] == [(n, True) for n in range(1, 6)]


def test_sigterm_exits_at_once_and_stops_the_handler(spawn, tmp_path: Path) -> None:
    plugin = started(spawn)
    pid_file = tmp_path / "sleep.pid"
    plugin.request("runner/run", run_params("sleepy", seconds=30, pid_file=str(pid_file)))
    sleeper = int(wait_for_file(pid_file))
    started_at = time.monotonic()
    plugin.proc.send_signal(signal.SIGTERM)
    assert plugin.wait(timeout=5) == 143
    assert time.monotonic() - started_at < 1
    assert wait_until_gone(sleeper)
    idle = started(spawn)
    idle.proc.send_signal(signal.SIGTERM)
    assert idle.wait(timeout=5) == 143


# -- mistakes in the plugin itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, complaint",
    [
        ("dltaf_check 'bad name' run_it", "names must match"),
        ("dltaf_check ok_name", "handler function name is missing"),
        ("dltaf_check twice run_it; dltaf_check twice run_it", "registered twice"),
        ("dltaf_hook audit run_it 'pre_run later'", "unknown event 'later'"),
        ("dltaf_check ok_name not_defined", "'not_defined' is not defined"),
        ("NO_PLUGIN", "call dltaf_plugin NAME VERSION before dltaf_serve"),
    ],
)
def test_registration_mistakes_exit_2_before_the_handshake(spawn, tmp_path: Path, body: str, complaint: str) -> None:
    script = tmp_path / "plugin.sh"
    header = "" if body == "NO_PLUGIN" else "dltaf_plugin broken 1.0.0\n"
    body = "" if body == "NO_PLUGIN" else body
    script.write_text(f'source "{SHELL_SDK}"\n{header}run_it() {{ :; }}\n{body}\ndltaf_serve\n')
    plugin = spawn(["bash", str(script)])
    assert plugin.wait() == 2
    assert complaint in plugin.stderr(wait_for=complaint)
    assert plugin.raw_stdout == []


def test_missing_jq_is_reported(tmp_path: Path) -> None:
    script = tmp_path / "plugin.sh"
    script.write_text(f'source "{SHELL_SDK}"\n')
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    result = subprocess.run(
        [shutil.which("bash") or "/bin/bash", str(script)], env={"PATH": str(bin_dir)},
        capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2 and "jq is required" in result.stderr and result.stdout == ""


# -- the common vectors, replayed against every shell plugin -----------------------------------------------


SHELL_PLUGINS = {
    "demo": ["--plugin-cmd", f"bash {DEMO}"],
    **{name: ["--plugins-root", PLUGINS_ROOT, "--plugin", f"samples.bash.{name}"] for name in BASH_SAMPLES},
}


@pytest.mark.parametrize("plugin", sorted(SHELL_PLUGINS))
@pytest.mark.parametrize("vector", vectors("common"), ids=os.path.basename)
def test_common_vectors(plugin: str, vector: str) -> None:
    result = subprocess.run(
        [sys.executable, REPLAY, "--timeout", "10", *SHELL_PLUGINS[plugin], vector],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 0 failed" in result.stdout


# -- the data feature (data.v1) ----------------------------------------------------------------------------


def data_started(spawn, tmp_path: Path):
    from dltaf_plugin._testing_data import DataHost

    spool = tmp_path / "spool"
    spool.mkdir()
    plugin = start(spawn)
    assert plugin.initialize(features=["data.v1"])["features"] == ["data.v1"]
    return plugin, DataHost(str(spool), "load-1")


def loader_params(data, **source: Any) -> dict:
    return {**run_params("loader", **source), "data": data.run_params()}


def test_data_v1_is_negotiated_only_when_offered_and_wanted(spawn) -> None:
    assert start(spawn).initialize(features=[])["features"] == []
    assert start(spawn).initialize(features=["data.v1", "x.v9"])["features"] == ["data.v1"]
    off = start(spawn, {"DLTAF_DATA_FEATURE": "false"})
    assert off.initialize(features=["data.v1"])["features"] == []


def test_without_the_feature_the_data_functions_say_so_and_return_2(spawn) -> None:
    plugin = started(spawn)
    response, before = plugin.response(plugin.request("runner/run", run_params("loader")))
    assert response["result"]["message"] == "no data feature"
    assert "does not support the data feature (data.v1)" in response["result"]["payload"]["open"]
    assert response["result"]["payload"]["open"].endswith("status 2")
    assert not [m for m in before if "method" in m and "id" in m]  # no request reached the host


def test_a_runner_opens_writes_a_spool_file_and_rows_and_checkpoints(spawn, tmp_path: Path) -> None:
    plugin, data = data_started(spawn, tmp_path)
    data.state, data.stream_states = {"cursor": 0}, {"people": {"last_id": 0}}
    request_id = plugin.request("runner/run", loader_params(data))
    response, requests = serve_data(plugin, data, request_id)
    result = response["result"]
    assert result["status"] == "success", response
    assert [m["method"] for m in requests] == ["data/open", "data/write", "data/write", "data/checkpoint"]
    assert [m["id"] for m in requests] == [1, 2, 3, 4]
    assert requests[0]["params"] == {"stream": "people", "primary_key": ["id"], "write_disposition": "merge"}
    assert requests[1]["params"]["file"] == {"path": result["payload"]["file"], "format": "csv"}
    assert requests[2]["params"]["rows"] == {"columns": ["id", "name"], "values": [[3, "Linus"], [4, "Grace"]]}
    payload = result["payload"]
    assert payload["before"] == {"cursor": 0} and payload["stream"] == {"last_id": 0}
    assert payload["opened"] == {"stream": "people", "table": "people", "state": {"last_id": 0}}
    assert payload["wrote"] == {"rows": 2}
    assert payload["checkpoint"] == {"load_id": "load-1", "checkpoint": 1, "rows": {"people": 4}}
    assert payload["after"] == {"cursor": 4} and payload["stream_after"] == {"last_id": 4}
    assert data.rows("people") == [
        {"id": "1", "name": "Ada, Countess"},
        {"id": "2", "name": None},
        {"id": 3, "name": "Linus"},
        {"id": 4, "name": "Grace"},
    ]
    assert data.state == {"cursor": 4} and data.stream_states == {"people": {"last_id": 4}}
    assert os.listdir(data.spool_dir) == []  # the host deleted the file
    # a second run sees the committed state, and another call in between still works
    assert plugin.call("runner/validate", call_params(kind="loader"))["result"] == {"diagnostics": []}
    response, _ = serve_data(plugin, data, plugin.request("runner/run", loader_params(data)))
    assert response["result"]["payload"]["before"] == {"cursor": 4}


def test_a_refused_request_fails_the_run_with_the_hosts_category_and_code(spawn, tmp_path: Path) -> None:
    plugin, data = data_started(spawn, tmp_path)
    response, requests = serve_data(plugin, data, plugin.request("runner/run", loader_params(data, how="stray")))
    assert [m["method"] for m in requests] == ["data/write"]
    error = response["error"]
    assert error["code"] == -32000 and error["data"] == {"category": "DATA", "code": "stream_not_open", "retryable": False}
    assert error["message"].startswith("data/write: stream 'nobody' is not open")
    assert "dltaf.sh: data/write: stream 'nobody' is not open" in plugin.stderr()
    # a file outside the spool is refused before the host sees it
    response, requests = serve_data(plugin, data, plugin.request("runner/run", loader_params(data, how="outside")))
    assert requests == [] and response["result"] == {"status": "failed", "message": "refused with status 2"}
    assert "is not a file directly inside the spool folder" in plugin.stderr()


def test_cancel_while_a_data_answer_is_awaited_is_32800_and_a_late_answer_is_dropped(spawn, tmp_path: Path) -> None:
    plugin, data = data_started(spawn, tmp_path)
    request_id = plugin.request("runner/run", loader_params(data))
    while "method" not in (message := plugin.read()) or "id" not in message:
        pass
    assert message["method"] == "data/open"
    cancel(plugin, request_id)
    response, _ = plugin.response(request_id)
    assert response["error"]["code"] == -32800
    plugin.send({"jsonrpc": "2.0", "id": message["id"], "result": {"stream": "people", "table": "people", "state": None}})
    # the next run is not confused by the late answer
    data.run_params()
    response, requests = serve_data(plugin, data, plugin.request("runner/run", loader_params(data)))
    assert response["result"]["status"] == "success", response
    assert requests[0]["id"] == 2


def test_end_of_input_while_a_data_answer_is_awaited_ends_the_run_and_exits_0(spawn, tmp_path: Path) -> None:
    plugin, data = data_started(spawn, tmp_path)
    request_id = plugin.request("runner/run", loader_params(data))
    while "method" not in (message := plugin.read()) or "id" not in message:
        pass
    plugin.close_stdin()
    response, _ = plugin.response(request_id)
    assert response["error"]["code"] == -32800
    assert plugin.wait() == 0
