"""``Plugin``: registers runner, hook and check handlers and serves them over stdio."""

from __future__ import annotations

import inspect
import logging
import re
from dataclasses import dataclass
from typing import Any, Callable, NoReturn, Optional, Sequence, TypeVar

from .call import Call

Handler = Callable[[Call], Any]
F = TypeVar("F", bound=Handler)

HOOK_EVENTS = ("pre_run", "post_run", "on_error")
_NAME = re.compile(r"[A-Za-z0-9_.-]+\Z")


@dataclass(frozen=True)
class Registration:
    """A registered handler with the name, events and description it is announced with."""

    name: str
    handler: Handler
    description: Optional[str] = None
    events: tuple[str, ...] = ()


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"plugin names must match [A-Za-z0-9_.-]+, got {name!r}")
    return name


def _summary(handler: Handler, description: Optional[str]) -> Optional[str]:
    if description is not None:
        return description
    doc = inspect.getdoc(handler)
    return doc.strip().splitlines()[0] if doc else None


class Plugin:
    """A dltaf plugin: a name, a version, and the runners, hooks and checks it provides.

    Args:
        name: the plugin's identity, e.g. ``"audit-hook"``.
        version: the plugin's own release, e.g. ``"1.0.0"``.
        description: one line for ``dltaf plugins describe``.
        heartbeat_seconds: interval of the ``heartbeat`` notifications sent while a handler runs
            (``0`` or ``None`` disables them).
        cancel_grace_seconds: after a ``cancel``, how long the handler has to stop before the SDK answers
            ``-32800`` on its behalf (the handler's later result is then dropped). When stdin closes, running
            handlers are cancelled and the process exits after at most this long.
        log_level: the root logger's level while serving (records at this level and above become
            ``log`` notifications).
    """

    def __init__(
        self,
        name: str,
        version: str,
        description: Optional[str] = None,
        *,
        heartbeat_seconds: Optional[float] = 5.0,
        cancel_grace_seconds: float = 2.0,
        log_level: int = logging.INFO,
    ) -> None:
        self.name = name
        self.version = version
        self.description = description
        self.heartbeat_seconds = heartbeat_seconds
        self.cancel_grace_seconds = cancel_grace_seconds
        self.log_level = log_level
        self.runners: dict[str, Registration] = {}
        self.validators: dict[str, Registration] = {}
        self.hooks: dict[str, Registration] = {}
        self.checks: dict[str, Registration] = {}
        self.applies_handlers: dict[str, Registration] = {}

    @staticmethod
    def _register(
        table: dict[str, Registration], what: str, name: str, description: Optional[str], events: tuple[str, ...] = ()
    ) -> Callable[[F], F]:
        _check_name(name)

        def decorator(handler: F) -> F:
            if name in table:
                raise ValueError(f"{what} {name!r} is registered twice")
            table[name] = Registration(name, handler, _summary(handler, description), events)
            return handler

        return decorator

    def runner(self, kind: str, *, description: Optional[str] = None) -> Callable[[F], F]:
        """Registers the ``runner/run`` handler of a runner kind: ``def run(call) -> dict`` (a run outcome).

        The outcome's ``status`` defaults to ``"success"``; returning None means ``{"status": "success"}``.
        The description defaults to the first line of the handler's docstring.
        """
        return self._register(self.runners, "runner", kind, description)

    def validator(self, kind: str) -> Callable[[F], F]:
        """Registers the ``runner/validate`` handler of a runner kind: returns a list of ``Diagnostic``
        (or of dicts with ``severity``, ``message``, ``code``?, ``path``?). Without one, validate finds nothing.
        """
        return self._register(self.validators, "validator", kind, "")

    def hook(
        self, name: str, *, events: Sequence[str] = HOOK_EVENTS, description: Optional[str] = None
    ) -> Callable[[F], F]:
        """Registers a hook for some of ``pre_run``, ``post_run``, ``on_error`` (``call.event`` tells which).

        The handler returns None or True (ok), False, ``(False, "why")`` or ``{"ok": False, "message": ...}``;
        not ok in ``pre_run`` vetoes the run, elsewhere it becomes a warning.
        """
        events = tuple(events)
        unknown = [event for event in events if event not in HOOK_EVENTS]
        if not events or unknown:
            raise ValueError(f"hook events must be a non-empty subset of {HOOK_EVENTS}, got {events}")
        return self._register(self.hooks, "hook", name, description, events)

    def check(self, name: str, *, description: Optional[str] = None) -> Callable[[F], F]:
        """Registers the ``check/run`` handler of an infra check: returns
        ``{"ok", "errors", "warnings", "details"}``; missing keys are filled (``ok`` means "no errors").
        """
        return self._register(self.checks, "check", name, description)

    def applies(self, name: str) -> Callable[[F], F]:
        """Registers the ``check/applies`` handler of a check: returns a bool, ``(bool, reason)`` or
        ``{"applies": bool, "reason"?: str}``. Without one, the check always applies.
        """
        return self._register(self.applies_handlers, "applies handler", name, "")

    def info(self) -> dict[str, Any]:
        """The ``plugin`` member of the ``initialize`` result."""
        info = {"name": self.name, "version": self.version}
        if self.description:
            info["description"] = self.description
        return info

    def provides(self) -> dict[str, Any]:
        """The ``provides`` member of the ``initialize`` result, built from the registered handlers."""

        def entry(key: str, reg: Registration) -> dict[str, Any]:
            out: dict[str, Any] = {key: reg.name}
            if reg.events:
                out["events"] = list(reg.events)
            if reg.description:
                out["description"] = reg.description
            return out

        return {
            "runners": [entry("kind", reg) for reg in self.runners.values()],
            "hooks": [entry("name", reg) for reg in self.hooks.values()],
            "checks": [entry("name", reg) for reg in self.checks.values()],
        }

    def serve(self) -> NoReturn:
        """Serves the protocol on this process's stdin and stdout until stdin closes, then exits 0.

        It takes stdout for protocol lines and points ``sys.stdout`` (so ``print``) and file descriptor 1 at
        stderr, bridges ``logging`` to ``log`` notifications, and exits with status 143 on SIGTERM.
        """
        from ._process import serve_process

        raise SystemExit(serve_process(self))
