"""The runner's side of the ``data.v1`` feature (PROTOCOL.md §8): batches rows into spool files or inline
lines, keeps a few ``data/*`` requests in flight, and raises the host's errors as :class:`DataError`.

Loaded only for a ``runner/run`` call whose host offered the feature.
"""

from __future__ import annotations

import csv
import json
import os
from collections import deque
from itertools import chain, islice, repeat
from operator import itemgetter

from .errors import DataError, RpcError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any, Callable, Iterable, Optional, Sequence, TextIO

    from .call import Call

TRANSPORTS = ("ndjson", "csv", "inline")
"""How ``write`` hands rows over: spool files by reference (``ndjson``, the default, or ``csv``), or ``inline``
batches inside the request line."""
FILE_FORMATS = ("csv", "ndjson")
DEFAULT_FILE_ROWS = 100_000
DEFAULT_INLINE_ROWS = 20_000
DEFAULT_IN_FLIGHT = 2
_CHUNK = 1024  # rows taken from the author's iterable at a time: small enough to stay in the CPU cache
_PLAIN = frozenset({str, int, float, type(None)})  # what the csv module writes as the protocol wants it
_EMPTY = "\udc00\udc01"  # stands for "" until the CSV text is built (a lone surrogate cannot be UTF-8 data)
# Python 3.12+ quotes every string, so "" (quoted) and None (bare) differ without a check per chunk.
_QUOTING = getattr(csv, "QUOTE_STRINGS", csv.QUOTE_MINIMAL)
_COLUMN_TYPES = {bool: "bool", int: "bigint", float: "double", str: "text", dict: "json", list: "json"}


def _default(value: Any) -> Any:
    """JSON for the values ``json`` does not know: dates and times, decimals, bytes, tuples and sets."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        import base64

        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    if type(value).__name__ == "Decimal":
        return str(value)
    raise TypeError(f"a {type(value).__name__} cannot be written as a column value: {value!r:.80}")


_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_default).encode
# JSON never holds a raw newline inside a string, so with ",\n" between items the rows of an encoded list are
# told apart by "},\n{" (when no value is itself a list of objects): one C call encodes a whole chunk.
_encode_lines = json.JSONEncoder(ensure_ascii=False, separators=(",\n", ":"), allow_nan=False, default=_default).encode


def ndjson_lines(rows: list[Any]) -> str:
    """The NDJSON text (with a last newline) of a list of dicts."""
    text = _encode_lines(rows)
    lines = text[1:-1].replace(',\n"', ',"').replace("},\n{", "}\n{")  # items inside a row precede a key
    boundaries = len(rows) - 1  # so every newline left must be one between two rows
    if text.startswith("[{") and lines.count("\n") == boundaries == lines.count("}\n{"):
        return lines + "\n"
    if not all(isinstance(row, dict) for row in rows):
        bad = next(row for row in rows if not isinstance(row, dict))
        raise TypeError(f"rows must be dicts, got {type(bad).__name__}")
    return "".join(_encode_json(row) + "\n" for row in rows)  # nested objects: one call per row


def _csv_value(value: Any) -> Any:
    """A value the csv module writes right: ``true``/``false``, JSON for objects, ISO 8601 for dates."""
    kind = type(value)
    if kind is str:
        return _EMPTY if value == "" and _QUOTING == csv.QUOTE_MINIMAL else value
    if kind in _PLAIN:
        return value
    if kind is bool:
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return _encode_json(value)
    if isinstance(value, str):  # str subclasses (enums...)
        return _csv_value(str(value))
    if isinstance(value, (int, float)):
        return _csv_value(int(value) if isinstance(value, int) else float(value))
    return _csv_value(_default(value))


def _column_type(value: Any) -> Optional[str]:
    """The §8.2 column type a first value implies (None: let the host infer it)."""
    found = _COLUMN_TYPES.get(type(value))
    if found or value is None:
        return found
    name = type(value).__name__
    return {"datetime": "timestamp", "date": "date", "Decimal": "decimal", "bytes": "binary"}.get(name)


def _getter(columns: Sequence[str]) -> Callable[[Any], tuple[Any, ...]]:
    if len(columns) == 1:
        column = columns[0]
        return lambda row: (row[column],)
    return itemgetter(*columns)


class _ListSink:
    """What ``csv.writer`` writes to: a list of text parts."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.write = self.parts.append


