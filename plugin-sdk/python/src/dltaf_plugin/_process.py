"""Runs a plugin as this process: takes over stdio, bridges logging, exits on SIGTERM (PROTOCOL.md §2)."""

from __future__ import annotations

import os
import signal
import sys
import threading
from . import logging_bridge
from ._server import Server
from .plugin import Plugin

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at runtime: it would slow down every plugin's start
    from typing import Any, BinaryIO

SIGTERM_EXIT_STATUS = 143  # 128 + SIGTERM, as a shell reports it


def take_over_stdio() -> tuple[BinaryIO, BinaryIO]:
    """Returns private streams for the protocol and points fds 0/1 at /dev/null and stderr.

    Afterwards ``print``, ``sys.stdout`` and child processes that write to stdout reach stderr, and child
    processes cannot read the host's requests. The private descriptors are not inherited by children.
    """
    protocol_in = os.fdopen(os.dup(0), "rb")
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout.flush()  # whatever was printed before serve() now goes to stderr, not the protocol
    sys.stdout = sys.stderr
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the process
    return protocol_in, protocol_out


def _greet_humans() -> None:
    if not os.environ.get("DLTAF_PLUGIN") and sys.stdin.isatty():
        print(
            "This is a dltaf plugin: it speaks JSON-RPC on stdin/stdout (see protocol/PROTOCOL.md).\n"
            "Try `dltaf plugins describe SPEC`, or type a request line. Ctrl-D ends it.",
            file=sys.stderr,
        )


def serve_process(plugin: Plugin) -> int:
    """Serves ``plugin`` on this process's stdio; returns the exit status (0 at end of input).

    If handlers are still running when the session ends, the process exits at once with that status
    instead of returning, so a stuck handler thread cannot keep it alive.
    """
    _greet_humans()
    protocol_in, protocol_out = take_over_stdio()
    server = Server(plugin, protocol_in, protocol_out)
    bridge = logging_bridge.install(server.notify, plugin.log_level)

    def on_sigterm(signum: int, frame: Any) -> None:
        server.cancel_all("SIGTERM")
        sys.stderr.flush()
        os._exit(SIGTERM_EXIT_STATUS)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_sigterm)
    status = server.run()
    bridge.remove()
    sys.stderr.flush()
    if server.busy():
        os._exit(status)
    return status
