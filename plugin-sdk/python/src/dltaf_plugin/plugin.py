"""``Plugin``: registers runner, hook and check handlers and serves them over stdio."""

from __future__ import annotations

from .call import Call

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any, Callable, NoReturn, Optional, Sequence, TypeVar

    Handler = Callable[[Call], Any]
    F = TypeVar("F", bound=Handler)
else:

    def __getattr__(name: str) -> object:  # the type aliases stay importable: built on first use
        if name not in ("Handler", "F"):
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from typing import Any, Callable, TypeVar

        handler = Callable[[Call], Any]
        globals().update(Handler=handler, F=TypeVar("F", bound=handler))
        return globals()[name]


HOOK_EVENTS = ("pre_run", "post_run", "on_error")
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_LOGGING_INFO = 20  # logging.INFO, without importing logging before serve() needs it
_FunctionType = type(lambda: None)


class Registration:
    """A registered handler with the name, events and description it is announced with."""

    # Behaves as the frozen dataclass it used to be (init, repr, eq, hash, immutability), without importing
    # ``dataclasses`` (and ``inspect``) when the SDK loads.

    __match_args__ = ("name", "handler", "description", "events")

    if TYPE_CHECKING:  # read-only for type checkers, as the fields of a frozen dataclass

        @property
        def name(self) -> str: ...
        @property
        def handler(self) -> Handler: ...
        @property
        def description(self) -> Optional[str]: ...
        @property
        def events(self) -> tuple[str, ...]: ...

    else:  # the class defaults a dataclass keeps
        description = None
        events = ()

    def __init__(
        self, name: str, handler: Handler, description: Optional[str] = None, events: tuple[str, ...] = ()
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "handler", handler)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "events", events)

    def _astuple(self) -> tuple[str, Handler, Optional[str], tuple[str, ...]]:
        return (self.name, self.handler, self.description, self.events)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self.__match_args__, self._astuple()))
        return f"{type(self).__qualname__}({fields})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__ and isinstance(other, Registration):
            return self._astuple() == other._astuple()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._astuple())

    def __setattr__(self, name: str, value: Any) -> None:
        if type(self) is Registration or name in self.__match_args__:
            from dataclasses import FrozenInstanceError

            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if type(self) is Registration or name in self.__match_args__:
            from dataclasses import FrozenInstanceError

            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super().__delattr__(name)


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name or not _NAME_CHARS.issuperset(name):
        raise ValueError(f"plugin names must match [A-Za-z0-9_.-]+, got {name!r}")
    return name


def _first_doc_line(handler: Handler) -> Optional[str]:
    """The first line of ``inspect.getdoc(handler)``, without importing ``inspect`` for the usual handlers."""
    doc = getattr(handler, "__doc__", None)
    if doc is None:
        qualname = getattr(handler, "__qualname__", "")
        if isinstance(handler, _FunctionType) and ("." not in qualname or "<locals>" in qualname):
            return None  # a plain or nested function: inspect would not find an inherited docstring either
        import inspect  # a method may inherit its docstring from a base class

        doc = inspect.getdoc(handler)
    if not isinstance(doc, str):
        return None
    text = doc.expandtabs().strip()  # what inspect.cleandoc does to the first line, then .strip()
    return text.splitlines()[0] if text else None


def _summary(handler: Handler, description: Optional[str]) -> Optional[str]:
    if description is not None:
        return description
    return _first_doc_line(handler)


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
        data: whether to negotiate the ``data.v1`` feature (PROTOCOL.md §8) when the host offers it and the
            plugin has runners; then ``runner/run`` calls get the data API (``call.write``...).
    """

    def __init__(
        self,
        name: str,
        version: str,
        description: Optional[str] = None,
        *,
        heartbeat_seconds: Optional[float] = 5.0,
        cancel_grace_seconds: float = 2.0,
        log_level: int = _LOGGING_INFO,
        data: bool = True,
    ) -> None:
        self.name = name
        self.version = version
        self.description = description
        self.heartbeat_seconds = heartbeat_seconds
        self.cancel_grace_seconds = cancel_grace_seconds
        self.log_level = log_level
        self.data = data
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
