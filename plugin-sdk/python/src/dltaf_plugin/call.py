"""``Call``: what a handler receives for one request, and how it talks back while it runs."""

from __future__ import annotations

from _thread import _local  # what threading.local is, without importing threading before it is needed

from .errors import Cancelled

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any, Callable, Optional, Union

    Notify = Callable[[str, "dict[str, Any]"], None]
    RequestId = Union[int, str, None]
else:

    def __getattr__(name: str) -> object:  # the type aliases stay importable: built on first use
        if name not in ("Notify", "RequestId"):
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from typing import Any, Callable, Union

        globals().update(Notify=Callable[[str, "dict[str, Any]"], None], RequestId=Union[int, str, None])
        return globals()[name]


LOG_LEVELS = ("debug", "info", "warning", "error")

_current = _local()


def current_call() -> Optional[Call]:
    """The call whose handler runs on this thread, if any (used to tag log records)."""
    return getattr(_current, "call", None)


def _set_current(call: Optional[Call]) -> None:
    _current.call = call


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


class Call:
    """One request from the host, as handed to a runner, validator, hook, check or applies handler.

    Attributes:
        id: the JSON-RPC request id.
        method: e.g. ``"runner/run"`` or ``"hook/pre_run"``.
        event: for hooks, ``"pre_run"``, ``"post_run"`` or ``"on_error"``; else None.
        kind: the runner kind (runner calls), else None.
        hook: the hook name (hook calls), else None.
        check: the check name (check calls), else None.
        manifest: the templated manifest (``{}`` if absent).
        context: run id, mode, manifest path and dir, pipeline... (``{}`` if absent).
        config: the hook's or check's config mapping (``{}`` if absent).
        env: the credentials of ``runner/run`` (``{}`` if absent); never log their values.
        result: the run result of ``hook/post_run`` and ``hook/on_error``, else None.
        error: ``{message, category, code}`` of ``hook/on_error``, else None.
        timeout_seconds: the budget of ``check/run``, else None.
        params: the raw params object.
        cancelled: a ``threading.Event`` set when the host sends ``cancel`` for this call.
        cancel_reason: the ``reason`` of that ``cancel``, if any.
    """

    def __init__(self, request_id: RequestId, method: str, params: dict[str, Any], notify: Notify) -> None:
        self.id = request_id
        self.method = method
        self.params = params
        self.event: Optional[str] = method.split("/", 1)[1] if method.startswith("hook/") else None
        self.kind = _text(params.get("kind"))
        self.hook = _text(params.get("hook"))
        self.check = _text(params.get("check"))
        self.manifest = _object(params.get("manifest"))
        self.context = _object(params.get("context"))
        self.config = _object(params.get("config"))
        self.env = _object(params.get("env"))
        self.result: Any = params.get("result")
        self.error: Optional[dict[str, Any]] = params.get("error") if isinstance(params.get("error"), dict) else None
        timeout = params.get("timeout_seconds")
        self.timeout_seconds: Optional[float] = timeout if isinstance(timeout, (int, float)) else None
        import threading

        self.cancelled = threading.Event()
        self.cancel_reason: Optional[str] = None
        self._notify = notify

    @property
    def name(self) -> Optional[str]:
        """The runner kind, hook name or check name this call addresses."""
        return self.kind or self.hook or self.check

    def log(self, level: str, message: str, **fields: Any) -> None:
        """Sends a ``log`` notification (``level``: debug, info, warning or error) tagged with this call."""
        if level not in LOG_LEVELS:
            raise ValueError(f"log level must be one of {LOG_LEVELS}, got {level!r}")
        params: dict[str, Any] = {"level": level, "message": message}
        if fields:
            params["fields"] = fields
        self._send("log", params)

    def progress(
        self,
        current: Optional[float] = None,
        total: Optional[float] = None,
        unit: Optional[str] = None,
        message: Optional[str] = None,
    ) -> None:
        """Sends a ``progress`` notification; it also resets the host's idle timer for this call."""
        given = {"current": current, "total": total, "unit": unit, "message": message}
        self._send("progress", {key: value for key, value in given.items() if value is not None})

    def state(self, state: Any) -> None:
        """Sends a ``state`` checkpoint; the host keeps the last one and reports it in the result."""
        self._send("state", {"state": state})

    def heartbeat(self) -> None:
        """Sends a ``heartbeat`` notification (the SDK also sends them periodically while a handler runs)."""
        self._send("heartbeat", {})

    def raise_if_cancelled(self) -> None:
        """Raises :class:`Cancelled` if the host cancelled this call; call it between units of work."""
        if self.cancelled.is_set():
            raise Cancelled(f"request cancelled: {self.cancel_reason}" if self.cancel_reason else "request cancelled")

    def _send(self, method: str, params: dict[str, Any]) -> None:
        params["request_id"] = self.id
        self._notify(method, params)
