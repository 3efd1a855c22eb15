/// The files of a Python plugin: `main.py` (using `dltaf_plugin`) and `test_plugin.py` (using
/// `dltaf_plugin.testing.InMemoryHost`, runnable with `python3 test_plugin.py` or pytest).
///
/// Placeholders: `{{spec}}`, `{{name}}`, `{{plugin_name}}`, `{{description}}`, `{{sdk_literal}}` (the SDK's
/// `src` folder as a Python string literal).
enum PythonTemplates {
    static func source(_ kind: ScaffoldKind) -> Template {
        switch kind {
        case .runner: Template("python/main.py (runner)", runner)
        case .hook: Template("python/main.py (hook)", hook)
        case .check: Template("python/main.py (check)", check)
        }
    }

    static func test(_ kind: ScaffoldKind) -> Template {
        switch kind {
        case .runner: Template("python/test_plugin.py (runner)", testPrelude + runnerTest + testMain)
        case .hook: Template("python/test_plugin.py (hook)", testPrelude + hookTest + testMain)
        case .check: Template("python/test_plugin.py (check)", testPrelude + checkTest + testMain)
        }
    }

    static let runner = #"""
        """{{spec}}: a dltaf runner of kind `{{name}}`.

        It counts the lines of the local file named by `source.path` (relative to the manifest's folder) and
        reports them as rows. Replace the body of `run` with your load; keep `validate` honest.
        """

        from __future__ import annotations

        import logging
        import os
        from typing import Any

        from dltaf_plugin import Call, Diagnostic, Plugin, PluginError

        plugin = Plugin(name="{{plugin_name}}", version="0.1.0", description="{{description}}")
        log = logging.getLogger("{{name}}")


        def _source(call: Call) -> dict[str, Any]:
            source = call.manifest.get("source")
            return source if isinstance(source, dict) else {}


        @plugin.validator("{{name}}")
        def validate(call: Call) -> list[Diagnostic]:
            """Every problem of the manifest, each with the JSON Pointer of the key at fault."""
            found = []
            path = _source(call).get("path")
            if not isinstance(path, str) or not path:
                found.append(
                    Diagnostic.error(
                        "source.path is required: the local file to load", path="/source/path", code="{{name}}.missing_path"
                    )
                )
            return found


        @plugin.runner("{{name}}")
        def run(call: Call) -> dict[str, Any]:
            """Counts the lines of the file at source.path."""
            path = _source(call).get("path")
            if not isinstance(path, str) or not path:
                raise PluginError("source.path is required", category="CONFIG", code="{{name}}.missing_path")
            full_path = os.path.join(call.context.get("manifest_dir") or ".", path)
            try:
                handle = open(full_path, "rb")
            except OSError as error:
                raise PluginError(f"cannot read {full_path}: {error.strerror}", category="DATA", code="{{name}}.unreadable")
            lines = 0
            with handle:
                for lines, _ in enumerate(handle, start=1):
                    if lines % 10_000 == 0:
                        call.raise_if_cancelled()  # answers -32800 when dltaf cancels the run
                        call.progress(current=lines, unit="lines")
            call.progress(current=lines, total=lines, unit="lines")
            log.info("counted %d lines in %s", lines, full_path)  # becomes a `log` notification
            return {
                "status": "success",
                "message": f"{lines} lines in {path}",
                "load_metrics": {"rows_count": lines, "tables_count": 1},
            }


        if __name__ == "__main__":
            plugin.serve()

        """#

    static let hook = #"""
        """{{spec}}: a dltaf hook named `{{name}}`.

        On every run event (pre_run, post_run, on_error) it appends one JSON line to the file at `config.path`
        (relative to the manifest's folder). Configure it under `run.hooks.config.{{name}}` and enable it with
        `run.hooks.enable: [{{name}}]`. Return `(False, "why")` from `pre_run` to veto a run.
        """

        from __future__ import annotations

        import json
        import logging
        import os

