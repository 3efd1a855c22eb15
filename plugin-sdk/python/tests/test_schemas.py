"""Validates the messages of real sessions (SDK in-process and as subprocesses, the bash sample, the vectors'
sends) against protocol/schema, and shows the schemas are not vacuous."""

from __future__ import annotations

import glob
import json
import os
import sys
import time
from typing import Any

import pytest

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

from demo_plugin import make_plugin  # noqa: E402
from helpers import (  # noqa: E402
    BASH_CHECK,
    DEMO_PLUGIN,
    INIT_PARAMS,
    SCHEMAS,
    context,
    sample_vectors_with_plugins,
    vectors,
)

from dltaf_plugin import RpcError  # noqa: E402
from dltaf_plugin.testing import InMemoryHost  # noqa: E402

DOCS = {os.path.basename(p): json.load(open(p, encoding="utf-8")) for p in glob.glob(os.path.join(SCHEMAS, "*.json"))}
REGISTRY = referencing.Registry().with_resources(
    (name, referencing.Resource.from_contents(doc)) for name, doc in DOCS.items()
)
HOOKS = ("hook/pre_run", "hook/post_run", "hook/on_error")
PARAMS = {"initialize": "initialize.params.json", "runner/validate": "runner.validate.params.json",
          "runner/run": "runner.run.params.json", "check/applies": "check.applies.params.json",
          "check/run": "check.run.params.json", **{hook: "hook.params.json" for hook in HOOKS}}
RESULTS = {"initialize": "initialize.result.json", "runner/validate": "runner.validate.result.json",
           "runner/run": "run-outcome.json", "check/applies": "check.applies.result.json",
           "check/run": "check.run.result.json", "shutdown": "shutdown.result.json",
           **{hook: "hook.result.json" for hook in HOOKS}}


def validate(schema: str, instance: Any) -> None:
    validator = jsonschema.Draft202012Validator(DOCS[schema], registry=REGISTRY)
    errors = sorted(validator.iter_errors(instance), key=str)
    assert not errors, f"{schema}: {errors[0].message} in {json.dumps(instance)[:500]}"


def check_transcript(sent: list[Any], received: list[Any]) -> dict[str, set]:
    """Validates every message both ways; returns which schemas and error codes the transcript covered."""
    methods = {m["id"]: m["method"] for m in sent if isinstance(m, dict) and "id" in m and "method" in m}
    covered: dict[str, set] = {"schemas": set(), "errors": set()}

    def use(schema: str, instance: Any) -> None:
        validate(schema, instance)
        covered["schemas"].add(schema)

    for message in (m for m in sent if isinstance(m, dict)):
        use("envelope.json", message)
        if "id" not in message:
            use(f"notification.{message['method']}.json", message)
        elif message["method"] in PARAMS:
            use(PARAMS[message["method"]], message["params"])
    for message in received:
        use("envelope.json", message)
        if "method" in message:
            assert f"notification.{message['method']}.json" in DOCS, message
            use(f"notification.{message['method']}.json", message)
        elif "error" in message:
            use("error.json", message["error"])
            covered["errors"].add(message["error"]["code"])
        else:
            use(RESULTS[methods[message["id"]]], message["result"])
    return covered


def test_schemas_are_valid_2020_12() -> None:
    assert len(DOCS) >= 20
    for name, doc in DOCS.items():
        jsonschema.Draft202012Validator.check_schema(doc)
        assert doc["$id"] == name


