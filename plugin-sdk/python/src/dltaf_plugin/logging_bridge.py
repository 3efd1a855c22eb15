"""Bridges the standard ``logging`` module to ``log`` notifications."""

from __future__ import annotations

import logging
import sys

from .call import current_call

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any, Callable

    Notify = Callable[[str, "dict[str, Any]"], None]
else:

    def __getattr__(name: str) -> object:  # the type alias stays importable: built on first use
        if name != "Notify":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from typing import Any, Callable

        globals()[name] = Callable[[str, "dict[str, Any]"], None]
        return globals()[name]


def level_name(levelno: int) -> str:
    """Maps a ``logging`` level number to a protocol level: debug, info, warning or error."""
    if levelno >= logging.ERROR:
        return "error"
    if levelno >= logging.WARNING:
        return "warning"
    if levelno >= logging.INFO:
        return "info"
    return "debug"


class LogBridgeHandler(logging.Handler):
    """A ``logging.Handler`` that sends each record as a ``log`` notification.

    Records emitted while a handler runs (on its thread) carry that call's ``request_id``. The logger name is
    sent in ``fields.logger``; an exception's traceback goes to stderr, its one-line summary into the message.
    """

    def __init__(self, notify: Notify, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self._notify = notify

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                message = f"{message} ({type(exc).__name__}: {exc})"
                import traceback

                traceback.print_exception(*record.exc_info, file=sys.stderr)
            params: dict[str, Any] = {
                "level": level_name(record.levelno),
                "message": message,
                "fields": {"logger": record.name},
            }
            call = current_call()
            if call is not None:
                params["request_id"] = call.id
            self._notify("log", params)
        except Exception:  # noqa: BLE001 - logging must never break the plugin
            self.handleError(record)


class Installed:
    """An installed bridge; :meth:`remove` puts the root logger back as it was."""

    def __init__(self, handler: LogBridgeHandler, previous_level: int) -> None:
        self.handler = handler
        self._previous_level = previous_level

    def remove(self) -> None:
        """Detaches the bridge from the root logger and restores its level."""
        root = logging.getLogger()
        root.removeHandler(self.handler)
        root.setLevel(self._previous_level)


def install(notify: Notify, level: int = logging.INFO) -> Installed:
    """Adds a bridge to the root logger and lowers the root level to ``level`` if it is higher."""
    root = logging.getLogger()
    previous = root.level
    handler = LogBridgeHandler(notify)
    root.addHandler(handler)
    if root.level > level:
        root.setLevel(level)
    return Installed(handler, previous)