        from dltaf_plugin import Call, Plugin, PluginError

        plugin = Plugin(name="{{plugin_name}}", version="0.1.0", description="{{description}}")
        log = logging.getLogger("{{name}}")


        @plugin.hook("{{name}}", events=("pre_run", "post_run", "on_error"))
        def handle(call: Call) -> None:
            """Appends one JSON line per run event to config.path."""
            path = call.config.get("path")
            if not isinstance(path, str) or not path:
                raise PluginError(
                    "{{name}}: config.path is required (run.hooks.config.{{name}}.path)",
                    category="CONFIG",
                    code="{{name}}.missing_path",
                )
            full_path = os.path.join(call.context.get("manifest_dir") or ".", path)
            pipeline = call.context.get("pipeline") or {}
            entry = {"event": call.event, "run_id": call.context.get("run_id"), "pipeline": pipeline.get("name")}
            if isinstance(call.result, dict) and "status" in call.result:
                entry["status"] = call.result["status"]
            if call.error is not None:
                entry["error"] = call.error.get("message")
            try:
                os.makedirs(os.path.dirname(full_path) or ".", exist_ok=True)
                with open(full_path, "a", encoding="utf-8") as events:
                    events.write(json.dumps(entry) + "\n")
            except OSError as error:
                raise PluginError(f"cannot append to {full_path}: {error.strerror}", category="CONFIG")
            log.info("%s of pipeline %s written to %s", call.event, entry["pipeline"], full_path)


        if __name__ == "__main__":
            plugin.serve()

        """#

    static let check = #"""
        """{{spec}}: a dltaf online check named `{{name}}`.

        It opens a TCP connection to each `host:port` of `config.endpoints` (under
        `run.online_checks.config.{{name}}`) and reports each latency. It applies when endpoints are configured.
        Each probe waits at most `config.timeout_seconds`, or the check's own budget (at most 5 s).
        """

        from __future__ import annotations

        import socket
        import time
        from concurrent.futures import ThreadPoolExecutor
        from typing import Any, Optional, Union

        from dltaf_plugin import Call, Plugin

        plugin = Plugin(name="{{plugin_name}}", version="0.1.0", description="{{description}}")


        def _endpoints(call: Call) -> list[Any]:
            endpoints = call.config.get("endpoints")
            return endpoints if isinstance(endpoints, list) else []


        def _parse(endpoint: Any) -> Optional[tuple[str, int]]:
            """`host:port` (IPv6 as `[::1]:443`) as (host, port), or None."""
            if not isinstance(endpoint, str):
                return None
            host, _, port = endpoint.rpartition(":")
            host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                return None
            return host, int(port)


        def _probe(endpoint: Any, timeout: float) -> Union[float, str]:
            """The milliseconds a TCP connect to `endpoint` took, or why it failed."""
            address = _parse(endpoint)
            if address is None:
                return f"{endpoint!r} is not host:port"
            started = time.monotonic()
            try:
                with socket.create_connection(address, timeout=timeout):
                    pass
            except OSError as error:
                return f"{endpoint}: {error.strerror or error}"
            return round((time.monotonic() - started) * 1000, 1)


        @plugin.applies("{{name}}")
        def applies(call: Call) -> tuple[bool, str]:
            if _endpoints(call):
                return True, "endpoints are configured"
            return False, "no endpoints in run.online_checks.config.{{name}}.endpoints"


        @plugin.check("{{name}}")
        def check(call: Call) -> dict[str, Any]:
            """Opens a TCP connection to each configured host:port and reports the latency."""
            endpoints = _endpoints(call)
            if not endpoints:
                return {
                    "ok": False,
                    "errors": ["no endpoints configured: set run.online_checks.config.{{name}}.endpoints to [host:port, ...]"],
                }
            limit = call.config.get("timeout_seconds")
            timeout = float(limit) if isinstance(limit, (int, float)) else min(call.timeout_seconds or 5.0, 5.0)
            with ThreadPoolExecutor(max_workers=min(len(endpoints), 16)) as pool:
                outcomes = list(pool.map(lambda endpoint: _probe(endpoint, timeout), endpoints))
            errors = [outcome for outcome in outcomes if isinstance(outcome, str)]
            latency = {str(e): o for e, o in zip(endpoints, outcomes) if not isinstance(o, str)}
            return {"ok": not errors, "errors": errors, "warnings": [], "details": {"latency_ms": latency}}


