"""``InMemoryHost``: drive a ``Plugin`` in-process from unit tests, as dltaf would over stdio.

::

    from dltaf_plugin.testing import InMemoryHost

    def test_port_check():
        with InMemoryHost(plugin) as host:
            host.initialize()
            result = host.call("check/run", {"check": "port_open", "config": {"port": 1}})
            assert result["ok"] is False

With ``host.initialize(features=["data.v1"])`` the host also plays the ``data.v1`` feature: ``runner/run``
gets ``data`` params and ``host.data`` (a :class:`DataHost`) answers the plugin's ``data/*`` requests.
"""

from __future__ import annotations

import json
import os
import threading
import time
from . import logging_bridge
from ._dispatch import CALL_METHODS
from ._framing import decode, encode
from ._testing_data import DataHost
from ._server import Server
from .errors import RpcError
from .plugin import Plugin

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any, Callable, Optional, TypeVar, Union

    T = TypeVar("T")
else:

    def __getattr__(name: str) -> object:  # the type variable stays importable: built on first use
        if name != "T":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from typing import TypeVar

        globals()[name] = TypeVar("T")
        return globals()[name]


DEFAULT_RUN_ID = "00000000-0000-4000-8000-000000000000"


def default_context(**overrides: Any) -> dict[str, Any]:
    """A plausible call ``context`` (PROTOCOL.md §3.2); keyword arguments replace fields."""
    context: dict[str, Any] = {
        "run_id": DEFAULT_RUN_ID,
        "started_at": "2025-01-01T00:00:00Z",
        "mode": "run",
        "manifest_path": "/tmp/manifest.yaml",
        "manifest_dir": "/tmp",
        "pipeline": {"name": "test_pipeline", "destination": "duckdb", "dataset": "test"},
        "source_kind": "test",
        "write_disposition": "replace",
    }
    context.update(overrides)
    return context


def _key(request_id: Any) -> str:
    return json.dumps(request_id)


