"""Turns what handlers return into the result objects of PROTOCOL.md §3.2."""

from __future__ import annotations

from .diagnostic import Diagnostic
from .errors import CATEGORIES, INTERNAL_ERROR, RpcError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any

RUN_STATUSES = ("success", "partial_success", "failed")


def _bad(what: str, value: Any) -> RpcError:
    return RpcError(INTERNAL_ERROR, f"{what}, got {type(value).__name__}: {value!r}"[:500])


def run_outcome(value: Any) -> dict[str, Any]:
    """A run outcome: None means ``{"status": "success"}``; a dict without ``status`` is a success.

    A ``failed`` outcome may classify itself with ``category`` (one of ``CATEGORIES``), ``code`` (a non-empty
    string) and ``retryable`` (a bool); the host reports them as the run's error.
    """
    if value is None:
        return {"status": "success"}
    if not isinstance(value, dict):
        raise _bad("a runner must return a run outcome dict", value)
    outcome = dict(value)
    outcome.setdefault("status", "success")
    if outcome["status"] not in RUN_STATUSES:
        raise _bad(f"run outcome status must be one of {RUN_STATUSES}", outcome["status"])
    if "category" in outcome and outcome["category"] not in CATEGORIES:
        raise _bad(f"run outcome category must be one of {tuple(sorted(CATEGORIES))}", outcome["category"])
    if "code" in outcome and not (isinstance(outcome["code"], str) and outcome["code"]):
        raise _bad("run outcome code must be a non-empty string", outcome["code"])
    if "retryable" in outcome and not isinstance(outcome["retryable"], bool):
        raise _bad("run outcome retryable must be a bool", outcome["retryable"])
    return outcome


def diagnostics(value: Any) -> dict[str, Any]:
    """``{"diagnostics": [...]}`` from a list of ``Diagnostic`` or dicts (None means none)."""
    if value is None:
        return {"diagnostics": []}
    if isinstance(value, (dict, str, bytes)) or not hasattr(value, "__iter__"):
        raise _bad("a validator must return a list of Diagnostic", value)
    out = []
    for item in value:
        if isinstance(item, dict):
            try:
                item = Diagnostic(
                    str(item.get("severity")), str(item.get("message", "")), item.get("code"), item.get("path")
                )
            except ValueError as exc:
                raise RpcError(INTERNAL_ERROR, f"invalid diagnostic: {exc}") from None
        if not isinstance(item, Diagnostic):
            raise _bad("a validator must return a list of Diagnostic", item)
        out.append(item.to_json())
    return {"diagnostics": out}


def hook_outcome(value: Any) -> dict[str, Any]:
    """``{"ok", "message"?}`` from None/True (ok), False, ``(ok, message)`` or a dict."""
    if value is None or value is True:
        return {"ok": True}
    if value is False:
        return {"ok": False}
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], bool):
        return {"ok": value[0], "message": str(value[1])}
    if isinstance(value, dict):
        outcome = dict(value)
        outcome.setdefault("ok", True)
        if not isinstance(outcome["ok"], bool):
            raise _bad("a hook's 'ok' must be a bool", outcome["ok"])
        return outcome
    raise _bad("a hook must return None, a bool, (bool, message) or a dict", value)


def check_outcome(value: Any) -> dict[str, Any]:
    """``{"ok", "errors", "warnings", "details"}`` with missing keys filled; ``ok`` defaults to "no errors"."""
    if value is None or isinstance(value, bool):
        value = {} if value is None else {"ok": value}
    if not isinstance(value, dict):
        raise _bad("a check must return a dict, a bool or None", value)
    outcome = dict(value)
    for key in ("errors", "warnings"):
        items = outcome.setdefault(key, [])
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise _bad(f"a check's {key!r} must be a list of strings", items)
    outcome.setdefault("ok", not outcome["errors"])
    outcome.setdefault("details", {})
    if not isinstance(outcome["ok"], bool):
        raise _bad("a check's 'ok' must be a bool", outcome["ok"])
    return outcome


def applies_outcome(value: Any) -> dict[str, Any]:
    """``{"applies", "reason"?}`` from a bool, ``(bool, reason)`` or a dict."""
    if isinstance(value, bool):
        return {"applies": value}
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], bool):
        return {"applies": value[0], "reason": str(value[1])}
    if isinstance(value, dict) and isinstance(value.get("applies"), bool):
        return dict(value)
    raise _bad("an applies handler must return a bool, (bool, reason) or {'applies': bool}", value)