        if __name__ == "__main__":
            plugin.serve()

        """#

    static let testPrelude = #"""
        """Tests of {{spec}}, in-process with the SDK's InMemoryHost.

        Run: python3 test_plugin.py   (or: python3 -m pytest test_plugin.py, with the SDK on PYTHONPATH)
        """

        from __future__ import annotations

        import os
        import sys
        import tempfile

        try:
            import dltaf_plugin  # noqa: F401
        except ImportError:  # not installed: use the SDK of the dltaf checkout this plugin was generated from
            sys.path.insert(0, {{sdk_literal}})

        from dltaf_plugin import RpcError
        from dltaf_plugin.testing import InMemoryHost, default_context

        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from main import plugin  # noqa: E402

        """#

    static let runnerTest = #"""

        def test_handshake_advertises_the_runner() -> None:
            with InMemoryHost(plugin) as host:
                provides = host.initialize()["provides"]
                assert [runner["kind"] for runner in provides["runners"]] == ["{{name}}"]


        def test_an_empty_manifest_gets_a_located_error() -> None:
            with InMemoryHost(plugin) as host:
                host.initialize()
                result = host.call("runner/validate", {"kind": "{{name}}", "manifest": {}})
                errors = [d for d in result["diagnostics"] if d["severity"] == "error"]
                assert errors and errors[0]["path"] == "/source/path", result


        def test_run_counts_the_lines_of_the_file() -> None:
            with tempfile.TemporaryDirectory() as folder:
                with open(os.path.join(folder, "data.txt"), "w", encoding="utf-8") as data:
                    data.write("a\nb\nc\n")
                manifest = {"source": {"kind": "{{name}}", "path": "data.txt"}}
                with InMemoryHost(plugin) as host:
                    host.initialize()
                    params = {"kind": "{{name}}", "manifest": manifest, "context": default_context(manifest_dir=folder)}
                    assert host.call("runner/validate", params)["diagnostics"] == []
                    result = host.call("runner/run", params)
                    assert result["status"] == "success", result
                    assert result["load_metrics"]["rows_count"] == 3
                    assert host.notifications_of("progress")


        def test_a_missing_file_fails_with_a_category() -> None:
            with tempfile.TemporaryDirectory() as folder:
                manifest = {"source": {"kind": "{{name}}", "path": "missing.txt"}}
                with InMemoryHost(plugin) as host:
                    host.initialize()
                    try:
                        host.call(
                            "runner/run",
                            {"kind": "{{name}}", "manifest": manifest, "context": default_context(manifest_dir=folder)},
                        )
                    except RpcError as error:
                        assert error.code == -32000 and error.data["category"] == "DATA", error
                    else:
                        raise AssertionError("a missing file must fail the run")

        """#

    static let hookTest = #"""

        def test_handshake_advertises_the_hook() -> None:
            with InMemoryHost(plugin) as host:
                hooks = host.initialize()["provides"]["hooks"]
                assert [(hook["name"], hook["events"]) for hook in hooks] == [
                    ("{{name}}", ["pre_run", "post_run", "on_error"])
                ]


