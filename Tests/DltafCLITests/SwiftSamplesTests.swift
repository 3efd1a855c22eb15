import DltafJSON
import DltafTestSupport
import Foundation
import Testing

@Suite("the Swift sample hook and check in a real run")
struct SwiftSamplesTests {
    @Test("the audit hook writes a line per event and the port check probes a listening and a closed port")
    func hookAndCheck() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let listener = try LoopbackListener()
        defer { listener.close() }
        let closed = try closedPort()
        let manifest = """
            version: 1
            pipeline: {name: dlt__swift__to__test__raw, destination: test, dataset: raw}
            source: {kind: noop}
            run:
              runners: {plugins: [samples.swift.noop_runner]}
              hooks:
                enable: [swift_audit]
                plugins: [samples.swift.audit_hook]
                config: {swift_audit: {path: out/audit.jsonl}}
              online_checks:
                plugins: [samples.swift.port_check]
                config: {swift_port: {endpoints: ["127.0.0.1:\(listener.port)"]}}

            """
        try workspace.write("m.yaml", manifest)
        let output = try await workspace.dltaf(["exec", "m.yaml", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let result = try output.json()
        let probe = result["checks"]?["results"]?["swift_port"]?["details"]?["results"]?[0]
        #expect(probe?["ok"] == true)
        #expect(probe?["latency_ms"]?.doubleValue != nil)
        let audit = workspace.read("out/audit.jsonl").split(separator: "\n").map { try? JSONParser.parse(String($0)) }
        #expect(audit.map { $0?["event"]?.stringValue } == ["pre_run", "post_run"])
        #expect(audit.last??["status"] == "success")
        try workspace.write("c.yaml", manifest.replacingOccurrences(of: "\(listener.port)", with: "\(closed)"))
        let failing = try await workspace.dltaf(["exec", "c.yaml", "--json"])
        #expect(failing.status == 3)
        #expect(try failing.json()["checks"]?["errors"]?[0]?.stringValue?.hasPrefix("swift_port: 127.0.0.1:") == true)
    }
}
