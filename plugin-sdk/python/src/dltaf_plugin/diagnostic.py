"""The ``Diagnostic`` a runner's validator returns (PROTOCOL.md §3.2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Diagnostic:
    """One finding of ``runner/validate``.

    ``severity`` is ``"error"``, ``"warning"`` or ``"info"``; the manifest is valid unless a diagnostic has
    severity ``error``. ``path`` is a JSON Pointer into the manifest (``"/source/limit"``), which the host
    turns into ``file:line:column``. ``code`` is a stable identifier such as ``"csv.missing_path"``.
    """

    severity: str
    message: str
    code: Optional[str] = None
    path: Optional[str] = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"diagnostic severity must be one of {SEVERITIES}, got {self.severity!r}")
        if self.path is not None and self.path != "" and not self.path.startswith("/"):
            raise ValueError(f"diagnostic path must be a JSON Pointer starting with '/', got {self.path!r}")

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
