"""``DataHost``: the host's side of the ``data.v1`` feature for ``InMemoryHost`` (PROTOCOL.md §8).

It answers ``data/open``, ``data/write`` and ``data/checkpoint`` as dltaf does, validating their params, reading
spool files (CSV per RFC 4180 with NULL for empty unquoted fields, NDJSON) and keeping the rows in memory
instead of a destination: rows since the last checkpoint are ``pending``, committed ones are in ``tables``.
"""

from __future__ import annotations

import json
import os
import re
import stat
import threading

from .errors import INVALID_PARAMS, RpcError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime, as in the rest of the SDK
    from typing import Any, Callable, Optional

COLUMN_TYPES = frozenset({"bigint", "double", "decimal", "text", "bool", "date", "timestamp", "json", "binary"})
WRITE_DISPOSITIONS = ("append", "replace", "merge")
_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^,"\r\n]*)')
_NAME_RUNS = re.compile(r"[^a-z0-9_]+")


def normalize_name(name: str) -> str:
    """A table or column name as dltaf writes it (§8.4): lower case, other characters as ``_``."""
    out = _NAME_RUNS.sub("_", name.lower())
    return f"_{out}" if out[:1].isdigit() else out


def parse_csv(text: str) -> list[list[Optional[str]]]:
    """The records of RFC 4180 text: an empty unquoted field is None, ``""`` an empty string.

    Raises ``ValueError`` naming the record of a malformed field (a stray quote).
    """
    records: list[list[Optional[str]]] = []
    record: list[Optional[str]] = []
    pos, end = 0, len(text)
    while pos < end:
        match = _FIELD.match(text, pos)
        assert match is not None  # the second alternative matches the empty string
        quoted, bare = match.groups()
        record.append(quoted.replace('""', '"') if quoted is not None else (bare or None))
        pos = match.end()
        if pos >= end:
            break
        char = text[pos]
        if char == ",":
            pos += 1
            if pos == end:
                record.append(None)
        elif char == "\n" or text.startswith("\r\n", pos):
            pos += 1 if char == "\n" else 2
            records.append(record)
            record = []
        else:
            raise ValueError(f"record {len(records) + 1}: unexpected {char!r} after a field")
    if record:
        records.append(record)
    return records


def _error(message: str, code: str, category: str = "DATA", retryable: bool = False) -> RpcError:
    return RpcError(-32000, message, {"category": category, "code": code, "retryable": retryable})


