"""The sample runners, hooks and checks beyond audit_hook and source_file_check, as real subprocesses:

- bash, with the shell SDK: samples.bash.lines_runner, samples.bash.audit_hook, samples.bash.port_check
- python, with the Python SDK: samples.python.csv_runner, samples.python.port_check
"""

from __future__ import annotations

import ast
import csv
import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from helpers import PLUGINS_ROOT, REPLAY, REPO, context, load_replay, serve_data, vectors

replay_module = load_replay()
SAMPLES = os.path.join(PLUGINS_ROOT, "samples")
needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="the shell SDK needs jq")


def start(spawn, spec: str):
    command, env = replay_module.resolve(spec, PLUGINS_ROOT)
    plugin = spawn(command, env)
    plugin.initialize(spec=spec)
    return plugin


def params(tmp_path: Path, **extra: Any) -> dict:
    ctx = context(manifest_dir=str(tmp_path), run_id="run-1", pipeline={"name": "orders"})
    return {"manifest": {}, "context": ctx, **extra}


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served by a tiny HTTP server on 127.0.0.1 (an ephemeral port); yields it and the base URL."""
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def ports() -> Iterator[tuple[int, int]]:
    """A port with a listening socket, and a port nothing listens on."""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    yield listening.getsockname()[1], closed_port
    listening.close()


def write_csv(path: Path, rows: int) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name"])
        writer.writerows([n, f"name {n}"] for n in range(1, rows + 1))


# -- size: the samples are meant to show how little a plugin needs ----------------------------------------


def test_samples_stay_small() -> None:
    with open(os.path.join(SAMPLES, "bash", "port_check")) as handle:
        assert len(handle.read().splitlines()) < 40
    source = Path(SAMPLES, "python", "csv_runner", "csv_runner.py").read_text()
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            docstrings.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    code = [line for number, line in enumerate(source.splitlines(), 1)
            if line.strip() and not line.strip().startswith("#") and number not in docstrings]
    assert len(code) < 45  # 40 before it loaded through the data feature (with a fallback for older hosts)


def test_bash_samples_are_executable() -> None:
    for name in ("lines_runner", "audit_hook", "port_check"):
        assert os.access(os.path.join(SAMPLES, "bash", name), os.X_OK), name


# -- samples.bash.lines_runner -----------------------------------------------------------------------------


@needs_jq
def test_bash_lines_runner_validates_source_path(spawn, tmp_path: Path) -> None:
    plugin = start(spawn, "samples.bash.lines_runner")
    (tmp_path / "data.txt").write_text("a\nb\n")

    def validate(manifest: dict) -> list:
        return plugin.call("runner/validate", params(tmp_path, kind="text_lines", manifest=manifest))["result"]["diagnostics"]

    empty = validate({})
    assert [(d["severity"], d["path"]) for d in empty] == [("error", "/source/path")]
    assert [(d["severity"], d["path"]) for d in validate({"source": {"path": 3}})] == [("error", "/source/path")]
    assert [(d["severity"], d["path"]) for d in validate({"source": {"path": "nope.txt"}})] == [("warning", "/source/path")]
    assert validate({"source": {"path": "data.txt"}}) == []


@needs_jq
def test_bash_lines_runner_counts_lines_with_progress_and_state(spawn, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "lines.txt").write_text("".join(f"line {n}\n" for n in range(2500)) + "no newline")
    plugin = start(spawn, "samples.bash.lines_runner")
    manifest = {"source": {"kind": "text_lines", "path": "data/lines.txt"}}
    request_id = plugin.request("runner/run", params(tmp_path, kind="text_lines", manifest=manifest, env={}))
    response, before = plugin.response(request_id)
    path = os.path.join(str(tmp_path), "data/lines.txt")
    assert response["result"] == {
        "status": "success", "message": "2501 lines", "load_metrics": {"rows_count": 2501, "tables_count": 1},
        "table_stats": [{"source_table": "lines.txt", "target_table": "lines.txt", "status": "success",
                         "rows_processed": 2501}],
    }
    progress = [m["params"] for m in before if m["method"] == "progress"]
    assert progress == [{"current": n, "unit": "lines", "request_id": request_id} for n in (1000, 2000)]
    states = [m["params"]["state"] for m in before if m["method"] == "state"]
    assert states == [{"path": path, "lines": 2501}]
    every = {"source": {"path": path, "progress_every": 2000}}  # an absolute path is used as it is
    response, before = plugin.response(plugin.request("runner/run", params(Path("/nonexistent"), kind="text_lines",
                                                                                  manifest=every, env={})))
    assert response["result"]["load_metrics"]["rows_count"] == 2501
    assert [m["params"]["current"] for m in before if m["method"] == "progress"] == [2000]


@needs_jq
def test_bash_lines_runner_loads_the_lines_with_the_data_feature(spawn, tmp_path: Path) -> None:
    from dltaf_plugin._testing_data import DataHost

    (tmp_path / "spool").mkdir()
    (tmp_path / "notes.txt").write_text('first, "quoted"\n\nlast')
    data = DataHost(str(tmp_path / "spool"), "load-1")
    command, env = replay_module.resolve("samples.bash.lines_runner", PLUGINS_ROOT)
    plugin = spawn(command, env)
    assert plugin.initialize(features=["data.v1"])["features"] == ["data.v1"]
    manifest = {"source": {"kind": "text_lines", "path": "notes.txt", "stream": "notes"}}
    run = {**params(tmp_path, kind="text_lines", manifest=manifest, env={}), "data": data.run_params()}
    response, requests = serve_data(plugin, data, plugin.request("runner/run", run))
    assert response["result"]["load_metrics"] == {"rows_count": 3, "tables_count": 1}
    assert [(m["method"], m["params"].get("primary_key")) for m in requests] == [("data/open", ["line"]), ("data/write", None)]
    data.end_run(response["result"]["status"])
    assert data.rows("notes") == [{"line": 1, "text": 'first, "quoted"'}, {"line": 2, "text": ""}, {"line": 3, "text": "last"}]
    assert os.listdir(tmp_path / "spool") == []


@needs_jq
def test_bash_lines_runner_failures(spawn, tmp_path: Path) -> None:
    plugin = start(spawn, "samples.bash.lines_runner")
    missing = plugin.call("runner/run", params(tmp_path, kind="text_lines", manifest={}, env={}))["error"]
    assert missing["code"] == -32000 and missing["data"]["category"] == "CONFIG"
    assert missing["data"]["code"] == "lines.no_path"
    unreadable = plugin.call("runner/run", params(tmp_path, kind="text_lines", manifest={"source": {"path": "x"}}, env={}))
    assert unreadable["result"] == {"status": "failed", "message": f"cannot read {tmp_path}/x"}


# -- samples.bash.audit_hook -------------------------------------------------------------------------------


@needs_jq
def test_bash_audit_hook_appends_one_line_per_event(spawn, tmp_path: Path) -> None:
    plugin = start(spawn, "samples.bash.audit_hook")
    config = {"path": "logs/audit.jsonl", "password": "s3cret-canary"}

    def hook(event: str, **extra: Any) -> dict:
        return plugin.call(f"hook/{event}", params(tmp_path, hook="bash_audit", config=config, **extra))

    assert hook("pre_run")["result"] == {"ok": True}
    assert hook("post_run", result={"status": "partial_success"})["result"] == {"ok": True}
    error = {"message": "disk full", "category": "DATA", "code": None}
    response, before = plugin.response(plugin.request(
        "hook/on_error", params(tmp_path, hook="bash_audit", config=config, error=error, result={"status": "failed"})))
    assert response["result"] == {"ok": True}
    assert any(m["method"] == "log" and m["params"]["level"] == "info" for m in before)
    text = (tmp_path / "logs" / "audit.jsonl").read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(line["event"], line["run_id"], line["pipeline"]) for line in lines] == [
        ("pre_run", "run-1", "orders"), ("post_run", "run-1", "orders"), ("on_error", "run-1", "orders"),
    ]
    assert "status" not in lines[0] and lines[1]["status"] == "partial_success"
    assert lines[2]["status"] == "failed" and lines[2]["error"] == error
    assert all(line["at"].endswith("Z") for line in lines)
    assert "s3cret-canary" not in text and b"s3cret-canary" not in b"".join(plugin.raw_stdout)


@needs_jq
def test_bash_audit_hook_vetoes_denied_pipelines_and_requires_a_path(spawn, tmp_path: Path) -> None:
    plugin = start(spawn, "samples.bash.audit_hook")
    audit = str(tmp_path / "audit.jsonl")  # an absolute path
    deny = {"path": audit, "deny_pipelines": ["orders"]}
    veto = plugin.call("hook/pre_run", params(tmp_path, hook="bash_audit", config=deny))["result"]
    assert veto == {"ok": False, "message": "pipeline 'orders' is denied by bash_audit (config.deny_pipelines)"}
    after = plugin.call("hook/on_error", params(tmp_path, hook="bash_audit", config=deny))["result"]
    assert after == {"ok": True}  # only pre_run vetoes
    other = plugin.call("hook/pre_run", params(tmp_path, hook="bash_audit", config={"path": audit, "deny_pipelines": ["x"]}))
    assert other["result"] == {"ok": True}
    assert [json.loads(line).get("status") for line in Path(audit).read_text().splitlines()] == ["denied", None, None]
    missing = plugin.call("hook/pre_run", params(tmp_path, hook="bash_audit", config={"password": "s3cret"}))["error"]
    assert missing["code"] == -32000 and missing["data"]["category"] == "CONFIG"
    assert "s3cret" not in json.dumps(missing)


# -- the port checks: samples.bash.port_check and samples.python.port_check -------------------------------

PORT_CHECKS = {
    "samples.bash.port_check": "bash_port",
    "samples.python.port_check": "py_port",
}


def port_check(spec: str):
    if spec.startswith("samples.bash.") and shutil.which("jq") is None:
        pytest.skip("the shell SDK needs jq")
    return PORT_CHECKS[spec]


@pytest.mark.parametrize("spec", sorted(PORT_CHECKS))
def test_port_check_applies_when_endpoints_are_configured(spawn, tmp_path: Path, spec: str) -> None:
    name = port_check(spec)
    plugin = start(spawn, spec)
    for config, applies in (({"endpoints": ["127.0.0.1:1"]}, True), ({"endpoints": []}, False), ({}, False),
                            ({"endpoints": "127.0.0.1:1"}, False)):
        result = plugin.call("check/applies", params(tmp_path, check=name, config=config))["result"]
        assert result["applies"] is applies, config


@pytest.mark.parametrize("spec", sorted(PORT_CHECKS))
def test_port_check_probes_open_and_closed_ports(spawn, tmp_path: Path, spec: str, ports: tuple[int, int]) -> None:
    name = port_check(spec)
    open_port, closed_port = ports
    plugin = start(spawn, spec)
    endpoints = [f"127.0.0.1:{open_port}", f"127.0.0.1:{closed_port}", "no-port-here"]
    result = plugin.call("check/run", params(tmp_path, check=name, config={"endpoints": endpoints}, timeout_seconds=3))
    outcome = result["result"]
    assert outcome["ok"] is False and outcome["warnings"] == []
    assert [error.split(": ")[0] for error in outcome["errors"]] == endpoints[1:]
    results = outcome["details"]["results"]
    assert [(r["endpoint"], r["ok"]) for r in results] == [(endpoints[0], True), (endpoints[1], False), (endpoints[2], False)]
    assert isinstance(results[0]["latency_ms"], (int, float)) and 0 <= results[0]["latency_ms"] < 3000
    assert all(isinstance(r["error"], str) and r["error"] for r in results[1:])
    assert outcome["details"]["timeout_seconds"] == 3

    only_open = {"endpoints": [f"127.0.0.1:{open_port}"], "timeout_seconds": 1}
    passed = plugin.call("check/run", params(tmp_path, check=name, config=only_open, timeout_seconds=3))["result"]
    assert passed["ok"] is True and passed["errors"] == [] and passed["details"]["timeout_seconds"] == 1
    nothing = plugin.call("check/run", params(tmp_path, check=name, config={}, timeout_seconds=3))["result"]
    assert nothing["ok"] is False and nothing["errors"] == ["no endpoints configured"]


# -- samples.python.csv_runner -----------------------------------------------------------------------------


def csv_params(tmp_path: Path, source: dict, method: str = "runner/run") -> dict:
    extra = {"env": {}} if method == "runner/run" else {}
    return params(tmp_path, kind="csv_file", manifest={"source": {"kind": "csv_file", **source}}, **extra)


def test_csv_runner_validates_its_source(spawn, tmp_path: Path) -> None:
    plugin = start(spawn, "samples.python.csv_runner")

    def validate(manifest: dict) -> list:
        found = plugin.call("runner/validate", params(tmp_path, kind="csv_file", manifest=manifest))["result"]
        return [(d["severity"], d.get("path")) for d in found["diagnostics"]]

    assert validate({}) == [("error", "/source")]
    assert validate({"source": {"kind": "csv_file"}}) == [("error", "/source")]
    assert validate({"source": {"path": "a.csv", "url": "http://x/a.csv"}}) == [("error", "/source")]
    assert validate({"source": {"url": "ftp://x/a.csv"}}) == [("error", "/source/url")]
    assert validate({"source": {"path": "a.csv", "url": None}}) == []
    assert validate({"source": {"path": 3, "url": "http://x/a.csv"}}) == []
    assert validate({"source": {"url": "http://x/a.csv"}}) == []


def test_csv_runner_reads_a_local_file_with_progress_state_and_output(spawn, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    write_csv(tmp_path / "data" / "orders.csv", 2500)
    plugin = start(spawn, "samples.python.csv_runner")
    request_id = plugin.request("runner/run", csv_params(tmp_path, {"path": "data/orders.csv", "output": "out.jsonl"}))
    response, before = plugin.response(request_id)
    assert response["result"] == {
        "status": "success", "message": "2500 rows", "load_metrics": {"rows_count": 2500, "tables_count": 1},
    }
    progress = [m["params"] for m in before if m["method"] == "progress"]
    assert progress == [{"current": n, "unit": "rows", "request_id": request_id} for n in (1000, 2000)]
    assert [m["params"]["state"] for m in before if m["method"] == "state"][-1] == {"rows": 2500}
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert len(lines) == 2500 and json.loads(lines[0]) == {"id": "1", "name": "name 1"}
    no_output = plugin.call("runner/run", csv_params(tmp_path, {"path": "data/orders.csv"}))
    assert no_output["result"]["load_metrics"]["rows_count"] == 2500


def test_csv_runner_loads_through_the_data_feature_when_the_host_offers_it(spawn, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    write_csv(tmp_path / "data" / "orders.csv", 2500)
    spool = tmp_path / "spool"
    spool.mkdir()
    command, env = replay_module.resolve("samples.python.csv_runner", PLUGINS_ROOT)
    plugin = spawn(command, env)
    assert plugin.initialize(features=["data.v1"])["features"] == ["data.v1"]
    data = {"spool_dir": str(spool), "state": None, "streams": {}, "load_id": "run-1", "destination": {}}
    request_id = plugin.request("runner/run", {**csv_params(tmp_path, {"path": "data/orders.csv"}), "data": data})
    requests, loaded = [], []
    while True:  # play the host: answer data/* in order, loading each file
        message = plugin.read()
        if message.get("id") == request_id and "method" not in message:
            break
        if "id" not in message:
            continue
        requests.append(message["method"])
        if message["method"] == "data/write":
            path = message["params"]["file"]["path"]
            assert os.path.dirname(path) == str(spool)
            loaded += [json.loads(line) for line in Path(path).read_text().splitlines()]
        plugin.send({"jsonrpc": "2.0", "id": message["id"], "result": {"rows": 0, "stream": "orders", "state": None}})
    assert message["result"]["message"] == "2500 rows"
    assert requests == ["data/open", "data/write"]
    assert len(loaded) == 2500 and loaded[0] == {"id": "1", "name": "name 1"}


def test_csv_runner_reads_an_http_url(spawn, tmp_path: Path, http_root: tuple[Path, str]) -> None:
    root, base = http_root
    write_csv(root / "orders.csv", 42)
    plugin = start(spawn, "samples.python.csv_runner")
    result = plugin.call("runner/run", csv_params(tmp_path, {"url": f"{base}/orders.csv", "output": "web.jsonl"}))
    assert result["result"]["status"] == "success" and result["result"]["load_metrics"]["rows_count"] == 42
    assert len((tmp_path / "web.jsonl").read_text().splitlines()) == 42
    missing = plugin.call("runner/run", csv_params(tmp_path, {"url": f"{base}/missing.csv"}))["result"]
    assert missing["status"] == "failed" and "404" in missing["message"]


def test_csv_runner_failures(spawn, tmp_path: Path) -> None:
    plugin = start(spawn, "samples.python.csv_runner")
    invalid = plugin.call("runner/run", params(tmp_path, kind="csv_file", manifest={}, env={}))["error"]
    assert invalid["code"] == -32000 and invalid["data"]["category"] == "CONFIG" and invalid["data"]["code"] == "csv.source"
    absent = plugin.call("runner/run", csv_params(tmp_path, {"path": "absent.csv"}))["result"]
    assert absent["status"] == "failed" and "absent.csv" in absent["message"]


# -- the common vectors against the python samples (the bash ones are in test_shell_sdk.py) -----------------


@pytest.mark.parametrize("spec", ["samples.python.csv_runner", "samples.python.port_check"])
@pytest.mark.parametrize("vector", vectors("common"), ids=os.path.basename)
def test_common_vectors_python_samples(spec: str, vector: str) -> None:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}  # the descriptor sets it
    result = subprocess.run(
        [sys.executable, REPLAY, "--timeout", "10", "--plugins-root", PLUGINS_ROOT, "--plugin", spec, vector],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
