"""Test helpers: paths, request builders, and a plugin subprocess driven line by line with timeouts."""

from __future__ import annotations

import glob
import importlib.util
import json
import os
import queue
import subprocess
import sys
import threading
import time
from typing import Any, Optional, Union

HERE = os.path.dirname(os.path.abspath(__file__))
SDK_SRC = os.path.abspath(os.path.join(HERE, "..", "src"))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DEMO_PLUGIN = os.path.join(HERE, "plugins", "demo_plugin.py")
PLUGINS_ROOT = os.path.join(REPO, "samples", "plugins")
REPLAY = os.path.join(REPO, "protocol", "vectors", "replay.py")
SCHEMAS = os.path.join(REPO, "protocol", "schema")
AUDIT_HOOK = os.path.join(REPO, "samples", "plugins", "samples", "python", "audit_hook", "audit_hook.py")
BASH_CHECK = os.path.join(REPO, "samples", "plugins", "samples", "bash", "source_file_check")
TIMEOUT = 10.0

INIT_PARAMS = {
    "protocol_versions": [1],
    "host": {"name": "dltaf", "version": "0.1.0"},
    "spec": "tests.demo",
    "run_id": "00000000-0000-4000-8000-000000000001",
    "limits": {"max_line_bytes": 16777216},
    "features": [],
}


def context(**overrides: Any) -> dict[str, Any]:
    from dltaf_plugin.testing import default_context

    return default_context(**overrides)


def vectors(kind: str) -> list[str]:
    """The vector files under protocol/vectors/<kind>/, sorted."""
    return sorted(glob.glob(os.path.join(REPO, "protocol", "vectors", kind, "*.jsonl")))


def sample_vectors_with_plugins() -> list[str]:
    """The sample vectors whose plugin is a folder plugin or script under samples/plugins (others, such as
    the Swift samples, are built binaries that the Swift test suite replays)."""
    replay = load_replay()
    return [path for path in vectors("samples") if _resolves(replay, path)]


def _resolves(replay: Any, path: str) -> bool:
    spec = replay.load_vector(path)[0]
    try:
        replay.resolve(spec, PLUGINS_ROOT)
    except replay.BadVector:
        return False
    return True


def load_replay() -> Any:
    """The vector replayer (protocol/vectors/replay.py) as a module."""
    spec = importlib.util.spec_from_file_location("dltaf_replay", REPLAY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["dltaf_replay"] = module
    spec.loader.exec_module(module)
    return module


class PluginProcess:
    """A plugin child process: write messages, read stdout lines (as JSON) and stderr text, with timeouts."""

    def __init__(self, argv: list[str], env: Optional[dict[str, str]] = None) -> None:
        full_env = dict(os.environ)
        full_env.pop("PYTHONUNBUFFERED", None)
        full_env.update({"PYTHONPATH": SDK_SRC, "DLTAF_PLUGIN": "1"})
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env
        )
        self.stdout_lines: queue.Queue[Optional[bytes]] = queue.Queue()
        self.raw_stdout: list[bytes] = []
        self.sent: list[Any] = []
        self._stderr: list[str] = []
        self._next_id = 0
        threading.Thread(target=self._pump_stdout, daemon=True).start()
        threading.Thread(target=self._pump_stderr, daemon=True).start()

    @classmethod
    def python(cls, script: str, env: Optional[dict[str, str]] = None) -> PluginProcess:
        return cls([sys.executable, script], env)

    def _pump_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in iter(self.proc.stdout.readline, b""):
            self.raw_stdout.append(line)
            self.stdout_lines.put(line)
        self.stdout_lines.put(None)

    def _pump_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in iter(self.proc.stderr.readline, b""):
            self._stderr.append(line.decode("utf-8", "replace"))

    def send(self, message: Union[dict[str, Any], bytes]) -> None:
        assert self.proc.stdin is not None
        self.sent.append(message)
        data = message if isinstance(message, bytes) else json.dumps(message).encode("utf-8") + b"\n"
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def request(self, method: str, params: Optional[dict[str, Any]] = None) -> int:
        self._next_id += 1
        self.send({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params or {}})
        return self._next_id

    def read(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next stdout message; fails on timeout, end of file or a line that is not a JSON object."""
        line = self.stdout_lines.get(timeout=timeout)
        assert line is not None, f"stdout closed; stderr: {self.stderr()}"
        message = json.loads(line)
        assert isinstance(message, dict), line
        return message

    def response(self, request_id: Any, timeout: float = TIMEOUT) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Reads until the response to ``request_id``; returns it and the messages read before it."""
        deadline = time.monotonic() + timeout
        before: list[dict[str, Any]] = []
        while True:
            message = self.read(max(0.01, deadline - time.monotonic()))
            if "id" in message and message["id"] == request_id and "method" not in message:
                return message, before
            before.append(message)

    def call(self, method: str, params: Optional[dict[str, Any]] = None) -> dict[str, Any]:
        return self.response(self.request(method, params))[0]

    def initialize(self, **overrides: Any) -> dict[str, Any]:
        response = self.call("initialize", {**INIT_PARAMS, **overrides})
        assert "result" in response, response
        return response["result"]

    def close_stdin(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()

    def wait(self, timeout: float = TIMEOUT) -> int:
        return self.proc.wait(timeout)

    def received(self) -> list[Any]:
        """Every stdout line so far, parsed."""
        return [json.loads(line) for line in list(self.raw_stdout)]

    def stderr(self, wait_for: Optional[str] = None, timeout: float = TIMEOUT) -> str:
        """stderr so far; with ``wait_for``, waits until that text appears (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        while wait_for is not None and wait_for not in "".join(self._stderr) and time.monotonic() < deadline:
            time.sleep(0.01)
        return "".join(self._stderr)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(TIMEOUT)


def serve_data(plugin: PluginProcess, data: Any, request_id: int, answer: bool = True) -> tuple[dict, list[dict]]:
    """Reads until the response to ``request_id``, answering the plugin's data/* requests with ``data``."""
    from dltaf_plugin.errors import RpcError

    seen: list[dict] = []
    while True:
        message = plugin.read()
        if "method" in message and "id" in message:
            seen.append(message)
            if not answer:
                continue
            try:
                result = data.handle(message["method"], message.get("params"))
            except RpcError as error:
                data.errors.append(error)
                reply = {"jsonrpc": "2.0", "id": message["id"], "error": error.to_json()}
            else:
                reply = {"jsonrpc": "2.0", "id": message["id"], "result": result}
            plugin.send(reply)
        elif message.get("id") == request_id:
            return message, seen