def test_in_process_session_matches_the_schemas() -> None:
    with InMemoryHost(make_plugin(heartbeat_seconds=0.05, cancel_grace_seconds=0.3)) as host:
        with pytest.raises(RpcError):
            host.call("runner/run", {"kind": "csv_rows"})  # -32001
        host.initialize()
        host.call("runner/validate", {"kind": "csv_rows", "manifest": {"source": {"limit": -1}}})
        host.call("runner/run", {"kind": "csv_rows"})
        host.call("runner/run", {"kind": "chatty"})
        host.call("runner/run", {"kind": "sleepy", "manifest": {"source": {"seconds": 0.2}}})
        slow = host.request("runner/run", {"kind": "sleepy", "manifest": {"source": {"seconds": 30}}})
        host.cancel(slow, "test")
        host.response(slow)
        for method, params in (("hook/pre_run", {"config": {"deny": True}}), ("hook/post_run", {"result": {}})):
            host.call(method, {"hook": "guard", **params})
        host.call("check/applies", {"check": "port_open"})
        host.call("check/run", {"check": "always_fails", "timeout_seconds": 1})
        failing: list[tuple[str, dict[str, Any]]] = [
            ("runner/run", {"kind": "crash"}),
            ("runner/run", {"kind": "csv_rows", "env": {"FAIL_WITH": "1"}}),
            ("nope", {}),
            ("check/run", {"check": "x"}),
        ]
        for method, params in failing:
            with pytest.raises(RpcError):
                host.call(method, params)
        host.send_line("{oops")
        host.response(None)
        host.call("shutdown")
        assert host.close() == 0
    covered = check_transcript(host.sent, host.received)
    notifications = {f"notification.{n}.json" for n in ("log", "progress", "state", "heartbeat", "cancel")}
    assert notifications | set(PARAMS.values()) | set(RESULTS.values()) <= covered["schemas"]
    assert {-32700, -32601, -32602, -32001, -32000, -32800} <= covered["errors"]


def test_version_mismatch_matches_the_schemas() -> None:
    with InMemoryHost(make_plugin()) as host:
        with pytest.raises(RpcError):
            host.initialize(protocol_versions=[99])
    assert check_transcript(host.sent, host.received)["errors"] == {-32002}


@pytest.mark.parametrize("argv", [[sys.executable, DEMO_PLUGIN], ["bash", BASH_CHECK]], ids=["python", "bash"])
def test_subprocess_sessions_match_the_schemas(spawn, argv: list[str]) -> None:
    plugin = spawn(argv, {"DEMO_HEARTBEAT_SECONDS": "0.05"})
    plugin.call("initialize", {**INIT_PARAMS, "protocol_versions": [7]})
    plugin.initialize()
    base = {"manifest": {"source": {"path": "missing.csv", "seconds": 0.2}}, "context": context(), "config": {}}
    for method, name in (("runner/run", {"kind": "sleepy", "env": {}}), ("check/applies", {"check": "source_file"}),
                         ("check/run", {"check": "source_file", "timeout_seconds": 2}), ("frob", {})):
        plugin.call(method, {**base, **name})
    plugin.call("shutdown")
    plugin.close_stdin()
    assert plugin.wait() == 0
    time.sleep(0.1)  # let the reader thread see the last line
    covered = check_transcript(plugin.sent, plugin.received())
    assert {-32002, -32601} <= covered["errors"]


def test_vector_sends_match_the_schemas() -> None:
    files = vectors("common") + sample_vectors_with_plugins()
    sent = [json.loads(line)["send"] for path in files for line in open(path, encoding="utf-8")
            if line.startswith('{"send"')]
    assert len(sent) > 10
    check_transcript(sent, [])


@pytest.mark.parametrize(
    "schema, instance",
    [
        ("check.run.result.json", {"ok": True}),
        ("hook.result.json", {"message": "no ok"}),
        ("run-outcome.json", {"status": "done"}),
        ("diagnostic.json", {"severity": "fatal", "message": "x"}),
        ("diagnostic.json", {"severity": "error", "message": "x", "path": "source/path"}),
        ("error.json", {"code": -32002, "message": "no data"}),
        ("error.json", {"code": -32000, "message": "x", "data": {"category": "NOPE"}}),
        ("envelope.json", {"jsonrpc": "2.0", "id": 1, "result": {}, "error": {"code": 1, "message": "x"}}),
        ("envelope.json", {"jsonrpc": "1.0", "method": "log"}),
        ("notification.log.json", {"jsonrpc": "2.0", "id": 3, "method": "log",
                                   "params": {"level": "info", "message": "x"}}),
        ("notification.log.json", {"jsonrpc": "2.0", "method": "log", "params": {"level": "loud", "message": "x"}}),
        ("initialize.result.json", {"protocol_version": 1, "plugin": {"name": "x", "version": "1"},
                                    "provides": {"hooks": [{"name": "bad name", "events": ["pre_run"]}]}}),
        ("runner.run.params.json", {"kind": "k", "env": {}, "manifest": {}}),
    ],
)
def test_schemas_reject_invalid_messages(schema: str, instance: Any) -> None:
    with pytest.raises(AssertionError):
        validate(schema, instance)
