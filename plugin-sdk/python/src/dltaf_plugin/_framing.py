"""JSON-lines framing: one compact UTF-8 JSON object per line (PROTOCOL.md §1)."""

from __future__ import annotations

import json
import threading
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any, BinaryIO

DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024


class LineTooLong(ValueError):
    """An encoded message is longer than the host's ``limits.max_line_bytes``."""


def encode(message: Any, default: Any = None) -> bytes:
    """Encodes one message as a protocol line (with its ``\\n``); ``default`` as in ``json.dumps``.

    Raises ``TypeError`` or ``ValueError`` if the message is not plain JSON (e.g. a ``datetime`` or NaN).
    """
    text = json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=default)
    return text.encode("utf-8") + b"\n"


def decode(line: bytes) -> Any:
    """Decodes one received line; a trailing ``\\r\\n`` or ``\\n`` is dropped.

    Raises ``ValueError`` if the line is not UTF-8 JSON (or is nested too deeply to decode).
    """
    if line.endswith(b"\n"):
        line = line[:-1]
    if line.endswith(b"\r"):
        line = line[:-1]
    try:
        return json.loads(line.decode("utf-8"))
    except RecursionError:  # e.g. 100,000 nested arrays: still just a line that cannot be read
        raise ValueError("JSON nested too deeply") from None


class LineWriter:
    """Writes whole lines to the protocol stream, one writer at a time, flushing each.

    Once the stream breaks (the host went away) further writes are dropped silently.
    """

    def __init__(self, stream: BinaryIO, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._broken = False
        self.max_line_bytes = max_line_bytes

    def send(self, message: Any, default: Any = None) -> bool:
        """Writes ``message`` as one line; returns False if the stream is gone.

        Raises ``LineTooLong`` or the encoding errors of :func:`encode` without writing anything.
        """
        data = encode(message, default)
        if len(data) > self.max_line_bytes:
            raise LineTooLong(f"message of {len(data)} bytes exceeds max_line_bytes={self.max_line_bytes}")
        with self._lock:
            if self._broken:
                return False
            try:
                self._stream.write(data)
                self._stream.flush()
            except (OSError, ValueError):  # broken pipe, or the stream was closed
                self._broken = True
                return False
        return True