class DataHost:
    """The data side of an in-memory host: one run at a time, rows kept in memory.

    Attributes:
        spool_dir: the run's spool folder (created by ``InMemoryHost``).
        requests: every ``data/*`` request received, as ``(method, params)``.
        streams: the streams opened in the current run: ``{stream: {table, columns, primary_key,
            write_disposition}}``.
        pending: rows written since the last checkpoint, ``{stream: [row dict]}``.
        tables: committed rows, ``{table: [row dict]}`` (CSV values are strings, as in the file).
        state, stream_states: the committed pipeline state and ``{stream: state}``.
        checkpoints: the answers of ``data/checkpoint``.
        errors: the errors answered in the current run (any of them fails the run).
    """

    def __init__(self, spool_dir: str, load_id: str, destination: Optional[dict[str, Any]] = None) -> None:
        self.spool_dir = spool_dir
        self.load_id = load_id
        self.destination = destination or {"name": "sqlite", "dataset": "test"}
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.streams: dict[str, dict[str, Any]] = {}
        self.pending: dict[str, list[dict[str, Any]]] = {}
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self.state: Any = None
        self.stream_states: dict[str, Any] = {}
        self.checkpoints: list[dict[str, Any]] = []
        self.errors: list[RpcError] = []
        self.in_run = False
        self._checkpoint = 0
        self._failures: list[tuple[str, int, RpcError]] = []
        self._held: Optional[list[Callable[[], None]]] = None
        self._lock = threading.Lock()

    # -- what tests use ------------------------------------------------------------------------------------

    def run_params(self) -> dict[str, Any]:
        """The ``data`` params of a ``runner/run`` (§8.1); the run starts."""
        self.in_run, self.streams, self.pending, self.errors = True, {}, {}, []
        self._checkpoint = 0
        return {
            "spool_dir": self.spool_dir,
            "state": self.state,
            "streams": dict(self.stream_states),
            "load_id": self.load_id,
            "destination": dict(self.destination),
        }

    def rows(self, stream: str) -> list[dict[str, Any]]:
        """The committed rows of ``stream``'s table."""
        table = self.streams.get(stream, {}).get("table") or normalize_name(stream)
        return self.tables.get(table, [])

    def fail(
        self,
        method: str,
        code: str,
        category: str = "DATA",
        retryable: bool = False,
        message: Optional[str] = None,
        after: int = 0,
    ) -> None:
        """Answers the ``after``-th next ``method`` request (0: the next one) with this §8.3 error."""
        self._failures.append((method, after, _error(message or f"injected {code}", code, category, retryable)))

    def hold(self) -> None:
        """Stops answering: requests wait until :meth:`release` (to see how many a plugin keeps in flight)."""
        self._held = []

    def held(self) -> int:
        """How many requests wait for :meth:`release`."""
        return len(self._held or [])

    def release(self) -> None:
        """Answers the held requests, in order, and answers the next ones at once again."""
        held, self._held = self._held or [], None
        for answer in held:
            answer()

    # -- serving -------------------------------------------------------------------------------------------

    def serve(self, method: str, params: Any, answer: Callable[[Any, Optional[RpcError]], None]) -> None:
        """Handles one request; ``answer(result, error)`` sends the response (now, or on release)."""

        def reply() -> None:
            try:
                result = self.handle(method, params)
            except RpcError as error:
                self.errors.append(error)
                answer(None, error)
            else:
                answer(result, None)

        if self._held is not None:
            self._held.append(reply)
        else:
            reply()

    def handle(self, method: str, params: Any) -> Any:
        """The result of one ``data/*`` request; raises ``RpcError`` with the §8.3 ``data``."""
        with self._lock:
            self.requests.append((method, params))
            for index, (failing, after, error) in enumerate(self._failures):
                if failing == method:
                    if after == 0:
                        del self._failures[index]
                        raise error
                    self._failures[index] = (failing, after - 1, error)
                    break
            if not isinstance(params, dict):
                raise RpcError(INVALID_PARAMS, "invalid params: params must be an object")
            if not self.in_run:
                raise _error(f"{method} outside a runner/run call", "no_run")
            if method == "data/open":
                return self._open(params)
            if method == "data/write":
                return self._write(params)
            if method == "data/checkpoint":
                return self._commit(params.get("state", ...), params.get("streams"))
            raise RpcError(-32601, f"method not found: {method}")

    def end_run(self, status: Optional[str]) -> None:
        """The run answered ``status`` (None: an error): commit what is pending, or roll it back."""
        if status in ("success", "partial_success") and not self.errors:
            self._commit(..., None)
        self.in_run, self.pending = False, {}

    def _open(self, params: dict[str, Any]) -> dict[str, Any]:
        stream = params.get("stream")
        if not isinstance(stream, str) or not stream:
            raise RpcError(INVALID_PARAMS, "invalid params: data/open needs a stream name")
        if stream in self.streams:
            raise _error(f"stream {stream!r} is already open", "stream_already_open")
        table = params.get("table", stream)
        columns = params.get("columns", [])
        key = params.get("primary_key")
        disposition = params.get("write_disposition", "replace")
        if not isinstance(table, str) or not table:
            raise RpcError(INVALID_PARAMS, f"invalid params: stream {stream!r}: table must be a string")
        if not isinstance(columns, list) or not all(
            isinstance(c, dict) and isinstance(c.get("name"), str) and c.get("type") in COLUMN_TYPES for c in columns
        ):
            raise RpcError(INVALID_PARAMS, f"invalid params: stream {stream!r}: columns need a name and a type")
        if key is not None and (not isinstance(key, list) or not all(isinstance(k, str) for k in key)):
            raise RpcError(INVALID_PARAMS, f"invalid params: stream {stream!r}: primary_key is a list of names")
        if disposition not in WRITE_DISPOSITIONS or (disposition == "merge" and not key):
            raise RpcError(INVALID_PARAMS, f"invalid params: stream {stream!r}: bad write_disposition {disposition!r}")
        self.streams[stream] = {
            "table": normalize_name(table),
            "columns": columns,
            "primary_key": key,
            "write_disposition": disposition,
        }
        self.pending[stream] = []
        return {"stream": stream, "table": normalize_name(table), "state": self.stream_states.get(stream)}

    def _write(self, params: dict[str, Any]) -> dict[str, Any]:
        stream = params.get("stream")
        if stream not in self.streams:
            raise _error(f"stream {stream!r} is not open", "stream_not_open")
        if ("rows" in params) == ("file" in params):
            raise RpcError(INVALID_PARAMS, f"invalid params: data/write of {stream!r} needs rows or file")
        if "rows" in params:
            rows = self._inline(stream, params["rows"])
        else:
            rows = self._file(stream, params["file"])
        self.pending[stream].extend(rows)
        return {"rows": len(rows)}

    def _inline(self, stream: str, rows: Any) -> list[dict[str, Any]]:
        columns = rows.get("columns") if isinstance(rows, dict) else None
        values = rows.get("values") if isinstance(rows, dict) else None
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns) or not isinstance(values, list):
            raise _error(f"stream {stream!r}: rows need columns (names) and values (arrays)", "bad_rows")
        for number, row in enumerate(values, 1):
            if not isinstance(row, list) or len(row) != len(columns):
                raise _error(f"stream {stream!r}: row {number} does not have {len(columns)} values", "bad_rows")
        return [dict(zip(columns, row)) for row in values]

    def _file(self, stream: str, file: Any) -> list[dict[str, Any]]:
        path = file.get("path") if isinstance(file, dict) else None
        form = file.get("format") if isinstance(file, dict) else None
        if form not in ("csv", "ndjson"):
            raise RpcError(INVALID_PARAMS, f"invalid params: stream {stream!r}: file format must be csv or ndjson")
        inside = isinstance(path, str) and os.path.dirname(path) == self.spool_dir
        if not inside or not os.path.exists(path) or not stat.S_ISREG(os.lstat(path).st_mode):
            raise _error(f"stream {stream!r}: {path} is not a regular file directly inside the spool", "file_outside_spool")
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        os.unlink(path)  # the host deletes a file once loaded
        if form == "ndjson":
            rows = []
            for number, line in enumerate(text.splitlines(), 1):
                try:
                    row = json.loads(line) if line.strip() else None
                except ValueError:
                    row = []
                if row is not None and not isinstance(row, dict):
                    raise _error(f"stream {stream!r}: line {number} of {path} is not a JSON object", "bad_rows")
                if row is not None:
                    rows.append(row)
            return rows
        try:
            records = parse_csv(text)
        except ValueError as exc:
            raise _error(f"stream {stream!r}: {path}: {exc}", "bad_rows") from None
        if not records:
            raise _error(f"stream {stream!r}: {path} has no header line", "bad_rows")
        header = records[0]
        if not all(isinstance(name, str) and name for name in header):
            raise _error(f"stream {stream!r}: {path}: the header has an empty column name", "bad_rows")
        for number, record in enumerate(records[1:], 2):
            if len(record) != len(header):
                message = f"stream {stream!r}: {path} record {number} has {len(record)} fields, the header {len(header)}"
                raise _error(message, "bad_rows")
        return [dict(zip(header, record)) for record in records[1:]]  # type: ignore[arg-type]

    def _commit(self, state: Any, streams: Any) -> dict[str, Any]:
        if streams is not None and not isinstance(streams, dict):
            raise RpcError(INVALID_PARAMS, "invalid params: data/checkpoint streams must be an object")
        committed = {}
        for stream, rows in self.pending.items():
            table = self.streams[stream]["table"]
            if self.streams[stream]["write_disposition"] == "replace" and not self._checkpoint:
                self.tables[table] = []
            self.tables.setdefault(table, []).extend(rows)
            committed[stream] = len(rows)
            self.pending[stream] = []
        if state is not ...:
            self.state = state
        self.stream_states.update(streams or {})
        self._checkpoint += 1
        answer = {"load_id": self.load_id, "checkpoint": self._checkpoint, "rows": committed}
        self.checkpoints.append(answer)
        return answer
