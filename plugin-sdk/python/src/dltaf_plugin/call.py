"""``Call``: what a handler receives for one request, and how it talks back while it runs."""

from __future__ import annotations

from _thread import _local  # what threading.local is, without importing threading before it is needed

from .errors import Cancelled, DataUnsupported

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

    from ._data import DataChannel

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
        data: the ``data`` params of ``runner/run`` when the host offered the ``data.v1`` feature
            (``spool_dir``, ``state``, ``streams``, ``load_id``, ``destination``), else None.

    With ``data.v1`` (``data_enabled``), a runner hands its rows to dltaf: :meth:`write`, :meth:`write_file`,
    :meth:`open` and :meth:`checkpoint`. Without it they raise :class:`dltaf_plugin.DataUnsupported`.
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
        self.data: Optional[dict[str, Any]] = None
        self._notify = notify
        self._channel: Optional[DataChannel] = None
        self._no_data_reason = "the data API serves runner/run calls only"

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

    # -- the data feature (PROTOCOL.md §8) -------------------------------------------------------------------

    @property
    def data_enabled(self) -> bool:
        """Whether the data API works in this call: a ``runner/run`` whose host offered ``data.v1``."""
        return self._channel is not None

    def _data(self) -> DataChannel:
        if self._channel is None:
            raise DataUnsupported(self._no_data_reason)
        return self._channel

    @property
    def pipeline_state(self) -> Any:
        """The pipeline state of the last committed checkpoint (None on a first run); after
        :meth:`checkpoint`, the state it committed."""
        return self._data().state

    def stream_state(self, stream: str) -> Any:
        """The committed state of ``stream`` (None when it has none), as :attr:`pipeline_state`."""
        return self._data().streams.get(stream)

    @property
    def spool_dir(self) -> str:
        """The folder for files handed to :meth:`write_file` (created by the host for this run)."""
        return self._data().spool_dir

    def spool_file(self, suffix: str = "") -> str:
        """A new path in :attr:`spool_dir` (the file does not exist yet) for :meth:`write_file`."""
        return self._data().spool_file(suffix)

    def data_options(
        self, transport: Optional[str] = None, batch_rows: Optional[int] = None, in_flight: Optional[int] = None
    ) -> None:
        """Tunes :meth:`write`: ``transport`` ``"ndjson"`` (spool files by reference, the default), ``"csv"``
        (spool files, RFC 4180) or ``"inline"`` (rows inside the request line); ``batch_rows`` rows per file (default 100,000) or per line (default
        20,000; lines are split to fit ``max_line_bytes``); ``in_flight`` the requests sent before waiting for
        the oldest answer (default 2), so the runner produces the next batch while the host loads one.
        """
        self._data().configure(transport, batch_rows, in_flight)

    def open(
        self,
        stream: str,
        table: Optional[str] = None,
        columns: Optional[Sequence[Union[str, Mapping[str, Any]]]] = None,
        primary_key: Optional[Sequence[str]] = None,
        write_disposition: Optional[str] = None,
    ) -> dict[str, Any]:
        """Declares ``stream`` (``data/open``) and returns the host's answer ``{stream, table, state}``.

        ``columns`` are names or ``{name, type, nullable?, precision?, scale?}`` (type: bigint, double,
        decimal, text, bool, date, timestamp, json, binary); declared names come first in the files.
        Optional: the first :meth:`write` of a stream opens it, declaring the types of its first row.
        """
        result: dict[str, Any] = self._data().open(stream, table, columns, primary_key, write_disposition)
        return result

    def write(self, stream: str, rows: Iterable[Any], columns: Optional[Sequence[str]] = None) -> int:
        """Adds rows to ``stream`` and returns how many: dicts (any iterable or generator, or one dict), or
        sequences in ``columns`` order. The SDK batches them; call it once with a generator or once per page.

        Keys missing from a row are NULL; a new key adds a column. Values: str, int, float, bool, None,
        dict/list (json), datetime/date (ISO 8601), Decimal, bytes (base64). Raises :class:`DataError`
        when the host refused an earlier batch (requests are answered in order, a few stay in flight).
        """
        return self._data().write(stream, rows, columns)

    def write_file(self, stream: str, path: str, format: str = "csv") -> None:
        """Hands over a file the runner wrote in :attr:`spool_dir` (see :meth:`spool_file`): ``format``
        ``"csv"`` (RFC 4180, a header line, empty unquoted = NULL) or ``"ndjson"``. The host deletes it once
        loaded. Rows of ``stream`` still pending are sent first.
        """
        self._data().write_file(stream, path, format)

    def checkpoint(self, state: Any = None, streams: Optional[Mapping[str, Any]] = None) -> dict[str, Any]:
        """Sends every pending batch, then commits all rows written so far with ``state`` (the new pipeline
        state; None keeps the last one) and ``streams`` (``{stream: state}``, replacing those streams'
        state). Returns the host's answer ``{load_id, checkpoint, rows}`` once it is durable: only then
        advance external offsets. What is pending when the runner returns is sent before its answer.
        """
        result: dict[str, Any] = self._data().checkpoint(state, dict(streams) if streams is not None else None)
        return result

    def _send(self, method: str, params: dict[str, Any]) -> None:
        params["request_id"] = self.id
        self._notify(method, params)
