"""One protocol session: reads requests, runs each call's handler on its own thread, writes answers."""

from __future__ import annotations

import sys
import threading
import time

from ._dispatch import CALL_METHODS, prepare
from ._framing import LineWriter, decode
from .call import Call, _set_current
from .errors import (
    HANDLER_FAILED,
    INTERNAL_ERROR,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    NOT_INITIALIZED,
    PARSE_ERROR,
    REQUEST_CANCELLED,
    UNSUPPORTED_VERSION,
    Cancelled,
    PluginError,
    RpcError,
)
from .plugin import Plugin

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any, BinaryIO, Optional

    from ._data import _Reply
    from ._dispatch import Compute
    from .call import RequestId

SUPPORTED_VERSIONS = (1,)
DATA_FEATURE = "data.v1"


class _Pending:
    """A call that has not been answered yet."""

    def __init__(self, call: Call) -> None:
        self.call = call
        self.answered = False
        self.settled = threading.Event()  # answered: no more heartbeats


class Server:
    """Serves ``plugin`` on a pair of byte streams until ``reader`` reaches end of file.

    ``serve()`` runs it on the process's stdio; ``dltaf_plugin.testing.InMemoryHost`` runs it on pipes.
    """

    def __init__(self, plugin: Plugin, reader: BinaryIO, writer: BinaryIO) -> None:
        self.plugin = plugin
        self.protocol_version: Optional[int] = None
        self.initialize_params: dict[str, Any] = {}
        self._reader = reader
        self._out = LineWriter(writer)
        self._lock = threading.Lock()
        self._pending: dict[RequestId, _Pending] = {}
        self._workers: set[threading.Thread] = set()
        self._initialized = False
        self.features: list[str] = []  # the features negotiated in initialize
        self._outgoing: dict[int, _Reply] = {}  # the plugin's own requests (data/*) awaiting their answers
        self._next_outgoing = 0
        self._eof = False

    # -- the read loop -------------------------------------------------------------------------------------

    def run(self) -> int:
        """Reads and handles lines until end of file; returns 0.

        At end of file, running handlers are cancelled and get ``plugin.cancel_grace_seconds`` to finish.
        """
        for line in iter(self._reader.readline, b""):
            self.handle_line(line)
        self._fail_outgoing()
        self.cancel_all("stdin closed")
        deadline = time.monotonic() + self.plugin.cancel_grace_seconds
        for worker in list(self._workers):
            worker.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            unanswered = list(self._pending.values())
        for pending in unanswered:  # every request gets its answer before the session ends
            self._finish(pending, error=RpcError(REQUEST_CANCELLED, "request cancelled: stdin closed"))
        return 0

    def busy(self) -> bool:
        """Whether a handler thread is still running."""
        return any(worker.is_alive() for worker in list(self._workers))

    def handle_line(self, line: bytes) -> None:
        """Handles one received line: a request, a notification, or garbage."""
        if not line.strip():
            return
        try:
            message = decode(line)
        except ValueError as exc:
            self._send_error(None, RpcError(PARSE_ERROR, f"parse error: {exc}"))
            return
        if not isinstance(message, dict):
            self._send_error(None, RpcError(INVALID_REQUEST, "invalid request: a message must be a JSON object"))
            return
        method = message.get("method")
        if "id" not in message:  # a notification: only cancel means something to a plugin
            if method == "cancel" and isinstance(message.get("params"), dict):
                self._cancel(message["params"])
            return
        request_id = message["id"]
        if isinstance(request_id, bool) or not isinstance(request_id, (int, str, type(None))):
            self._send_error(None, RpcError(INVALID_REQUEST, "invalid request: id must be an integer"))
            return
        if not isinstance(method, str):
            if "result" in message or "error" in message:
                self._answered(request_id, message)
            else:
                self._send_error(request_id, RpcError(INVALID_REQUEST, "invalid request: method must be a string"))
            return
        params = message.get("params")
        try:
            if params is not None and not isinstance(params, dict):
                raise RpcError(INVALID_PARAMS, "invalid params: params must be an object")
            self._route(request_id, method, params or {})
        except RpcError as exc:
            self._send_error(request_id, exc)

    def _route(self, request_id: RequestId, method: str, params: dict[str, Any]) -> None:
        if method == "initialize":
            self._initialize(request_id, params)
        elif not self._initialized:
            raise RpcError(NOT_INITIALIZED, f"not initialized: {method} arrived before initialize")
        elif method == "shutdown":
            self._send_result(request_id, {})
        elif method in CALL_METHODS:
            self._start(request_id, method, params)
        else:
            raise RpcError(METHOD_NOT_FOUND, f"method not found: {method}")

    def _initialize(self, request_id: RequestId, params: dict[str, Any]) -> None:
        if self._initialized:
            raise RpcError(INVALID_REQUEST, "invalid request: already initialized")
        offered = params.get("protocol_versions")
        if not isinstance(offered, list):
            raise RpcError(INVALID_PARAMS, "invalid params: protocol_versions must be a list of integers")
        common = [v for v in offered if type(v) is int and v in SUPPORTED_VERSIONS]
        if not common:
            message = f"unsupported protocol version: host offers {offered}, plugin speaks {list(SUPPORTED_VERSIONS)}"
            raise RpcError(UNSUPPORTED_VERSION, message, {"supported": list(SUPPORTED_VERSIONS)})
        self.protocol_version = max(common)
        self.initialize_params = params
        limits = params.get("limits")
        max_line = limits.get("max_line_bytes") if isinstance(limits, dict) else None
        if type(max_line) is int and max_line > 0:
            self._out.max_line_bytes = max_line
        offered_features = params.get("features")
        if self.plugin.data and self.plugin.runners and isinstance(offered_features, list):
            self.features = [DATA_FEATURE] if DATA_FEATURE in offered_features else []
        result = {
            "protocol_version": self.protocol_version,
            "plugin": self.plugin.info(),
            "provides": self.plugin.provides(),
            "features": list(self.features),
        }
        self._send_result(request_id, result)
        self._initialized = True  # only now may notifications follow

    # -- calls ---------------------------------------------------------------------------------------------

    def _start(self, request_id: RequestId, method: str, params: dict[str, Any]) -> None:
        compute = prepare(self.plugin, method, params)
        with self._lock:
            if request_id in self._pending:
                raise RpcError(INVALID_REQUEST, f"invalid request: id {request_id!r} is still in use")
            pending = self._pending[request_id] = _Pending(Call(request_id, method, params, self.notify))
        if method == "runner/run":
            self._attach_data(pending.call)
        worker = threading.Thread(target=self._work, args=(pending, compute), name=f"dltaf-{method}", daemon=True)
        self._workers.add(worker)
        worker.start()
        interval = self.plugin.heartbeat_seconds
        if interval:
            threading.Thread(target=self._beat, args=(pending, interval), name="dltaf-heartbeat", daemon=True).start()

    # -- the data feature: the plugin's requests ------------------------------------------------------------

    def _attach_data(self, call: Call) -> None:
        data = call.params.get("data")
        if DATA_FEATURE not in self.features:
            offered = self.initialize_params.get("features")
            call._no_data_reason = (
                f"the host does not support the data feature ({DATA_FEATURE}): it offered features {offered!r}. "
                "Check call.data_enabled and load another way, or upgrade dltaf"
                if self.plugin.data
                else f"this plugin was created with Plugin(data=False): it does not negotiate {DATA_FEATURE}"
            )
        elif not isinstance(data, dict):
            call._no_data_reason = "the host negotiated data.v1 but sent no data params with runner/run"
        else:
            from ._data import DataChannel

            call.data = data
            call._channel = DataChannel(call, data, self._request, self._out.max_line_bytes)

    def _request(self, reply: _Reply, params: dict[str, Any], default: Any) -> None:
        """Sends the request ``reply.method``; ``reply`` is settled when its answer arrives."""
        with self._lock:
            self._next_outgoing += 1
            request_id = self._next_outgoing
            if self._eof:
                reply.settle(error=RpcError(REQUEST_CANCELLED, "request cancelled: stdin closed"))
                return
            self._outgoing[request_id] = reply
        message = {"jsonrpc": "2.0", "id": request_id, "method": reply.method, "params": params}
        try:
            sent = self._out.send(message, default)
        except BaseException:
            with self._lock:
                self._outgoing.pop(request_id, None)
            raise
        if not sent:
            with self._lock:
                self._outgoing.pop(request_id, None)
            reply.settle(error=RpcError(REQUEST_CANCELLED, "request cancelled: the host went away"))

    def _answered(self, request_id: Any, message: dict[str, Any]) -> None:
        """An answer to one of the plugin's requests (answers to unknown ids are ignored)."""
        with self._lock:
            reply = self._outgoing.pop(request_id, None) if type(request_id) is int else None
        if reply is None:
            return
        error = message.get("error")
        if error is None:
            reply.settle(result=message.get("result"))
            return
        error = error if isinstance(error, dict) else {}
        code = error.get("code") if type(error.get("code")) is int else INTERNAL_ERROR
        reply.settle(error=RpcError(code, str(error.get("message", "error")), error.get("data")))

    def _fail_outgoing(self) -> None:
        with self._lock:
            self._eof = True
            waiting, self._outgoing = list(self._outgoing.values()), {}
        for reply in waiting:
            reply.settle(error=RpcError(REQUEST_CANCELLED, "request cancelled: stdin closed"))

    def _work(self, pending: _Pending, compute: Compute) -> None:
        call = pending.call
        _set_current(call)
        try:
            result = compute(call)
        except BaseException as exc:  # noqa: B036 - every request gets exactly one answer, whatever happened
            self._finish(pending, error=self._error_for(call, exc))
        else:
            self._finish(pending, result=result)
        finally:
            _set_current(None)
            self._workers.discard(threading.current_thread())

    def _finish(self, pending: _Pending, result: Any = None, error: Optional[RpcError] = None) -> None:
        with self._lock:
            if pending.answered:
                return
            pending.answered = True
            pending.settled.set()
            self._pending.pop(pending.call.id, None)
        if error is None:
            self._send_result(pending.call.id, result)
        else:
            self._send_error(pending.call.id, error)

    def _error_for(self, call: Call, exc: BaseException) -> RpcError:
        if isinstance(exc, Cancelled):
            return RpcError(REQUEST_CANCELLED, str(exc))
        if call.cancelled.is_set():
            return RpcError(REQUEST_CANCELLED, f"request cancelled ({type(exc).__name__}: {exc})")
        if isinstance(exc, RpcError):
            return exc
        if isinstance(exc, PluginError):
            return RpcError(HANDLER_FAILED, exc.message, exc.data())
        import traceback

        print(f"dltaf_plugin: the {call.method} handler (request {call.id}) failed:", file=sys.stderr)
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        data = {"category": "UNKNOWN", "code": None, "retryable": False}
        return RpcError(HANDLER_FAILED, f"{type(exc).__name__}: {exc}", data)

    def _beat(self, pending: _Pending, interval: float) -> None:
        while not pending.settled.wait(interval):
            with self._lock:  # the answer is written after `answered` is set under this lock: no beat follows it
                if pending.answered:
                    return
                self.notify("heartbeat", {"request_id": pending.call.id})

    def _cancel(self, params: dict[str, Any]) -> None:
        request_id = params.get("id")
        if isinstance(request_id, (list, dict)):  # no request has such an id (and it cannot be a dict key)
            return
        with self._lock:
            pending = self._pending.get(request_id)
        if pending is None:  # already answered, or never existed: nothing to stop
            return
        reason = params.get("reason")
        self._request_cancel(pending, reason if isinstance(reason, str) else None)

    def _request_cancel(self, pending: _Pending, reason: Optional[str]) -> None:
        pending.call.cancel_reason = pending.call.cancel_reason or reason
        pending.call.cancelled.set()
        late = RpcError(REQUEST_CANCELLED, "request cancelled: the handler did not stop in time")
        timer = threading.Timer(self.plugin.cancel_grace_seconds, self._finish, args=(pending,), kwargs={"error": late})
        timer.daemon = True
        timer.start()

    def cancel_all(self, reason: str) -> None:
        """Asks every running handler to stop (on end of input or SIGTERM)."""
        with self._lock:
            running = list(self._pending.values())
        for pending in running:
            self._request_cancel(pending, reason)

    # -- output --------------------------------------------------------------------------------------------

    def notify(self, method: str, params: dict[str, Any]) -> None:
        """Sends a notification; before the handshake is answered it goes to stderr as text instead."""
        if not self._initialized:
            print(f"dltaf_plugin: {params.get('level', method)}: {params.get('message', params)}", file=sys.stderr)
            return
        try:
            self._out.send({"jsonrpc": "2.0", "method": method, "params": params})
        except (TypeError, ValueError) as exc:
            print(f"dltaf_plugin: dropped a {method} notification: {exc}", file=sys.stderr)

    def _send_result(self, request_id: RequestId, result: Any) -> None:
        try:
            self._out.send({"jsonrpc": "2.0", "id": request_id, "result": result})
        except (TypeError, ValueError) as exc:
            self._send_error(request_id, RpcError(INTERNAL_ERROR, f"internal error: the result cannot be sent: {exc}"))

    def _send_error(self, request_id: RequestId, error: RpcError) -> None:
        try:
            self._out.send({"jsonrpc": "2.0", "id": request_id, "error": error.to_json()})
        except (TypeError, ValueError):
            plain = RpcError(error.code, error.message[:4096])  # drop data that is not JSON, or too long
            self._out.send({"jsonrpc": "2.0", "id": request_id, "error": plain.to_json()})
