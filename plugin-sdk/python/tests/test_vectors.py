"""Replays protocol/vectors with protocol/vectors/replay.py against the sample plugins, and checks that the
replayer itself catches mismatches (PROTOCOL.md §6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import BASH_CHECK, PLUGINS_ROOT, REPLAY, REPO, SDK_SRC, load_replay, sample_vectors_with_plugins, vectors

COMMON = vectors("common")
SAMPLES = sample_vectors_with_plugins()
PLUGINS = {
    "bash_source_file_check": ["--plugin-cmd", f"bash {BASH_CHECK}"],
    # resolved through its dltaf-plugin.json, so the descriptor's PYTHONPATH is what finds the SDK
    "python_audit_hook": ["--plugins-root", PLUGINS_ROOT, "--plugin", "samples.python.audit_hook"],
}
HANDSHAKE = os.path.join(REPO, "protocol", "vectors", "common", "handshake.jsonl")

replay_module = load_replay()


def replay(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, REPLAY, "--timeout", "10", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
    )


def test_there_are_vectors() -> None:
    names = {os.path.basename(path) for path in COMMON}
    assert {"handshake.jsonl", "version_mismatch.jsonl", "unknown_method.jsonl", "eof_exit.jsonl"} <= names
    assert {"audit_hook.jsonl", "source_file_check.jsonl"} <= {os.path.basename(path) for path in SAMPLES}


@pytest.mark.parametrize("plugin", sorted(PLUGINS))
@pytest.mark.parametrize("vector", COMMON, ids=os.path.basename)
def test_common_vector(plugin: str, vector: str) -> None:
    result = replay(*PLUGINS[plugin], vector)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 0 failed" in result.stdout


@pytest.mark.parametrize("vector", SAMPLES, ids=os.path.basename)
def test_sample_vector(vector: str) -> None:
    result = replay("--plugins-root", PLUGINS_ROOT, vector)
    assert result.returncode == 0, result.stdout + result.stderr


def test_descriptor_python_path_points_at_the_sdk() -> None:
    command, env = replay_module.resolve("samples.python.audit_hook", PLUGINS_ROOT)
    assert os.path.normpath(env["PYTHONPATH"]) == SDK_SRC
    assert command[0] == "python3" and os.path.isfile(command[1])


# -- the replayer catches what it should -------------------------------------------------------------------


def write_vector(tmp_path: Path, *steps: dict) -> str:
    path = tmp_path / "vector.jsonl"
    path.write_text("// a test vector\n" + "".join(json.dumps(step) + "\n" for step in steps))
    return str(path)


def handshake_steps(expected_result: dict) -> list:
    with open(HANDSHAKE) as handle:
        steps = [json.loads(line) for line in handle if line.strip() and not line.startswith("//")]
    return [steps[0], {"expect": {"jsonrpc": "2.0", "id": 1, "result": expected_result}}]


def test_replayer_reports_expected_versus_got(tmp_path: Path) -> None:
    vector = write_vector(tmp_path, *handshake_steps({"protocol_version": 2}))
    result = replay(*PLUGINS["bash_source_file_check"], vector)
    assert result.returncode == 1
    assert "/result/protocol_version: expected 2, got 1" in result.stdout
    assert "expected:" in result.stdout and "got:" in result.stdout


def test_replayer_fails_on_wrong_exit_status_noise_and_timeouts(tmp_path: Path) -> None:
    steps = handshake_steps({"protocol_version": 1})
    vector = write_vector(tmp_path, *steps, {"close_stdin": True}, {"expect_exit": 0})
    exits_3 = replay("--plugin-cmd", f"bash -c 'bash {BASH_CHECK}; exit 3'", vector)
    assert exits_3.returncode == 1 and "expected exit status 0, got 3" in exits_3.stdout
    noisy = replay("--plugin-cmd", "bash -c 'echo hello; cat >/dev/null'", vector)
    assert noisy.returncode == 1 and "stdout noise" in noisy.stdout
    silent = subprocess.run(
        [sys.executable, REPLAY, "--timeout", "0.5", "--plugin-cmd", "sleep 30", vector],
        capture_output=True, text=True, timeout=20,
    )
    assert silent.returncode == 1 and "timed out" in silent.stdout


def test_replayer_skips_notifications_unless_expected(tmp_path: Path) -> None:
    log = '{"jsonrpc":"2.0","method":"log","params":{"level":"info","message":"hi"}}'
    answer = '{"jsonrpc":"2.0","id":1,"result":{"protocol_version":1}}'
    plugin = f"bash -c 'read -r line; echo {json.dumps(log)}; echo {json.dumps(answer)}; cat >/dev/null'"
    request = handshake_steps({})[0]
    skipping = write_vector(tmp_path, request, {"expect": {"id": 1, "result": {"protocol_version": 1}}})
    assert replay("--plugin-cmd", plugin, skipping).returncode == 0
    expecting = write_vector(tmp_path, request, {"expect": {"method": "log", "params": {"level": "info"}}})
    assert replay("--plugin-cmd", plugin, expecting).returncode == 0


def test_replayer_rejects_malformed_vectors(tmp_path: Path) -> None:
    vector = write_vector(tmp_path, {"send": {}, "expect": {}})
    result = replay(*PLUGINS["bash_source_file_check"], vector)
    assert result.returncode == 2 and "exactly one of" in result.stderr


@pytest.mark.parametrize(
    "expected, got, ok",
    [
        ({"a": 1}, {"a": 1, "b": 2}, True),
        ({"a": {"b": [1, {"c": 2}]}}, {"a": {"b": [1, {"c": 2, "d": 3}], "e": 0}}, True),
        ({}, {"anything": True}, True),
        ({"a": 1}, {"a": 1.0}, True),
        ({"a": 1}, {"b": 1}, False),
        ({"a": True}, {"a": 1}, False),
        ({"a": 0}, {"a": False}, False),
        ({"a": None}, {"a": 0}, False),
        ({"a": "1"}, {"a": 1}, False),
        ({"a": [1]}, {"a": [1, 2]}, False),
        ({"a": []}, {"a": {}}, False),
        ({"a": {}}, {"a": []}, False),
    ],
)
def test_matching_rules(expected: object, got: object, ok: bool) -> None:
    assert (replay_module.difference(expected, got) is None) == ok