class _Stream:
    """One stream of the run: its columns so far and the batch being filled."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.opened = False
        self.declared: list[str] = []  # columns given to open()
        self.columns: list[str] = []  # the current batch's columns (CSV header, inline `columns`)
        self.column_set: frozenset[str] = frozenset()
        self.getter: Callable[[Any], tuple[Any, ...]] = _getter(["_"])
        self.count = 0  # rows in the current batch
        self.values: list[Any] = []  # inline: the batch's rows; csv: rows not yet turned into text
        self.file: Optional[TextIO] = None
        self.writer: Any = None  # a csv.writer on `file`
        self.path = ""
        self.written = 0  # rows handed to write() so far

    def set_columns(self, columns: list[str]) -> None:
        self.columns = columns
        self.column_set = frozenset(columns)
        self.getter = _getter(columns)


class _Reply:
    """The answer to one ``data/*`` request, filled in by the server's reader thread."""

    def __init__(self, method: str, stream: Optional[str]) -> None:
        import threading

        self.method = method
        self.stream = stream
        self.done = threading.Event()
        self.result: Any = None
        self.error: Optional[RpcError] = None
        self.on_result: Optional[Callable[[Any], None]] = None

    def settle(self, result: Any = None, error: Optional[RpcError] = None) -> None:
        self.result, self.error = result, error
        self.done.set()


class DataChannel:
    """The data API of one ``runner/run`` call; :class:`dltaf_plugin.Call` delegates to it.

    ``request(reply, params, default)`` sends the request ``reply.method`` to the host (``default`` encodes
    values JSON does not know); the server settles ``reply`` when the answer arrives.
    """

    def __init__(self, call: Call, data: dict[str, Any], request: Any, max_line_bytes: int) -> None:
        self._call = call
        self._request = request
        self.max_line_bytes = max_line_bytes
        self.spool_dir = str(data.get("spool_dir") or "")
        self.load_id = data.get("load_id")
        self.destination = data.get("destination") if isinstance(data.get("destination"), dict) else {}
        self.state: Any = data.get("state")
        self.streams: dict[str, Any] = dict(data["streams"]) if isinstance(data.get("streams"), dict) else {}
        self.transport = "ndjson" if self.spool_dir else "inline"
        self.batch_rows = DEFAULT_FILE_ROWS if self.spool_dir else DEFAULT_INLINE_ROWS
        self.in_flight = DEFAULT_IN_FLIGHT
        self._streams: dict[str, _Stream] = {}
        self._waiting: deque[_Reply] = deque()
        self._failure: Optional[BaseException] = None
        self._files = 0
        self._spooled: set[str] = set()  # spool files written and not yet answered

    # -- settings --------------------------------------------------------------------------------------------

    def configure(self, transport: Optional[str], batch_rows: Optional[int], in_flight: Optional[int]) -> None:
        if transport is not None:
            if transport not in TRANSPORTS:
                raise ValueError(f"transport must be one of {TRANSPORTS}, got {transport!r}")
            if transport != "inline" and not self.spool_dir:
                raise ValueError("the host sent no data.spool_dir: only the inline transport is possible")
            if any(s.count for s in self._streams.values()):
                self.flush()
            self.transport = transport
            self.batch_rows = DEFAULT_INLINE_ROWS if transport == "inline" else DEFAULT_FILE_ROWS
        if batch_rows is not None:
            if type(batch_rows) is not int or batch_rows < 1:
                raise ValueError(f"batch_rows must be an integer >= 1, got {batch_rows!r}")
            self.batch_rows = batch_rows
        if in_flight is not None:
            if type(in_flight) is not int or in_flight < 1:
                raise ValueError(f"in_flight must be an integer >= 1, got {in_flight!r}")
            self.in_flight = in_flight

    # -- the API ---------------------------------------------------------------------------------------------

    def open(
        self,
        stream: str,
        table: Optional[str],
        columns: Optional[Sequence[Any]],
        primary_key: Optional[Sequence[str]],
        write_disposition: Optional[str],
        wait: bool = True,
    ) -> Any:
        self._check()
        if not isinstance(stream, str) or not stream:
            raise ValueError(f"a stream name must be a non-empty string, got {stream!r}")
        found = self._streams.get(stream)
        if found is not None and found.opened:
            raise DataError(f"stream {stream!r} is already open", code="stream_already_open")
        params: dict[str, Any] = {"stream": stream}
        given = {"table": table, "primary_key": primary_key, "write_disposition": write_disposition}
        params.update((key, list(v) if key == "primary_key" else v) for key, v in given.items() if v is not None)
        declared: list[str] = []
        if columns is not None:
            specs = [{"name": c} if isinstance(c, str) else dict(c) for c in columns]
            declared = [spec.get("name") for spec in specs]
            if not all(isinstance(name, str) and name for name in declared):
                raise ValueError(f"each column needs a name: {list(columns)!r}")
            params["columns"] = [spec for spec in specs if len(spec) > 1]  # a name alone declares no type
            if not params["columns"]:
                del params["columns"]
        state = found or _Stream(stream)
        state.opened = True
        state.declared = declared
        self._streams[stream] = state

        def remember(result: Any) -> None:
            if isinstance(result, dict) and "state" in result:
                self.streams[stream] = result["state"]

        reply = self._send("data/open", params, remember)
        if not wait:
            return None
        self._drain()
        return reply.result

    def write(self, stream: str, rows: Any, columns: Optional[Sequence[str]] = None) -> int:
        self._check()
        s = self._stream(stream)
        if isinstance(rows, dict):
            rows = (rows,)
        written = 0
        it = iter(rows)
        if columns is not None and self.transport == "ndjson":
            rows, columns = map(dict, map(zip, repeat(list(columns)), rows)), None
            it = iter(rows)
        if self.transport == "ndjson":
            return self._write_ndjson(s, it)
        if columns is not None:  # rows are sequences in `columns` order
            columns = list(columns)
            while True:
                chunk = list(islice(it, _CHUNK))
                if not chunk:
                    break
                if not s.opened:
                    self._open_implicitly(s, dict(zip(columns, chunk[0])))
                if s.columns != columns:
                    self._start_batch(s, columns)
                if any(len(row) != len(columns) for row in chunk):
                    bad = next(row for row in chunk if len(row) != len(columns))
                    raise ValueError(f"stream {stream!r}: a row of {len(bad)} values for {len(columns)} columns")
                self._emit(s, chunk)
                written += len(chunk)
            s.written += written
            return written
        while True:
            chunk = list(islice(it, _CHUNK))
            if not chunk:
                break
            if not s.opened:
                self._open_implicitly(s, chunk[0])
            if not s.columns:
                self._start_batch(s, self._columns_for(s, chunk[0]))
            try:
                tuples = list(map(s.getter, chunk))
                same = len(s.columns) == 1 or set(map(len, chunk)) == {len(s.columns)}
            except (KeyError, TypeError):
                same = False
            if same:
                self._emit(s, tuples)
            else:
                self._write_mixed(s, chunk)
            written += len(chunk)
        s.written += written
        return written

    def write_file(self, stream: str, path: str, format: str) -> None:
        self._check()
        if format not in FILE_FORMATS:
            raise ValueError(f"format must be one of {FILE_FORMATS}, got {format!r}")
        path = os.fspath(path)
        if not self.spool_dir or os.path.dirname(os.path.abspath(path)) != os.path.abspath(self.spool_dir):
            raise ValueError(f"{path} is not directly inside the spool folder {self.spool_dir}: use call.spool_file()")
        s = self._stream(stream)
        if not s.opened:
            self._open_implicitly(s, None)
        self._flush_stream(s)
        self._send("data/write", {"stream": stream, "file": {"path": path, "format": format}})

    def checkpoint(self, state: Any, streams: Optional[dict[str, Any]]) -> Any:
        self.flush()
        params: dict[str, Any] = {}
        if state is not None:
            params["state"] = state
        if streams is not None:
            params["streams"] = dict(streams)

        def commit(result: Any) -> None:
            if state is not None:
                self.state = state
            self.streams.update(streams or {})

        reply = self._send("data/checkpoint", params, commit)
        self._drain()
        return reply.result

    def spool_file(self, suffix: str) -> str:
        if not self.spool_dir:
            raise ValueError("the host sent no data.spool_dir")
        self._files += 1
        return os.path.join(self.spool_dir, f"f{os.getpid()}-{self._files}{suffix}")

    def flush(self) -> None:
        """Sends every stream's pending batch and waits for all answers."""
        self._check()
        for s in list(self._streams.values()):
            self._flush_stream(s)
        self._drain()

    def finish(self) -> None:
        """After the runner returned: what is pending goes to the host, and every answer is in."""
        if self._failure is None:
            self.flush()

    def abandon(self) -> None:
        """After the runner failed: spool files that were never sent are removed."""
        for s in self._streams.values():
            if s.file is not None:
                s.file.close()
                s.file = s.writer = None
                self._remove(s.path)
            s.values, s.count = [], 0

    @property
    def rows_written(self) -> int:
        return sum(s.written for s in self._streams.values())

    # -- batches ---------------------------------------------------------------------------------------------

    def _stream(self, name: str) -> _Stream:
        s = self._streams.get(name)
        if s is None:
            if not isinstance(name, str) or not name:
                raise ValueError(f"a stream name must be a non-empty string, got {name!r}")
            s = self._streams[name] = _Stream(name)
        return s

    def _open_implicitly(self, s: _Stream, first: Any) -> None:
        columns = None
        if isinstance(first, dict):  # declare the types of the first row, as the host would infer them
            typed = [(k, _column_type(v)) for k, v in first.items()]
            columns = [{"name": k, "type": t} for k, t in typed if isinstance(k, str) and t is not None] or None
        self.open(s.name, None, columns, None, None, wait=False)

    def _columns_for(self, s: _Stream, row: Any) -> list[str]:
        if not isinstance(row, dict):
            raise TypeError(f"stream {s.name!r}: rows must be dicts, got {type(row).__name__} (or pass columns=)")
        keys = [k for k in row if k not in s.declared]
        return s.declared + keys

    def _write_ndjson(self, s: _Stream, it: Any) -> int:
        written = 0
        while True:
            chunk = list(islice(it, min(_CHUNK, self.batch_rows - s.count)))
            if not chunk:
                break
            if not s.opened:
                self._open_implicitly(s, chunk[0])
            text = ndjson_lines(chunk)
            if s.file is None:
                self._new_file(s, ".ndjson")
            assert s.file is not None
            s.file.write(text)
            s.count += len(chunk)
            written += len(chunk)
            if s.count >= self.batch_rows:
                self._flush_stream(s)
        s.written += written
        return written

    def _new_file(self, s: _Stream, suffix: str) -> None:
        s.path = self.spool_file(suffix)
        fd = os.open(s.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        s.file = open(fd, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed when the batch is sent
        self._spooled.add(s.path)

    def _write_mixed(self, s: _Stream, chunk: list[Any]) -> None:
        """Rows whose keys differ from the batch's columns: missing keys are NULL, a new key starts a new batch
        with one more column."""
        pending: list[tuple[Any, ...]] = []
        for row in chunk:
            if not isinstance(row, dict):
                raise TypeError(f"stream {s.name!r}: rows must be dicts, got {type(row).__name__}")
            if not s.column_set.issuperset(row):
                self._emit(s, pending)
                pending = []
                self._start_batch(s, s.columns + [k for k in row if k not in s.column_set])
            get = row.get
            pending.append(tuple(get(c) for c in s.columns))
        self._emit(s, pending)

    def _start_batch(self, s: _Stream, columns: list[str]) -> None:
        for name in columns:
            if not isinstance(name, str) or not name:
                raise TypeError(f"stream {s.name!r}: column names must be non-empty strings, got {name!r}")
        self._flush_stream(s)
        s.set_columns(columns)

    def _emit(self, s: _Stream, tuples: list[Any]) -> None:
        """Adds rows (tuples in ``s.columns`` order) to the batch, sending each batch that fills up."""
        while tuples:
            room = self.batch_rows - s.count
            part, tuples = (tuples, []) if len(tuples) <= room else (tuples[:room], tuples[room:])
            if self.transport == "inline":
                s.values.extend(part)
            else:
                self._write_csv(s, part)
            s.count += len(part)
            if s.count >= self.batch_rows:
                self._flush_stream(s)

    def _write_csv(self, s: _Stream, rows: list[Any]) -> None:
        if s.file is None:
            s.path = self.spool_file(".csv")
            s.file = open(  # noqa: SIM115 - closed when the batch is sent
                os.open(s.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8", newline=""
            )
            s.writer = csv.writer(s.file, quoting=_QUOTING)
            csv.writer(s.file).writerow(s.columns)
        types = set(map(type, chain.from_iterable(rows)))
        if types.issubset(_PLAIN) and (str not in types or _QUOTING != csv.QUOTE_MINIMAL or "" not in chain.from_iterable(rows)):
            s.writer.writerows(rows)  # the fast path: the C writer formats every value right
            return
        sink = _ListSink()
        csv.writer(sink, quoting=_QUOTING).writerows([tuple(map(_csv_value, row)) for row in rows])
        text = "".join(sink.parts)
        s.file.write(text.replace(_EMPTY, '""') if _EMPTY in text else text)

    def _flush_stream(self, s: _Stream) -> None:
        if s.count == 0:
            return
        if self.transport == "inline":
            values, s.values, s.count = s.values, [], 0
            self._send_inline(s.name, s.columns, values)
        else:
            assert s.file is not None
            s.file.close()
            s.file, s.writer, s.count = None, None, 0
            self._send("data/write", {"stream": s.name, "file": {"path": s.path, "format": self.transport}})

    def _send_inline(self, stream: str, columns: list[str], values: list[Any]) -> None:
        from ._framing import LineTooLong

        try:
            self._send("data/write", {"stream": stream, "rows": {"columns": columns, "values": values}})
        except LineTooLong:
            if len(values) == 1:
                raise ValueError(f"stream {stream!r}: one row is longer than max_line_bytes") from None
            half = len(values) // 2
            self._send_inline(stream, columns, values[:half])
            self._send_inline(stream, columns, values[half:])

    # -- requests and answers --------------------------------------------------------------------------------

    def _send(self, method: str, params: dict[str, Any], on_result: Optional[Callable[[Any], None]] = None) -> _Reply:
        self._check()
        while len(self._waiting) >= self.in_flight:
            self._settle(self._waiting.popleft())
        reply = _Reply(method, params.get("stream"))
        reply.on_result = on_result
        self._request(reply, params, _default)
        if method == "data/write" and "file" in params:
            self._spooled.discard(params["file"]["path"])  # the host owns it now
        self._waiting.append(reply)
        return reply

    def _drain(self) -> None:
        while self._waiting:
            self._settle(self._waiting.popleft())

    def _settle(self, reply: _Reply) -> None:
        call = self._call
        while not reply.done.wait(0.1):
            call.raise_if_cancelled()
        if reply.error is not None:
            self._failure = _data_error(reply)
            raise self._failure
        if reply.on_result is not None:
            reply.on_result(reply.result)

    def _check(self) -> None:
        if self._failure is not None:
            raise self._failure

    @staticmethod
    def _remove(path: str) -> None:
        try:
            os.unlink(path)
        except OSError:
            pass


def _data_error(reply: _Reply) -> BaseException:
    error = reply.error
    assert error is not None
    from .errors import REQUEST_CANCELLED, Cancelled

    if error.code == REQUEST_CANCELLED:
        return Cancelled(error.message)
    data = error.data if isinstance(error.data, dict) else {}
    code, category = data.get("code"), data.get("category")
    return DataError(
        f"{reply.method}: {error.message}",
        category=category if isinstance(category, str) else "DATA",
        code=code if isinstance(code, str) else None,
        retryable=data.get("retryable") is True,
        rpc_code=error.code,
        method=reply.method,
        stream=reply.stream,
    )
