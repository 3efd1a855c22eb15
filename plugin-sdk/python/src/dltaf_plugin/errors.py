"""Exceptions a handler raises, and the JSON-RPC error codes of protocol v1 (PROTOCOL.md §3.4)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any, Optional

PARSE_ERROR = -32700
"""The line was not JSON."""
INVALID_REQUEST = -32600
"""The message is not a valid request."""
METHOD_NOT_FOUND = -32601
"""The method is unknown."""
INVALID_PARAMS = -32602
"""The params are missing a field or name something unknown."""
INTERNAL_ERROR = -32603
"""The SDK could not produce an answer (e.g. a handler returned something not JSON)."""
HANDLER_FAILED = -32000
"""The handler failed; ``data`` carries ``category``, ``code`` and ``retryable``."""
NOT_INITIALIZED = -32001
"""A call arrived before ``initialize``."""
UNSUPPORTED_VERSION = -32002
"""None of the offered protocol versions is supported; ``data.supported`` lists ours."""
REQUEST_CANCELLED = -32800
"""The host cancelled the request."""

CATEGORIES = frozenset(
    {"CONFIG", "SECRETS", "AUTH", "CONNECTIVITY", "HTTP", "TIMEOUT", "DATA", "POLICY", "DEPENDENCY", "UNKNOWN"}
)
"""The error categories the host understands in ``data.category`` of a ``-32000`` error."""


class PluginError(Exception):
    """A handler failure the host should report with a category.

    Raise it from any handler; the SDK answers the call with error ``-32000`` and
    ``data: {"category", "code", "retryable"}``. Domain outcomes (a failed check, an invalid config, a failed
    load) are results, not errors: raise this only when the call itself cannot be served.
    """

    def __init__(
        self, message: str, category: str = "CONFIG", code: Optional[str] = None, retryable: bool = False
    ) -> None:
        if category not in CATEGORIES:
            raise ValueError(f"unknown error category {category!r}; use one of {sorted(CATEGORIES)}")
        super().__init__(message)
        self.message = message
        self.category = category
        self.code = code
        self.retryable = retryable

    def data(self) -> dict[str, Any]:
        """The ``data`` member of the JSON-RPC error."""
        return {"category": self.category, "code": self.code, "retryable": self.retryable}


class Cancelled(Exception):
    """The host cancelled the call; the SDK answers it with error ``-32800``.

    Raised by :meth:`dltaf_plugin.Call.raise_if_cancelled`.
    """

    def __init__(self, message: str = "request cancelled") -> None:
        super().__init__(message)


class RpcError(Exception):
    """A JSON-RPC error object: ``code``, ``message`` and optional ``data``.

    The SDK raises it internally to answer with a specific code; ``InMemoryHost.call`` raises it when the
    plugin answers with an error.
    """

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict[str, Any]:
        """The ``error`` member of a JSON-RPC response."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


class DataError(PluginError):
    """The host refused a ``data/*`` request (PROTOCOL.md §8.3), or the data API was used wrongly.

    Raised by ``call.write``, ``call.checkpoint``... with the host's ``code`` (``stream_not_open``,
    ``bad_rows``, ``destination_failed``...), ``category`` and ``retryable``; ``rpc_code`` is the JSON-RPC
    error code, ``method`` the request and ``stream`` its stream. Left uncaught, it fails the ``runner/run``
    call with the same category and code. Once one is raised, the call's data API keeps raising it.
    """

    def __init__(
        self,
        message: str,
        category: str = "DATA",
        code: Optional[str] = None,
        retryable: bool = False,
        *,
        rpc_code: int = HANDLER_FAILED,
        method: Optional[str] = None,
        stream: Optional[str] = None,
    ) -> None:
        super().__init__(message, category if category in CATEGORIES else "UNKNOWN", code, retryable)
        self.rpc_code = rpc_code
        self.method = method
        self.stream = stream


class DataUnsupported(PluginError):
    """The data API was used although the host did not offer the ``data.v1`` feature (an older dltaf), or
    outside a ``runner/run`` call. Check ``call.data_enabled`` first to fall back to another way of loading.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, category="DEPENDENCY", code="data_unsupported")
