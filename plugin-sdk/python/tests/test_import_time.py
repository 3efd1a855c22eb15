"""The SDK loads fast: a plugin's handshake waits for ``import dltaf_plugin``, so it avoids the slow stdlib modules."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import typing

import pytest

from dltaf_plugin import Call, Diagnostic
from dltaf_plugin.plugin import Plugin, Registration

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "src"))
SLOW_MODULES = ("dataclasses", "inspect", "typing")


def _newly_imported(statement: str) -> set[str]:
    """The modules a fresh interpreter imports to run ``statement`` (-S: no site hooks that preload modules)."""
    probe = f"import sys\nbefore = set(sys.modules)\n{statement}\nprint('\\n'.join(sorted(set(sys.modules) - before)))"
    env = dict(os.environ, PYTHONPATH=SRC)
    out = subprocess.run([sys.executable, "-S", "-c", probe], env=env, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "statement",
    ["import dltaf_plugin", "import dltaf_plugin._process  # what serve() loads"],
)
def test_the_sdk_does_not_import_dataclasses_inspect_or_typing_at_runtime(statement: str) -> None:
    imported = _newly_imported(statement)
    assert "dltaf_plugin" in imported
    assert not imported & set(SLOW_MODULES)


def test_the_type_aliases_are_still_importable() -> None:
    from dltaf_plugin._dispatch import Compute
    from dltaf_plugin.call import Notify, RequestId
    from dltaf_plugin.logging_bridge import Notify as BridgeNotify
    from dltaf_plugin.plugin import F, Handler

    assert RequestId == typing.Union[int, str, None]
    assert Notify == BridgeNotify == typing.Callable[[str, "dict[str, Any]"], None]
    assert Compute == Handler == typing.Callable[[Call], typing.Any]
    assert isinstance(F, typing.TypeVar)


def test_diagnostic_behaves_as_the_frozen_dataclass_it_was() -> None:
    diagnostic = Diagnostic.error("bad", path="/source", code="x.bad")
    assert repr(diagnostic) == "Diagnostic(severity='error', message='bad', code='x.bad', path='/source')"
    assert diagnostic == Diagnostic("error", "bad", "x.bad", "/source")
    assert hash(diagnostic) == hash(Diagnostic("error", "bad", code="x.bad", path="/source"))
    assert diagnostic != Diagnostic("error", "bad")
    assert (Diagnostic.code, Diagnostic.path) == (None, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        diagnostic.message = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del diagnostic.code  # type: ignore[misc]
    with pytest.raises(ValueError):
        Diagnostic("fatal", "no such severity")
    assert Diagnostic.__match_args__ == ("severity", "message", "code", "path")


def test_registration_and_descriptions_are_unchanged() -> None:
    plugin = Plugin("p", "1")

    @plugin.runner("documented")
    def run(call: object) -> None:
        """\tCounts\trows.

        More text.
        """

    @plugin.hook("undocumented")
    def hook(call: object) -> None:
        pass

    assert plugin.runners["documented"].description == "Counts  rows."  # tabs expanded, as inspect.getdoc does
    assert plugin.hooks["undocumented"].description is None
    registration = plugin.hooks["undocumented"]
    assert registration == Registration("undocumented", hook, None, ("pre_run", "post_run", "on_error"))
    assert repr(registration).startswith("Registration(name='undocumented', handler=<function ")
    with pytest.raises(dataclasses.FrozenInstanceError):
        registration.name = "other"  # type: ignore[misc]
    with pytest.raises(ValueError):
        plugin.check("bad name")
