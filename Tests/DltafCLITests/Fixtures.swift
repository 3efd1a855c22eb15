import DltafTestSupport

/// Plugins and manifests shared by the CLI tests.
enum Fixtures {
    /// A runner for kind `acme`: records each call in `calls.log`, returns `source.rows` rows and
    /// `source.status` (default success); validate rejects a non-integer `source.rows` at `/source/rows`.
    static let runnerBody = """
        def record(call, what):
            with open(os.path.join(call.context["manifest_dir"], "calls.log"), "a") as log:
                log.write(what + "\\n")

        @plugin.validator("acme")
        def validate(call):
            record(call, "runner:validate")
            rows = call.manifest["source"].get("rows", 0)
            if not isinstance(rows, int):
                return [{"severity": "error", "message": "source.rows must be an integer", "path": "/source/rows", "code": "bad_rows"}]
            return []

        @plugin.runner("acme")
        def run(call):
            record(call, "runner:run")
            source = call.manifest["source"]
            call.state({"cursor": source.get("rows", 0)})
            return {"status": source.get("status", "success"), "message": "acme loaded", "load_metrics": {"rows_count": source.get("rows", 0)}}
        """

    /// Hooks `first` and `second`: each appends `name:event` to `calls.log`; `second` vetoes when config.veto.
    static let hooksBody = """
        def record(call, what):
            with open(os.path.join(call.context["manifest_dir"], "calls.log"), "a") as log:
                log.write(what + "\\n")

        @plugin.hook("first")
        def first(call):
            record(call, "first:" + call.event)

        @plugin.hook("second")
        def second(call):
            record(call, "second:" + call.event)
            if call.event == "pre_run" and call.config.get("veto"):
                return False, "second says no"
        """

    /// A manifest for kind `acme` with optional extra YAML under `run:` and under `source:`.
    static func manifest(run: String = "", source: String = "", name: String = "dlt__acme__to__test__raw") -> String {
        """
        version: 1
        pipeline:
          name: \(name)
          destination: test
          dataset: raw
        source:
          kind: acme
        \(source.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        run:
          runners:
            plugins: [acme.runner]
        \(run.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

        """
    }

    /// A workspace with the acme runner and hooks installed under `plugins/`.
    static func workspace() throws -> Workspace {
        let workspace = try Workspace()
        try workspace.pythonPlugin(spec: "acme.runner", name: "acme-runner", body: runnerBody)
        try workspace.pythonPlugin(spec: "acme.hooks", name: "acme-hooks", body: hooksBody)
        return workspace
    }
}
