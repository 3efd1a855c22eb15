import DltafJSON
import DltafTestSupport
import Foundation

/// A raw-protocol Python plugin (stdlib only, no SDK) that behaves well except where a scenario says otherwise.
///
/// Each hook below is Python code run at one point of the plugin's life, with these names in scope:
/// `send(message)`, `answer(i, result)`, `error(i, code, message, data=None)`, `notify(method, params)`,
/// `log(text)` (a stderr line), `record(file, text)` (appends a line), `spawn(*argv)` (a recorded child
/// process that inherits the plugin's stdout and stderr), `HELLO` (the default handshake answer), and inside
/// the message loop `message`, `method`, `i` (the request id) and `params`.
///
/// The plugin appends its pid (and every child's) to `pids.txt` in its working directory, which dltaf sets
/// to the manifest's folder; it notes request ids in `ids.txt` (`validate 2`, `run 3`), hook calls in
/// `hooks.log`, cancel notifications in `cancels.log`, and creates `run-started` when `runner/run` arrives.
struct FaultPlugin {
    /// The plugin's name in its handshake.
    var name = "fault-runner"
    /// Runner kinds it provides.
    var runners = ["fault"]
    /// Hook names it provides (for every event).
    var hooks: [String] = []
    /// Runs once at start, before anything is read from stdin.
    var atStart = ""
    /// Handles `initialize`.
    var onInitialize = "answer(i, HELLO)"
    /// Handles `runner/validate`.
    var onValidate = "answer(i, {\"diagnostics\": []})"
    /// Handles `runner/run`.
    var onRun = "answer(i, {\"status\": \"success\", \"message\": \"fault plugin done\"})"
    /// Handles the `cancel` notification (after it is recorded).
    var onCancel = "pass"
    /// Runs when stdin reaches end of file.
    var onEOF = "sys.exit(0)"

