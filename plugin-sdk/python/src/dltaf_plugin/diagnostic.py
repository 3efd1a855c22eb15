"""The ``Diagnostic`` a runner's validator returns (PROTOCOL.md §3.2)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any, Optional

SEVERITIES = ("error", "warning", "info")
_FIELDS = ("severity", "message", "code", "path")


class Diagnostic:
    """One finding of ``runner/validate``.

    ``severity`` is ``"error"``, ``"warning"`` or ``"info"``; the manifest is valid unless a diagnostic has
    severity ``error``. ``path`` is a JSON Pointer into the manifest (``"/source/limit"``), which the host
    turns into ``file:line:column``. ``code`` is a stable identifier such as ``"csv.missing_path"``.
    """

    # Behaves as the frozen dataclass it used to be (init, repr, eq, hash, immutability, match args), without
    # importing ``dataclasses`` (and ``inspect``) when the SDK loads.

    __match_args__ = ("severity", "message", "code", "path")

    if TYPE_CHECKING:  # read-only for type checkers, as the fields of a frozen dataclass

        @property
        def severity(self) -> str: ...
        @property
        def message(self) -> str: ...
        @property
        def code(self) -> Optional[str]: ...
        @property
        def path(self) -> Optional[str]: ...

    else:  # the class defaults a dataclass keeps
        code = None
        path = None

    def __init__(self, severity: str, message: str, code: Optional[str] = None, path: Optional[str] = None) -> None:
        object.__setattr__(self, "severity", severity)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "path", path)
        self.__post_init__()

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"diagnostic severity must be one of {SEVERITIES}, got {self.severity!r}")
        if self.path is not None and self.path != "" and not self.path.startswith("/"):
            raise ValueError(f"diagnostic path must be a JSON Pointer starting with '/', got {self.path!r}")

    def _astuple(self) -> tuple[str, str, Optional[str], Optional[str]]:
        return (self.severity, self.message, self.code, self.path)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(_FIELDS, self._astuple()))
        return f"{type(self).__qualname__}({fields})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__ and isinstance(other, Diagnostic):
            return self._astuple() == other._astuple()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._astuple())

    def __setattr__(self, name: str, value: Any) -> None:
        if type(self) is Diagnostic or name in _FIELDS:
            from dataclasses import FrozenInstanceError

            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if type(self) is Diagnostic or name in _FIELDS:
            from dataclasses import FrozenInstanceError

            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super().__delattr__(name)

    @classmethod
    def error(cls, message: str, *, path: Optional[str] = None, code: Optional[str] = None) -> Diagnostic:
        """A diagnostic of severity ``error``."""
        return cls("error", message, code, path)

    @classmethod
    def warning(cls, message: str, *, path: Optional[str] = None, code: Optional[str] = None) -> Diagnostic:
        """A diagnostic of severity ``warning``."""
        return cls("warning", message, code, path)

    @classmethod
    def info(cls, message: str, *, path: Optional[str] = None, code: Optional[str] = None) -> Diagnostic:
        """A diagnostic of severity ``info``."""
        return cls("info", message, code, path)

    def to_json(self) -> dict[str, Any]:
        """The wire form, without the absent optional fields."""
        out: dict[str, Any] = {"severity": self.severity, "message": self.message}
        if self.code is not None:
            out["code"] = self.code
        if self.path is not None:
            out["path"] = self.path
        return out