class InMemoryHost:
    """Runs ``plugin`` on a background thread over OS pipes and plays the host's side of the protocol.

    Everything the plugin writes is recorded: ``received`` (all messages, in order), ``notifications``
    (notification messages) and ``noise`` (lines that were not JSON). ``logging`` records are bridged to
    ``log`` notifications as in a real plugin process; ``print`` is not redirected (it is the test's stdout).
    """

    def __init__(self, plugin: Plugin, *, timeout: float = 10.0, bridge_logging: bool = True) -> None:
        to_plugin_r, to_plugin_w = os.pipe()
        from_plugin_r, from_plugin_w = os.pipe()
        self.timeout = timeout
        self.sent: list[Any] = []
        self.received: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        self.noise: list[bytes] = []
        self.exit_code: Optional[int] = None
        self._to_plugin = os.fdopen(to_plugin_w, "wb")
        self._from_plugin = os.fdopen(from_plugin_r, "rb")
        self._plugin_out = os.fdopen(from_plugin_w, "wb")
        self.server = Server(plugin, os.fdopen(to_plugin_r, "rb"), self._plugin_out)
        self._responses: dict[str, list[dict[str, Any]]] = {}
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()
        self._next_id = 0
        self.features: list[str] = []  # negotiated in initialize()
        self.data: Optional[DataHost] = None  # with data.v1: the host's data side
        self._runs: set[str] = set()  # runner/run requests not answered yet
        self._bridge = logging_bridge.install(self.server.notify, plugin.log_level) if bridge_logging else None
        self._threads = [
            threading.Thread(target=self._serve, name="dltaf-inmemory-plugin", daemon=True),
            threading.Thread(target=self._read, name="dltaf-inmemory-host", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def __enter__(self) -> InMemoryHost:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # -- plugin side -----------------------------------------------------------------------------------------

    def _serve(self) -> None:
        try:
            self.exit_code = self.server.run()
        finally:
            self._plugin_out.close()

    def _read(self) -> None:
        for line in iter(self._from_plugin.readline, b""):
            try:
                message = decode(line)
            except ValueError:
                message = None
            is_request = isinstance(message, dict) and "id" in message and isinstance(message.get("method"), str)
            with self._cond:
                if not isinstance(message, dict):
                    self.noise.append(line)
                    continue
                self.received.append(message)
                if is_request:
                    pass
                elif "id" in message:
                    self._responses.setdefault(_key(message["id"]), []).append(message)
                    if _key(message["id"]) in self._runs and self.data is not None:
                        self._runs.discard(_key(message["id"]))
                        result = message.get("result")
                        self.data.end_run(result.get("status") if isinstance(result, dict) else None)
                else:
                    self.notifications.append(message)
                self._cond.notify_all()
            if is_request:
                self._serve_request(message)

    def _serve_request(self, message: dict[str, Any]) -> None:
        """A request from the plugin: data/* with the feature, else -32601 as dltaf answers it."""
        request_id = message["id"]

        def answer(result: Any, error: Optional[RpcError]) -> None:
            reply: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
            if error is None:
                reply["result"] = result
            else:
                reply["error"] = error.to_json()
            self._write(encode(reply))

        method = message["method"]
        if self.data is None or not method.startswith("data/"):
            answer(None, RpcError(-32601, f"method not found: {method}"))
        else:
            self.data.serve(method, message.get("params"), answer)

    def _wait(self, ready: Callable[[], Optional[T]], timeout: Optional[float], what: str) -> T:
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        with self._cond:
            while True:
                value = ready()
                if value is not None:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {what} from the plugin in time")
                self._cond.wait(left)

    # -- host side ------------------------------------------------------------------------------------------

    def send(self, message: Any) -> None:
        """Writes one message to the plugin."""
        self.sent.append(message)
        self._write(encode(message))

    def send_line(self, line: Union[bytes, str]) -> None:
        """Writes raw bytes (a ``\\n`` is added if missing), e.g. to send malformed JSON."""
        data = line.encode("utf-8") if isinstance(line, str) else line
        self.sent.append(data)
        self._write(data if data.endswith(b"\n") else data + b"\n")

    def _write(self, data: bytes) -> None:
        with self._write_lock:
            if self._to_plugin.closed:
                return
            self._to_plugin.write(data)
            self._to_plugin.flush()

    def request(self, method: str, params: Optional[dict[str, Any]] = None) -> int:
        """Sends a request without waiting and returns its id. Call methods get the members the host always
        sends when absent: ``manifest`` ({}), ``context`` (:func:`default_context`), ``config`` ({}), ``env``
        ({}) and ``timeout_seconds`` (30).
        """
        params = dict(params or {})
        if method in CALL_METHODS:
            params.setdefault("manifest", {})
            params.setdefault("context", default_context())
            if not method.startswith("runner/"):
                params.setdefault("config", {})
            if method == "runner/run":
                params.setdefault("env", {})
                if self.data is not None and "data" not in params:
                    params["data"] = self.data.run_params()
            if method == "check/run":
                params.setdefault("timeout_seconds", 30)
        self._next_id += 1
        if method == "runner/run":
            with self._cond:
                self._runs.add(_key(self._next_id))
        self.send({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        return self._next_id

    def response(self, request_id: Any, timeout: Optional[float] = None) -> dict[str, Any]:
        """Waits for the response to ``request_id`` (None for errors about unreadable lines)."""
        key = _key(request_id)

        def pop() -> Optional[dict[str, Any]]:
            waiting = self._responses.get(key)
            return waiting.pop(0) if waiting else None

        return self._wait(pop, timeout, f"response {key}")

    def call(self, method: str, params: Optional[dict[str, Any]] = None, *, timeout: Optional[float] = None) -> Any:
        """Sends a request and returns its result; raises :class:`RpcError` if the plugin answers an error."""
        response = self.response(self.request(method, params), timeout)
        if "error" in response:
            error = response["error"]
            raise RpcError(error.get("code"), error.get("message"), error.get("data"))
        return response.get("result")

    def initialize(self, protocol_versions: Any = (1,), **params: Any) -> dict[str, Any]:
        """Performs the handshake and returns the ``initialize`` result."""
        full = {
            "protocol_versions": list(protocol_versions),
            "host": {"name": "dltaf", "version": "0.0.0-test"},
            "spec": "test.plugin",
            "run_id": DEFAULT_RUN_ID,
            "limits": {"max_line_bytes": 16 * 1024 * 1024},
            "features": [],
        }
        full.update(params)
        result: dict[str, Any] = self.call("initialize", full)
        offered = full.get("features") if isinstance(full.get("features"), list) else []
        self.features = [f for f in result.get("features", []) if f in offered]
        if "data.v1" in self.features:
            import tempfile

            self.data = DataHost(tempfile.mkdtemp(prefix="dltaf-spool-"), full.get("run_id", DEFAULT_RUN_ID))
        return result

    def notify(self, method: str, params: Optional[dict[str, Any]] = None) -> None:
        """Sends a notification to the plugin."""
        self.send({"jsonrpc": "2.0", "method": method, "params": params or {}})

    def cancel(self, request_id: int, reason: Optional[str] = None) -> None:
        """Sends ``cancel`` for a running request."""
        self.notify("cancel", {"id": request_id, **({"reason": reason} if reason else {})})

    def notifications_of(self, method: str, request_id: Any = None) -> list[dict[str, Any]]:
        """The params of the notifications received so far with this method (and ``request_id``, if given)."""
        with self._cond:
            found = [n.get("params", {}) for n in self.notifications if n.get("method") == method]
        return [p for p in found if request_id is None or p.get("request_id") == request_id]

    def wait_for_notification(
        self, method: str, predicate: Callable[[dict[str, Any]], bool] = lambda p: True, timeout: Optional[float] = None
    ) -> dict[str, Any]:
        """Waits until a notification with ``method`` whose params satisfy ``predicate`` arrives; returns them."""

        def find() -> Optional[dict[str, Any]]:
            return next((p for p in self.notifications_of(method) if predicate(p)), None)

        return self._wait(find, timeout, f"{method} notification")

    def close(self, timeout: Optional[float] = None) -> int:
        """Closes the plugin's input, waits for the session to end, and returns its exit code."""
        with self._write_lock:
            if not self._to_plugin.closed:
                self._to_plugin.close()
        for thread in self._threads:
            thread.join(self.timeout if timeout is None else timeout)
        if self._bridge is not None:
            self._bridge.remove()
            self._bridge = None
        if self.data is not None:
            import shutil

            shutil.rmtree(self.data.spool_dir, ignore_errors=True)
        if self.exit_code is None:
            raise TimeoutError("the plugin did not end its session after its input closed")
        return self.exit_code
