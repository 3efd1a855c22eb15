"""Lines a host should never send must not end a Python plugin's session: each gets its error, or is ignored."""

from __future__ import annotations

import sys

from demo_plugin import make_plugin
from helpers import DEMO_PLUGIN
from dltaf_plugin.testing import InMemoryHost


def test_deeply_nested_json_is_a_parse_error_not_a_crash() -> None:
    with InMemoryHost(make_plugin(heartbeat_seconds=None)) as host:
        host.initialize()
        host.send_line("[" * 100_000)
        assert host.response(None)["error"]["code"] == -32700
        assert host.call("shutdown") == {}


def test_a_cancel_with_an_id_no_request_can_have_is_ignored() -> None:
    with InMemoryHost(make_plugin(heartbeat_seconds=None)) as host:
        host.initialize()
        host.notify("cancel", {"id": [1]})
        host.notify("cancel", {"id": {"a": 1}})
        assert host.call("shutdown") == {}


def test_the_plugin_process_survives_both(spawn) -> None:
    plugin = spawn([sys.executable, DEMO_PLUGIN])
    plugin.initialize()
    plugin.send(b"[" * 100_000 + b"\n")
    assert plugin.response(None)[0]["error"]["code"] == -32700
    plugin.send({"jsonrpc": "2.0", "method": "cancel", "params": {"id": [1]}})
    assert plugin.call("shutdown")["result"] == {}
    plugin.close_stdin()
    assert plugin.wait() == 0
