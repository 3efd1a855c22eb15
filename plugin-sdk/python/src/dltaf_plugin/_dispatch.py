"""Routes a call method to the registered handler and shapes its result (PROTOCOL.md §3.2)."""

from __future__ import annotations

from . import _results
from .call import Call
from .errors import INVALID_PARAMS, RpcError
from .plugin import Plugin, Registration

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any, Callable

    Compute = Callable[[Call], Any]
else:

    def __getattr__(name: str) -> object:  # the type alias stays importable: built on first use
        if name != "Compute":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from typing import Any, Callable

        globals()[name] = Callable[[Call], Any]
        return globals()[name]


CALL_METHODS = frozenset(
    {"runner/validate", "runner/run", "hook/pre_run", "hook/post_run", "hook/on_error", "check/applies", "check/run"}
)
"""The methods served by handlers (``initialize`` and ``shutdown`` are answered by the server itself)."""


def _lookup(params: dict[str, Any], field: str, table: dict[str, Registration], what: str) -> Registration:
    name = params.get(field)
    if not isinstance(name, str):
        raise RpcError(INVALID_PARAMS, f"invalid params: {field!r} must be a string")
    if name not in table:
        known = ", ".join(sorted(table)) or "none"
        raise RpcError(INVALID_PARAMS, f"invalid params: unknown {what} {name!r} (this plugin has: {known})")
    return table[name]


def _run(runner: Registration, call: Call) -> dict[str, Any]:
    """Runs a runner; with the data feature, sends what it left pending before its outcome is answered."""
    channel = call._channel
    if channel is None:
        return _results.run_outcome(runner.handler(call))
    try:
        outcome = _results.run_outcome(runner.handler(call))
        if outcome["status"] != "failed":
            channel.finish()
    except BaseException:
        channel.abandon()
        raise
    channel.abandon()
    return outcome


def prepare(plugin: Plugin, method: str, params: dict[str, Any]) -> Compute:
    """Returns the function that computes the result of ``method``; raises ``RpcError(-32602)`` when the params
    do not name a registered runner kind, hook or check.
    """
    family, _, action = method.partition("/")
    if family == "runner":
        runner = _lookup(params, "kind", plugin.runners, "runner kind")
        if action == "run":
            return lambda call: _run(runner, call)
        validator = plugin.validators.get(runner.name)
        if validator is None:
            return lambda call: _results.diagnostics([])
        return lambda call: _results.diagnostics(validator.handler(call))
    if family == "hook":
        hook = _lookup(params, "hook", plugin.hooks, "hook")
        if action not in hook.events:
            raise RpcError(INVALID_PARAMS, f"invalid params: hook {hook.name!r} does not handle {action!r}")
        return lambda call: _results.hook_outcome(hook.handler(call))
    check = _lookup(params, "check", plugin.checks, "check")
    if action == "run":
        return lambda call: _results.check_outcome(check.handler(call))
    applies = plugin.applies_handlers.get(check.name)
    if applies is None:
        return lambda call: {"applies": True}
    return lambda call: _results.applies_outcome(applies.handler(call))
