import DltafPluginHost
import DltafProtocol
import Foundation
import Testing

@Suite("PluginEnvironment")
struct EnvironmentTests {
    private let parent: [String: String] = [
        "PATH": "/usr/local/bin:/usr/bin",
        "HOME": "/home/dltaf",
        "LANG": "en_US.UTF-8",
        "TZ": "UTC",
        "TMPDIR": "/var/tmp",
        "USER": "dltaf",
        "TERM": "xterm",
        "LC_ALL": "C.UTF-8",
        "LC_TIME": "en_GB.UTF-8",
        "SECRET_TOKEN": "s3cret",
        "AWS_SECRET_ACCESS_KEY": "aws",
        "DLTAF_PLUGIN_PATH": "/plugins",
        "LCX": "not an LC_ variable",
        "path": "lower-case is another variable",
        "SHELL": "/bin/bash",
    ]

    private let plugin = ResolvedPlugin(
        spec: .dotted(["team", "audit"]), delivery: .pluginPathDescriptor,
        location: "/plugins/team/audit/dltaf-plugin.json",
        executable: "python3", arguments: ["/plugins/team/audit/main.py"],
        environment: ["PYTHONPATH": "/plugins/team/audit", "LANG": "C"], pluginDirectory: "/plugins/team/audit")

    private var protocolVariables: [String: String] {
        [
            "DLTAF_PLUGIN": "1",
            "DLTAF_PROTOCOL_VERSIONS": DltafProtocol.supportedVersions.map(String.init).joined(separator: ","),
            "DLTAF_PLUGIN_SPEC": "team.audit",
            "DLTAF_PLUGIN_DIR": "/plugins/team/audit",
            "DLTAF_RUN_ID": "run-42",
        ]
    }

    @Test func onlyAllowlistedAndLocaleVariablesPass() {
        let bare = ResolvedPlugin(
            spec: .dotted(["team", "audit"]), delivery: .pluginPathExecutable, location: "/plugins/team/audit",
            executable: "/plugins/team/audit", pluginDirectory: "/plugins/team")
        let environment = PluginEnvironment.build(parent: parent, plugin: bare, runID: "run-42")
        var expected: [String: String] = [
            "PATH": "/usr/local/bin:/usr/bin",
            "HOME": "/home/dltaf",
            "LANG": "en_US.UTF-8",
            "TZ": "UTC",
            "TMPDIR": "/var/tmp",
            "USER": "dltaf",
            "TERM": "xterm",
            "LC_ALL": "C.UTF-8",
            "LC_TIME": "en_GB.UTF-8",
        ]
        expected.merge(protocolVariables) { _, new in new }
        expected["DLTAF_PLUGIN_DIR"] = "/plugins/team"
        #expect(environment == expected)
        #expect(environment["SECRET_TOKEN"] == nil)
        #expect(environment["AWS_SECRET_ACCESS_KEY"] == nil)
        #expect(environment["DLTAF_PLUGIN_PATH"] == nil)
        #expect(environment["LCX"] == nil)
        #expect(environment["path"] == nil)
    }

    @Test func descriptorVariablesAndGrantsAreAdded() {
        let environment = PluginEnvironment.build(
            parent: parent, plugin: plugin, runID: "run-42",
            granted: ["API_KEY": "granted-key", "PYTHONPATH": "/granted", "SECRET_TOKEN": "for-this-plugin"])
        #expect(environment["PYTHONPATH"] == "/granted")
        #expect(environment["LANG"] == "C")
        #expect(environment["API_KEY"] == "granted-key")
        #expect(environment["SECRET_TOKEN"] == "for-this-plugin")
        #expect(environment["AWS_SECRET_ACCESS_KEY"] == nil)
        for (key, value) in protocolVariables {
            #expect(environment[key] == value, "\(key)")
        }
    }

    @Test func protocolVariablesCannotBeOverridden() {
        let sneaky = ResolvedPlugin(
            spec: .path("/x/tool"), delivery: .explicitPath, location: "/x/tool", executable: "/x/tool",
            environment: ["DLTAF_RUN_ID": "from-descriptor", "DLTAF_PLUGIN": "0"], pluginDirectory: "/x")
        let environment = PluginEnvironment.build(
            parent: ["DLTAF_PLUGIN_SPEC": "parent"], plugin: sneaky, runID: "real-run",
            granted: ["DLTAF_PLUGIN_DIR": "/granted"], inheritAll: true)
        #expect(environment["DLTAF_RUN_ID"] == "real-run")
        #expect(environment["DLTAF_PLUGIN"] == "1")
        #expect(environment["DLTAF_PLUGIN_SPEC"] == "/x/tool")
        #expect(environment["DLTAF_PLUGIN_DIR"] == "/x")
    }

