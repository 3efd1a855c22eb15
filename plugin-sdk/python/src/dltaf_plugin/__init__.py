"""Write dltaf plugins in Python.

A plugin registers handlers on a :class:`Plugin` and calls :meth:`Plugin.serve`; the SDK speaks the
JSON-RPC protocol of ``protocol/PROTOCOL.md`` on stdin/stdout::

    from dltaf_plugin import Plugin, Call

    plugin = Plugin(name="audit-hook", version="1.0.0")

    @plugin.hook("audit_file", events=("pre_run",))
    def audit(call: Call) -> None:
        call.log("info", f"run {call.context.get('run_id')} starts")

    if __name__ == "__main__":
        plugin.serve()

Unit-test handlers in-process with :class:`dltaf_plugin.testing.InMemoryHost`.
"""

from .call import Call
from .diagnostic import Diagnostic
from .errors import Cancelled, DataError, DataUnsupported, PluginError, RpcError
from .plugin import HOOK_EVENTS, Plugin

__all__ = [
    "Call",
    "Cancelled",
    "DataError",
    "DataUnsupported",
    "Diagnostic",
    "HOOK_EVENTS",
    "Plugin",
    "PluginError",
    "RpcError",
]
__version__ = "0.1.0"