    /// The Python source.
    var source: String {
        let provides: JSONValue = [
            "runners": .array(runners.map { ["kind": .string($0)] }),
            "hooks": .array(
                hooks.map { ["name": .string($0), "events": ["pre_run", "post_run", "on_error"]] }),
            "checks": [],
        ]
        return #"""
            import base64, json, os, signal, subprocess, sys, time, urllib.parse

            def record(name, text):
                with open(name, "a") as handle:
                    handle.write(text + "\n")

            def send(message):
                sys.stdout.write(json.dumps(message) + "\n")
                sys.stdout.flush()

            def answer(i, result):
                send({"jsonrpc": "2.0", "id": i, "result": result})

            def error(i, code, message, data=None):
                payload = {"code": code, "message": message}
                if data is not None:
                    payload["data"] = data
                send({"jsonrpc": "2.0", "id": i, "error": payload})

            def notify(method, params):
                send({"jsonrpc": "2.0", "method": method, "params": params})

            def log(text):
                sys.stderr.write(text + "\n")
                sys.stderr.flush()

            def spawn(*argv):
                child = subprocess.Popen(list(argv))
                record("pids.txt", str(child.pid))
                return child

            HELLO = {
                "protocol_version": 1,
                "plugin": {"name": \#(JSONValue.string(name).jsonText), "version": "1.0.0"},
                "provides": json.loads(\#(JSONValue.string(provides.jsonText).jsonText)),
                "features": [],
            }

            record("pids.txt", str(os.getpid()))
            \#(Self.indent(atStart, 0))
            while True:
                line = sys.stdin.readline()
                if not line:
            \#(Self.indent(onEOF, 8))
                    continue
                message = json.loads(line)
                method = message.get("method", "")
                i = message.get("id")
                params = message.get("params") or {}
                if method == "initialize":
            \#(Self.indent(onInitialize, 8))
                elif method == "runner/validate":
                    record("ids.txt", "validate %d" % i)
            \#(Self.indent(onValidate, 8))
                elif method == "runner/run":
                    record("ids.txt", "run %d" % i)
                    open("run-started", "w").close()
            \#(Self.indent(onRun, 8))
                elif method.startswith("hook/"):
                    record("hooks.log", params.get("hook", "?") + ":" + method[len("hook/"):])
                    answer(i, {"ok": True})
                elif method == "cancel":
                    record("cancels.log", json.dumps(params))
            \#(Self.indent(onCancel, 8))
                elif method == "shutdown":
                    answer(i, {})
                elif i is not None:
                    error(i, -32601, "method not found: " + method)

            """#
    }

    /// The Python interpreter itself, not a version manager's shim (pyenv's costs a bash start per plugin, which
    /// is what a 1 s startup timeout on a loaded 2-core machine cannot afford). Plugins run it with `-S`: they
    /// need nothing outside the standard library.
    static let python: String = {
        // Once per test process, before any scenario starts a plugin: a short blocking wait is fine here.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-S", "-c", "import sys; sys.stdout.write(sys.executable)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "python3" }
        let path = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 && path.hasPrefix("/") ? path : "python3"
    }()

    /// `code` with every line indented by `spaces`.
    static func indent(_ code: String, _ spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        return code.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
    }

    /// Writes the plugin as a descriptor folder so that `spec` resolves under `plugins/`.
    func install(in workspace: Workspace, spec: String = "fault.runner") throws {
        let folder = "plugins/" + spec.split(separator: ".").joined(separator: "/")
        let descriptor: JSONValue = [
            "dltaf_plugin": 1, "command": [.string(Self.python), "-S", "${PLUGIN_DIR}/main.py"],
        ]
        try workspace.write(folder + "/dltaf-plugin.json", descriptor.jsonText)
        try workspace.write(folder + "/main.py", source)
    }

    /// A hook plugin providing the hook `audit` for every event; each call is noted in `hooks.log`.
    static func auditHooks(in workspace: Workspace) throws {
        try FaultPlugin(name: "fault-hooks", runners: [], hooks: ["audit"]).install(in: workspace, spec: "fault.hooks")
    }

    /// A bash plugin (an executable file) that ignores SIGTERM (`trap '' TERM`, inherited by its children),
    /// ignores the cancel notification and the end of its stdin, and never answers `runner/run`. It starts a
    /// grandchild `sleep 300` that ignores SIGTERM too. Only SIGKILL ends it.
    static func stubborn(in workspace: Workspace, spec: String = "fault.runner") throws {
        let hello =
            #"{"jsonrpc":"2.0","id":%s,"result":{"protocol_version":1,"plugin":{"name":"stubborn","version":"1.0.0"},"#
            + #""provides":{"runners":[{"kind":"fault"}],"hooks":[],"checks":[]},"features":[]}}\n"#
        let script = #"""
            #!/usr/bin/env bash
            trap '' TERM INT
            echo $$ >> pids.txt
            sleep 300 &
            echo $! >> pids.txt
            while :; do
              if ! IFS= read -r line; then
                echo "stdin closed; staying alive" >&2
                while :; do sleep 1; done
              fi
              head=${line%%\"params\"*}
              id=""
              method=""
              [[ $head =~ \"id\":([0-9]+) ]] && id=${BASH_REMATCH[1]}
              [[ $head =~ \"method\":\"([^\"]*)\" ]] && method=${BASH_REMATCH[1]}
              case $method in
                initialize) printf '\#(hello)' "$id" ;;
                runner/validate) printf '{"jsonrpc":"2.0","id":%s,"result":{"diagnostics":[]}}\n' "$id" ;;
                runner/run) echo "run $id" >> ids.txt; : > run-started; echo "working forever" >&2 ;;
                cancel) echo "$line" >> cancels.log; echo "cancel ignored" >&2 ;;
                shutdown) printf '{"jsonrpc":"2.0","id":%s,"result":{}}\n' "$id" ;;
              esac
            done

            """#
        try workspace.write("plugins/" + spec.split(separator: ".").joined(separator: "/"), script, executable: true)
    }
}

/// Manifests for the fault scenarios.
enum FaultManifest {
    /// A manifest whose runner is `fault.runner` (kind `fault`), with extra YAML under `source:` and `run:`.
    static func text(source: String = "", run: String = "") -> String {
        func nested(_ yaml: String) -> String {
            yaml.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        }
        return """
            version: 1
            pipeline:
              name: dlt__fault__to__test__raw
              destination: test
              dataset: raw
            source:
              kind: fault
            \(nested(source))
            run:
              runners:
                plugins: [fault.runner]
            \(nested(run))

            """
    }

    /// `run:` YAML that enables the `audit` hook of `fault.hooks`.
    static let auditHook = "hooks: {enable: [audit], plugins: [fault.hooks]}"
}