    @Test func missingParentPathFallsBack() {
        let environment = PluginEnvironment.build(parent: ["HOME": "/h"], plugin: plugin, runID: "r")
        #expect(environment["PATH"] == PluginEnvironment.fallbackPath)
        #expect(PluginEnvironment.fallbackPath == "/usr/local/bin:/usr/bin:/bin")
    }

    @Test func inheritAllPassesEverything() {
        let environment = PluginEnvironment.build(parent: parent, plugin: plugin, runID: "run-42", inheritAll: true)
        for (key, value) in parent where key != "LANG" {
            #expect(environment[key] == value, "\(key)")
        }
        #expect(environment["LANG"] == "C")
        #expect(environment["SECRET_TOKEN"] == "s3cret")
        #expect(environment.count == parent.count + 1 + protocolVariables.count)
    }

    @Test func allowlistIsExactlyTheDocumentedSet() {
        #expect(PluginEnvironment.allowlist == ["PATH", "HOME", "LANG", "TZ", "TMPDIR", "USER", "TERM"])
    }
}

@Suite("PluginEnvironment.launch")
struct LaunchTests {
    private func plugin(executable: String, location: String = "/plugins/p/dltaf-plugin.json") -> ResolvedPlugin {
        ResolvedPlugin(
            spec: .dotted(["p"]), delivery: .pluginPathDescriptor, location: location, executable: executable,
            arguments: ["--flag", "value"], pluginDirectory: "/plugins/p")
    }

    @Test func absoluteExecutableIsUsedAsIs() throws {
        let environment = ["PATH": "/nowhere", "X": "1"]
        let launch = try PluginEnvironment.launch(
            for: plugin(executable: "/opt/tool/run"), environment: environment, workingDirectory: "/work")
        #expect(
            launch
                == ProcessLaunch(
                    executable: "/opt/tool/run", arguments: ["--flag", "value"], environment: environment,
                    workingDirectory: "/work"))
    }

    @Test func bareCommandIsFoundOnThePluginPath() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        try sandbox.file("first/dltaf-test-tool", executable: false)
        try sandbox.folder("second/dltaf-test-tool")
        let tool = try sandbox.file("third/dltaf-test-tool")
        try sandbox.file("fourth/dltaf-test-tool")
        let path = [
            "relative", "/nonexistent-dltaf", sandbox.path("first"), sandbox.path("second"), sandbox.path("third"),
            sandbox.path("fourth"),
        ]
        .joined(separator: ":")

        let launch = try PluginEnvironment.launch(
            for: plugin(executable: "dltaf-test-tool"), environment: ["PATH": path], workingDirectory: nil)
        #expect(launch.executable == tool)
        #expect(launch.arguments == ["--flag", "value"])
        #expect(launch.environment == ["PATH": path])
        #expect(launch.workingDirectory == nil)
        #expect(PluginEnvironment.findOnPath("dltaf-test-tool", path: path) == tool)
    }

    @Test func relativePathEntriesAreNotSearched() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        try sandbox.file("bin/dltaf-test-tool")
        let relative = relativeToWorkingDirectory(sandbox.path("bin"))
        #expect(FileManager.default.isExecutableFile(atPath: relative + "/dltaf-test-tool"))
        #expect(PluginEnvironment.findOnPath("dltaf-test-tool", path: relative) == nil)
    }

    @Test func missingBareCommandFailsClearly() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let path = sandbox.path("empty-bin")
        let target = plugin(executable: "dltaf-no-such-command", location: "/plugins/p/dltaf-plugin.json")
        #expect(
            throws: ChildProcessError.launchFailed(
                "command \"dltaf-no-such-command\" (from /plugins/p/dltaf-plugin.json) was not found on PATH=\(path)")
        ) {
            try PluginEnvironment.launch(for: target, environment: ["PATH": path], workingDirectory: nil)
        }
    }

    @Test func missingPathUsesTheFallback() throws {
        let target = plugin(executable: "dltaf-no-such-command")
        do {
            _ = try PluginEnvironment.launch(for: target, environment: [:], workingDirectory: nil)
            Issue.record("expected the launch to fail")
        } catch {
            guard case .launchFailed(let message) = error else {
                Issue.record("expected launchFailed, got \(error)")
                return
            }
            #expect(message.hasSuffix("PATH=\(PluginEnvironment.fallbackPath)"))
            #expect(error.description.hasPrefix("could not start: command \"dltaf-no-such-command\""))
        }
    }

    @Test func shellFoundOnTheFallbackPath() throws {
        let launch = try PluginEnvironment.launch(
            for: plugin(executable: "sh"), environment: [:], workingDirectory: nil)
        #expect(["/usr/local/bin/sh", "/usr/bin/sh", "/bin/sh"].contains(launch.executable))
    }
}
