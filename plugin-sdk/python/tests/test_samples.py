"""Behaviour of the sample plugins beyond the vectors: audit lines on disk, relative paths, file sizes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from helpers import BASH_CHECK, PLUGINS_ROOT, context, load_replay

replay_module = load_replay()


def start_audit_hook(spawn):
    command, env = replay_module.resolve("samples.python.audit_hook", PLUGINS_ROOT)
    plugin = spawn(command, env)
    plugin.initialize(spec="samples.python.audit_hook")
    return plugin


def hook_params(tmp_path: Path, config: dict, **extra) -> dict:
    ctx = context(manifest_dir=str(tmp_path), run_id="run-1", pipeline={"name": "orders"})
    return {"hook": "audit_file", "config": config, "manifest": {}, "context": ctx, **extra}


def test_audit_hook_appends_one_line_per_event_relative_to_manifest_dir(spawn, tmp_path: Path) -> None:
    plugin = start_audit_hook(spawn)
    config = {"path": "logs/audit.jsonl"}
    assert plugin.call("hook/pre_run", hook_params(tmp_path, config))["result"] == {"ok": True}
    post = plugin.call("hook/post_run", hook_params(tmp_path, config, result={"status": "partial_success"}))
    assert post["result"] == {"ok": True}
    error = {"message": "disk full", "category": "DATA", "code": None}
    response, before = plugin.response(plugin.request("hook/on_error", hook_params(tmp_path, config, error=error)))
    assert response["result"] == {"ok": True}
    assert any(m.get("method") == "log" and m["params"]["level"] == "info" for m in before)
    lines = [json.loads(line) for line in (tmp_path / "logs" / "audit.jsonl").read_text().splitlines()]
    assert [(line["event"], line["run_id"], line["pipeline"]) for line in lines] == [
        ("pre_run", "run-1", "orders"),
        ("post_run", "run-1", "orders"),
        ("on_error", "run-1", "orders"),
    ]
    assert lines[1]["status"] == "partial_success" and lines[2]["error"] == error
    assert all(line["at"].endswith("Z") for line in lines)


def test_audit_hook_vetoes_denied_pipelines_and_requires_a_path(spawn, tmp_path: Path) -> None:
    plugin = start_audit_hook(spawn)
    veto = plugin.call("hook/pre_run", hook_params(tmp_path, {"path": "a.jsonl", "deny_pipelines": ["orders"]}))
    assert veto["result"]["ok"] is False and "orders" in veto["result"]["message"]
    allowed = plugin.call("hook/pre_run", hook_params(tmp_path, {"path": "a.jsonl", "deny_pipelines": ["other"]}))
    assert allowed["result"] == {"ok": True}
    missing = plugin.call("hook/pre_run", hook_params(tmp_path, {}))
    assert missing["error"]["code"] == -32000 and missing["error"]["data"]["category"] == "CONFIG"


def check_params(tmp_path: Path, source: dict, method: str = "check/run") -> dict:
    params: dict[str, Any] = {"check": "source_file", "config": {}, "manifest": {"source": source},
                              "context": context(manifest_dir=str(tmp_path))}
    if method == "check/run":
        params["timeout_seconds"] = 5
    return params


def test_bash_check_passes_for_a_readable_file_and_reports_its_size(spawn, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "orders.csv").write_text("id,amount\n1,2.5\n")
    plugin = spawn(["bash", BASH_CHECK])
    plugin.initialize()
    relative = plugin.call("check/run", check_params(tmp_path, {"path": "data/orders.csv"}))["result"]
    expected_path = os.path.join(str(tmp_path), "data/orders.csv")
    assert relative == {"ok": True, "errors": [], "warnings": [], "details": {"path": expected_path, "bytes": 16}}
    absolute = plugin.call("check/run", check_params(Path("/nonexistent"), {"path": expected_path}))["result"]
    assert absolute["ok"] is True and absolute["details"]["bytes"] == 16
    folder = plugin.call("check/run", check_params(tmp_path, {"path": "data"}))["result"]
    assert folder["ok"] is False and folder["errors"] == [f"source path is not a regular file: {tmp_path}/data"]


def test_bash_check_applies_only_to_string_paths(spawn, tmp_path: Path) -> None:
    plugin = spawn(["bash", BASH_CHECK])
    plugin.initialize()
    for source, applies in (({"path": "x.csv"}, True), ({"path": 3}, False), ({}, False)):
        result = plugin.call("check/applies", check_params(tmp_path, source, "check/applies"))["result"]
        assert result["applies"] is applies
    no_path = plugin.call("check/run", check_params(tmp_path, {"path": 3}))["result"]
    assert no_path["ok"] is False and no_path["errors"] == ["the manifest has no string source.path"]