        def test_each_event_appends_a_line() -> None:
            with tempfile.TemporaryDirectory() as folder:
                params = {"hook": "{{name}}", "config": {"path": "events.log"}, "context": default_context(manifest_dir=folder)}
                with InMemoryHost(plugin) as host:
                    host.initialize()
                    host.call("hook/pre_run", params)
                    host.call("hook/post_run", {**params, "result": {"status": "success"}})
                    error = {"message": "boom", "category": "UNKNOWN", "code": "x"}
                    assert host.call("hook/on_error", {**params, "error": error})["ok"] is True
                with open(os.path.join(folder, "events.log"), encoding="utf-8") as events:
                    lines = events.read().splitlines()
                assert len(lines) == 3 and '"post_run"' in lines[1], lines


        def test_a_missing_path_is_a_config_error() -> None:
            with InMemoryHost(plugin) as host:
                host.initialize()
                try:
                    host.call("hook/pre_run", {"hook": "{{name}}", "config": {}})
                except RpcError as error:
                    assert error.code == -32000 and error.data["category"] == "CONFIG", error
                else:
                    raise AssertionError("a hook without config.path must fail")

        """#

    static let checkTest = #"""
        import socket


        def test_handshake_advertises_the_check() -> None:
            with InMemoryHost(plugin) as host:
                checks = host.initialize()["provides"]["checks"]
                assert [check["name"] for check in checks] == ["{{name}}"]


        def test_an_open_port_passes_with_its_latency() -> None:
            with socket.create_server(("127.0.0.1", 0)) as server:
                endpoint = f"127.0.0.1:{server.getsockname()[1]}"
                with InMemoryHost(plugin) as host:
                    host.initialize()
                    config = {"endpoints": [endpoint]}
                    assert host.call("check/applies", {"check": "{{name}}", "config": config})["applies"] is True
                    result = host.call("check/run", {"check": "{{name}}", "config": config, "timeout_seconds": 2})
            assert result["ok"] is True, result
            assert endpoint in result["details"]["latency_ms"]


        def test_a_closed_port_fails() -> None:
            with socket.create_server(("127.0.0.1", 0)) as server:
                port = server.getsockname()[1]
            with InMemoryHost(plugin) as host:
                host.initialize()
                config = {"endpoints": [f"127.0.0.1:{port}", "not-an-endpoint"]}
                result = host.call("check/run", {"check": "{{name}}", "config": config, "timeout_seconds": 2})
            assert result["ok"] is False and len(result["errors"]) == 2, result


        def test_without_endpoints_it_does_not_apply_and_fails() -> None:
            with InMemoryHost(plugin) as host:
                host.initialize()
                assert host.call("check/applies", {"check": "{{name}}"})["applies"] is False
                result = host.call("check/run", {"check": "{{name}}"})
            assert result["ok"] is False and result["errors"], result

        """#

    static let testMain = #"""

        if __name__ == "__main__":
            tests = [test for name, test in list(globals().items()) if name.startswith("test_") and callable(test)]
            for test in tests:
                test()
                print(f"ok  {test.__name__}")
            print(f"{len(tests)} tests passed")

        """#

    /// How to run the test, for the README (from the plugin folder).
    static let testCommand = "python3 test_plugin.py"

    /// More about the test, for the README.
    static let testNote = #"""
        The test puts the SDK on `sys.path` when `dltaf_plugin` is not installed. It also runs under pytest:
        `PYTHONPATH={{sdk_shell}} python3 -m pytest -q test_plugin.py`.
        """#

    /// How to install it on `PATH`, for the README. Placeholders: `{{installed_name}}`, `{{folder_shell}}`,
    /// `{{sdk_shell}}`.
    static let install = #"""
        ```sh
        mkdir -p ~/.local/bin
        cat > ~/.local/bin/{{installed_name}} <<'EOF'
        #!/bin/sh
        PYTHONPATH={{sdk_shell}} exec python3 {{folder_shell}}/main.py "$@"
        EOF
        chmod 755 ~/.local/bin/{{installed_name}}
        ```

        To ship the plugin elsewhere, package it with the SDK (`pip install plugin-sdk/python` from a dltaf
        checkout) as a dependency and a console script named `{{installed_name}}` that calls `main:plugin.serve`.
        """#
}
