import DltafJSON
import DltafTestSupport
import Foundation
import Testing

// Serialized: each kit run starts about twenty plugin processes, and the samples' timing is part of what is checked.
@Suite("dltaf plugins test: every sample conforms; the kit catches what it should", .serialized)
struct ConformanceKitTests {
    /// Every sample plugin's spec: folders with a descriptor and executables under samples/plugins, and the
    /// Swift samples built as `dltaf-plugin-samples-swift-*`.
    static let sampleSpecs: [String] = {
        let root = TestPaths.repoRoot.appendingPathComponent("samples/plugins").path
        var specs: [String] = []
        let walker = FileManager.default.enumerator(atPath: root)
        while let relative = walker?.nextObject() as? String {
            let path = (root as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if relative.hasSuffix("/dltaf-plugin.json") {
                specs.append((relative as NSString).deletingLastPathComponent.replacingOccurrences(of: "/", with: "."))
            } else if !isDirectory.boolValue, FileManager.default.isExecutableFile(atPath: path),
                !relative.contains("."), !relative.split(separator: "/").contains(where: { $0.hasPrefix("_") })
            {
                specs.append(relative.replacingOccurrences(of: "/", with: "."))
            }
        }
        let binaries = (try? FileManager.default.contentsOfDirectory(atPath: TestPaths.binDirectory.path)) ?? []
        specs += binaries.filter { $0.hasPrefix("dltaf-plugin-samples-swift-") && !$0.contains(".") }.map {
            "samples.swift." + $0.dropFirst("dltaf-plugin-samples-swift-".count)
        }
        return specs.sorted()
    }()

    @Test("each sample plugin passes every scenario", arguments: sampleSpecs)
    func sampleConforms(spec: String) async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let output = try await workspace.dltaf(
            ["plugins", "test", spec, "--json"],
            environment: ["DLTAF_PLUGIN_PATH": TestPaths.repoRoot.appendingPathComponent("samples/plugins").path],
            timeout: 120)
        let report = try output.json()
        let failing = (report["scenarios"]?.arrayValue ?? []).filter { $0["verdict"] != "pass" }
            .map { "\($0["name"]?.stringValue ?? "?"): \($0["detail"]?.stringValue ?? "")" }
        #expect(output.status == 0, "\(failing) \(output.stderr)")
        #expect(failing.isEmpty, "\(failing)")
        #expect(report["scenarios"]?.arrayValue?.count == 18)
    }

