"""Puts the SDK (src/), the test helpers and the test plugins on sys.path; provides the ``spawn`` fixture."""

import os
import sys
from typing import Any, Callable, Iterator, List

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
for folder in (os.path.join(HERE, "..", "src"), HERE, os.path.join(HERE, "plugins")):
    if os.path.abspath(folder) not in sys.path:
        sys.path.insert(0, os.path.abspath(folder))

from helpers import PluginProcess  # noqa: E402


@pytest.fixture
def spawn() -> Iterator[Callable[..., PluginProcess]]:
    """Starts plugin subprocesses (``spawn(argv, env=None)``) and kills any still running after the test."""
    started: List[PluginProcess] = []

    def start(argv: List[str], env: Any = None) -> PluginProcess:
        process = PluginProcess(argv, env)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