    @Test("the Swift and Python samples start fast enough (reported by the kit)")
    func handshakeTimes() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        for spec in ["samples.swift.noop_runner", "samples.python.audit_hook"] {
            let output = try await workspace.dltaf(
                ["plugins", "test", spec, "--json"],
                environment: ["DLTAF_PLUGIN_PATH": TestPaths.repoRoot.appendingPathComponent("samples/plugins").path])
            let scenario = try output.json()["scenarios"]?.arrayValue?.first { $0["name"] == "handshake_time" }
            #expect(scenario?["detail"]?.stringValue?.hasPrefix("median ") == true)
        }
    }

    /// A plugin with one flaw: it ignores SIGTERM (and otherwise follows the protocol).
    static let stubborn = """
        #!/bin/bash
        trap '' TERM
        initialized=false
        while IFS= read -r line; do
          id=$(jq -r '.id // empty' <<<"$line"); method=$(jq -r '.method' <<<"$line")
          if [[ $initialized == false && $method != initialize && -n $id ]]; then
            echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"error\\":{\\"code\\":-32001,\\"message\\":\\"not initialized\\"}}"
            continue
          fi
          case $method in
            initialize)
              if [[ $(jq -c '.params.protocol_versions' <<<"$line") != *1* ]]; then
                echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"error\\":{\\"code\\":-32002,\\"message\\":\\"no\\",\\"data\\":{\\"supported\\":[1]}}}"
                continue
              fi
              initialized=true
              echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"result\\":{\\"protocol_version\\":1,\\"plugin\\":{\\"name\\":\\"stubborn\\",\\"version\\":\\"1\\"},\\"provides\\":{\\"checks\\":[{\\"name\\":\\"stubborn\\"}]}}}";;
            check/applies) echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"result\\":{\\"applies\\":true}}";;
            check/run) echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"result\\":{\\"ok\\":true,\\"errors\\":[],\\"warnings\\":[]}}";;
            shutdown) echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"result\\":{}}";;
            *) [[ -n $id ]] && echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"error\\":{\\"code\\":-32601,\\"message\\":\\"no\\"}}";;
          esac
        done
        """

    /// A runner that speaks data.v1 carelessly: it writes to a stream before opening it, a row narrower than its
    /// columns and a file outside the spool folder, calls an unknown method with an id it already used, and reports
    /// success whatever the host answered.
    static let careless = """
        #!/bin/bash
        while IFS= read -r line; do
          id=$(jq -r '.id // empty' <<<"$line"); method=$(jq -r '.method' <<<"$line")
          case $method in
            initialize)
              echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"result\\":{\\"protocol_version\\":1,\\"plugin\\":{\\"name\\":\\"careless\\",\\"version\\":\\"1\\"},\\"provides\\":{\\"runners\\":[{\\"kind\\":\\"careless\\"}]},\\"features\\":[\\"data.v1\\"]}}";;
            runner/validate) echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"result\\":{\\"diagnostics\\":[]}}";;
            runner/run)
              if [[ $(jq -r '.params.data.spool_dir // empty' <<<"$line") != "" ]]; then
                for request in \\
                  '"id":1,"method":"data/write","params":{"stream":"s","rows":{"columns":["a"],"values":[[1]]}}' \\
                  '"id":2,"method":"data/open","params":{"stream":"s"}' \\
                  '"id":3,"method":"data/write","params":{"stream":"s","rows":{"columns":["a","b"],"values":[[1]]}}' \\
                  '"id":4,"method":"data/write","params":{"stream":"s","file":{"path":"/etc/hostname","format":"csv"}}' \\
                  '"id":2,"method":"data/frobnicate","params":{}'; do
                  echo "{\\"jsonrpc\\":\\"2.0\\",$request}"
                  IFS= read -r answer
                done
              fi
              echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"result\\":{\\"status\\":\\"success\\"}}";;
            shutdown) echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"result\\":{}}";;
            *) [[ -n $id ]] && echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"error\\":{\\"code\\":-32601,\\"message\\":\\"no\\"}}";;
          esac
        done
        """

    @Test("the data scenarios name each request a host refuses, and a success after a failed write")
    func dataFlaws() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("plugins/acme/careless", Self.careless, executable: true)
        let output = try await workspace.dltaf(["plugins", "test", "acme.careless", "--json"], timeout: 120)
        #expect(output.status == 1)
        let scenarios = Dictionary(
            uniqueKeysWithValues: (try output.json()["scenarios"]?.arrayValue ?? []).compactMap { scenario in
                scenario["name"]?.stringValue.map { ($0, scenario) }
            })
        let requests = scenarios["data_requests"]?["detail"]?.stringValue ?? ""
        #expect(scenarios["data_requests"]?["verdict"] == "fail")
        for expected in [
            "data/write (request 1, id 1): stream \"s\" was not opened",
            "data/write (request 3, id 3): stream \"s\": row 0 has 1 values for 2 columns",
            "data/write (request 4, id 4): stream \"s\": /etc/hostname is not a regular file directly inside",
            "data/frobnicate (request 5, id 2): id 2 was already used", "method not found: data/frobnicate",
        ] {
            #expect(requests.contains(expected), "\(requests)")
        }
        #expect(scenarios["data_resume"]?["verdict"] == "fail")
        let error = scenarios["data_error"]?["detail"]?.stringValue ?? ""
        #expect(scenarios["data_error"]?["verdict"] == "fail")
        #expect(error.contains("answered success"), "\(error)")
        #expect(scenarios["runner_answers"]?["verdict"] == "pass")
    }

    @Test("a flaw fails its scenarios; a baseline accepts known failures and rejects stale ones")
    func baseline() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("plugins/acme/stubborn", Self.stubborn, executable: true)
        let plain = try await workspace.dltaf(["plugins", "test", "acme.stubborn", "--json"], timeout: 120)
        #expect(plain.status == 1)
        let verdicts = Dictionary(
            uniqueKeysWithValues: (try plain.json()["scenarios"]?.arrayValue ?? []).compactMap { scenario in
                scenario["name"]?.stringValue.map { ($0, scenario["verdict"]?.stringValue ?? "") }
            })
        #expect(verdicts["exit_on_eof"] == "pass")
        #expect(verdicts["exit_on_sigterm"] == "fail")
        #expect(verdicts["handshake"] == "pass")
        #expect(verdicts["check_answers"] == "pass")
        try workspace.write("baseline.txt", "# known\nexit_on_sigterm  # ignores TERM\n")
        let known = try await workspace.dltaf(
            ["plugins", "test", "acme.stubborn", "--baseline", "baseline.txt"], timeout: 120)
        #expect(known.status == 0, "\(known.stdout)")
        #expect(known.stdout.contains("KNOWN exit_on_sigterm"))
        try workspace.write("stale.txt", "exit_on_sigterm\nhandshake\n")
        let stale = try await workspace.dltaf(
            ["plugins", "test", "acme.stubborn", "--baseline", "stale.txt"], timeout: 120)
        #expect(stale.status == 1)
        #expect(stale.stdout.contains("STALE handshake"))
    }
}
