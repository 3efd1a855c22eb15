import DltafPluginHost
import Foundation
import Testing

@Suite("PluginResolver with real folders")
struct ResolutionTests {
    @Test func pluginPathMirrorsTheDottedNameAsFolders() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let executable = try sandbox.file("plugins/a/b/c")
        let plugins = sandbox.path("plugins")

        let spec = try parsedSpec("a.b.c")
        let resolution = PluginResolver.resolve(
            spec, in: sandbox.searchPath(pluginPath: plugins, path: "/nonexistent-dltaf-bin"))
        let plugin = try #require(resolution.resolved)
        #expect(plugin.spec == spec)
        #expect(plugin.delivery == .pluginPathExecutable)
        #expect(plugin.location == executable)
        #expect(plugin.executable == executable)
        #expect(plugin.arguments.isEmpty)
        #expect(plugin.environment.isEmpty)
        #expect(plugin.pluginDirectory == sandbox.path("plugins/a/b"))
        #expect(plugin.commandLine == executable)
        #expect(
            resolution.candidates.map(CandidateSummary.init) == [
                CandidateSummary(executable, "DLTAF_PLUGIN_PATH[0]=\(plugins)", .selected),
                CandidateSummary(executable + "/dltaf-plugin.json", "DLTAF_PLUGIN_PATH[0]=\(plugins)", .notFound),
                CandidateSummary(
                    "/nonexistent-dltaf-bin/dltaf-plugin-a-b-c", "PATH[0]=/nonexistent-dltaf-bin", .notFound),
            ])
    }

    @Test func descriptorFolderExpandsPluginDirAndRelativeCommand() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let json = """
            {
              "dltaf_plugin": 1,
              "description": "a test plugin",
              "command": ["./bin/run", "--data", "${PLUGIN_DIR}/data", "literal"],
              "env": {"PYTHONPATH": "${PLUGIN_DIR}/lib:${PLUGIN_DIR}/vendor", "MODE": "test"}
            }
            """
        let descriptor = try sandbox.descriptor("plugins/a/b/c", json: json)
        let folder = sandbox.path("plugins/a/b/c")

        let resolution = PluginResolver.resolve(
            try parsedSpec("a.b.c"), in: sandbox.searchPath(pluginPath: sandbox.path("plugins")))
        let plugin = try #require(resolution.resolved)
        #expect(plugin.delivery == .pluginPathDescriptor)
        #expect(plugin.location == descriptor)
        #expect(plugin.executable == folder + "/bin/run")
        #expect(plugin.arguments == ["--data", folder + "/data", "literal"])
        #expect(plugin.environment == ["PYTHONPATH": "\(folder)/lib:\(folder)/vendor", "MODE": "test"])
        #expect(plugin.pluginDirectory == folder)
        #expect(resolution.candidates.map(\.verdict).prefix(2) == [.notFound, .selected])
        #expect(resolution.candidates.map(\.path).prefix(2) == [folder, descriptor])

        let parsed = try PluginDescriptor(contentsOf: descriptor)
        #expect(parsed.description == "a test plugin")
        #expect(parsed.command == ["./bin/run", "--data", folder + "/data", "literal"])
    }

    @Test(
        arguments: [
            (#"["python3", "${PLUGIN_DIR}/main.py"]"#, "python3", ["<dir>/main.py"]),
            (#"["${PLUGIN_DIR}/run.sh"]"#, "<dir>/run.sh", []),
            (#"["/usr/bin/env", "node"]"#, "/usr/bin/env", ["node"]),
            (#"["bin/../tool", "x"]"#, "<dir>/tool", ["x"]),
            (#"["../shared/tool"]"#, "<parent>/shared/tool", []),
        ] as [(String, String, [String])])
    func descriptorCommandForms(command: String, executable: String, arguments: [String]) throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        try sandbox.descriptor("plugins/x", json: #"{"command": \#(command)}"#)
        let folder = sandbox.path("plugins/x")
        func expand(_ text: String) -> String {
            text.replacingOccurrences(of: "<dir>", with: folder)
                .replacingOccurrences(of: "<parent>", with: sandbox.path("plugins"))
        }

        let resolution = PluginResolver.resolve(
            try parsedSpec("x"), in: sandbox.searchPath(pluginPath: sandbox.path("plugins")))
        let plugin = try #require(resolution.resolved)
        #expect(plugin.executable == expand(executable))
        #expect(plugin.arguments == arguments.map(expand))
    }

    @Test func firstEntryWinsAndLaterOnesAreShadowed() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let first = try sandbox.file("one/a/b")
        try sandbox.descriptor("two/a/b", json: #"{"command": ["run"]}"#)
        let third = try sandbox.file("three/a/b")
        let installed = try sandbox.file("bin/dltaf-plugin-a-b")
        let pluginPath = [sandbox.path("one"), sandbox.path("two"), sandbox.path("three")].joined(separator: ":")

        let resolution = PluginResolver.resolve(
            try parsedSpec("a.b"), in: sandbox.searchPath(pluginPath: pluginPath, path: sandbox.path("bin")))
        #expect(resolution.resolved?.executable == first)
        #expect(resolution.resolved?.delivery == .pluginPathExecutable)
        let verdicts = resolution.candidates.map { ($0.path, $0.verdict) }
        #expect(verdicts.map(\.1) == [.selected, .notFound, .notFound, .shadowed, .shadowed, .notFound, .shadowed])
        #expect(verdicts.map(\.0)[3] == sandbox.path("two/a/b/dltaf-plugin.json"))
        #expect(verdicts.map(\.0)[4] == third)
        #expect(verdicts.map(\.0)[6] == installed)
        #expect(resolution.candidates.map(\.source)[2] == "DLTAF_PLUGIN_PATH[1]=\(sandbox.path("two"))")
        #expect(resolution.candidates.map(\.source)[6] == "PATH[0]=\(sandbox.path("bin"))")
    }

    @Test func nonExecutableFileIsReportedAndSkipped() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let blocked = try sandbox.file("one/tool", executable: false)
        let usable = try sandbox.file("two/tool")

        let searchPath = sandbox.searchPath(pluginPath: "\(sandbox.path("one")):\(sandbox.path("two"))")
        let resolution = PluginResolver.resolve(try parsedSpec("tool"), in: searchPath)
        #expect(resolution.resolved?.executable == usable)
        #expect(
            resolution.candidates.first.map(CandidateSummary.init)
                == CandidateSummary(blocked, "DLTAF_PLUGIN_PATH[0]=\(sandbox.path("one"))", .notExecutable))
    }

    @Test func nonExecutableAloneFailsWithAChmodHint() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let blocked = try sandbox.file("bin/dltaf-plugin-tool", executable: false)

        let resolution = PluginResolver.resolve(
            try parsedSpec("tool"), in: sandbox.searchPath(path: sandbox.path("bin")))
        #expect(resolution.resolved == nil)
        #expect(resolution.candidates.map(\.verdict) == [.notExecutable])
        #expect(
            resolution.failureMessage.contains(
                "\(blocked) (PATH[0]=\(sandbox.path("bin"))): exists but is not executable (chmod +x)"))
    }

    @Test(
        arguments: [
            ("{not json", "not valid JSON"),
            ("[1]", "must be a JSON object"),
            (#"{"command": []}"#, #""command" must be a non-empty list of strings"#),
            (#"{"command": "run"}"#, #""command" must be a non-empty list of strings"#),
            (#"{"command": ["run", 1]}"#, #""command" must be a list of strings"#),
            (#"{"dltaf_plugin": 2, "command": ["run"]}"#, #""dltaf_plugin" must be 1, got 2"#),
            (#"{"command": ["run"], "env": {"A": 1}}"#, #""env.A" must be a string"#),
        ] as [(String, String)])
    func invalidDescriptorIsReportedAndSkipped(json: String, reason: String) throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let broken = try sandbox.descriptor("one/p", json: json)
        let good = try sandbox.file("two/p")

        let searchPath = sandbox.searchPath(pluginPath: "\(sandbox.path("one")):\(sandbox.path("two"))")
        let resolution = PluginResolver.resolve(try parsedSpec("p"), in: searchPath)
        #expect(resolution.resolved?.executable == good)
        let candidate = try #require(resolution.candidates.first { $0.path == broken })
        guard case .invalid(let message) = candidate.verdict else {
            Issue.record("expected .invalid, got \(candidate.verdict)")
            return
        }
        #expect(message.contains(reason), "\(message)")

        // With nothing else to find, the failure message carries the reason.
        let alone = PluginResolver.resolve(try parsedSpec("p"), in: sandbox.searchPath(pluginPath: sandbox.path("one")))
        #expect(alone.resolved == nil)
        #expect(alone.failureMessage.contains("\(broken) (DLTAF_PLUGIN_PATH[0]=\(sandbox.path("one"))): \(message)"))
    }

    @Test func relativePluginPathEntriesResolveAgainstTheBaseDirectory() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let project = try sandbox.folder("project")
        let executable = try sandbox.file("project/plugins/hooks/audit")

        let searchPath = sandbox.searchPath(pluginPath: "missing::./plugins/../plugins", baseDirectory: project)
        #expect(searchPath.pluginPath.map(\.written) == ["missing", "./plugins/../plugins"])
        #expect(searchPath.pluginPath.map(\.folder) == [project + "/missing", project + "/plugins"])
        #expect(searchPath.pluginPath.allSatisfy { $0.skipReason == nil })

        let resolution = PluginResolver.resolve(try parsedSpec("hooks.audit"), in: searchPath)
        #expect(resolution.resolved?.executable == executable)
        #expect(
            resolution.candidates.map(\.source).prefix(3) == [
                "DLTAF_PLUGIN_PATH[0]=missing, relative to \(project)",
                "DLTAF_PLUGIN_PATH[0]=missing, relative to \(project)",
                "DLTAF_PLUGIN_PATH[1]=./plugins/../plugins, relative to \(project)",
            ])
    }

    @Test func installedBinaryOnPath() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let installed = try sandbox.file("bin2/dltaf-plugin-team_x-hooks-audit")
        try sandbox.file("bin1/dltaf-plugin-team-x-hooks-audit")

        let spec = try parsedSpec("team_x.hooks.audit")
        #expect(spec.installedName == "dltaf-plugin-team_x-hooks-audit")
        let resolution = PluginResolver.resolve(
            spec, in: sandbox.searchPath(path: "\(sandbox.path("bin1")):\(sandbox.path("bin2"))"))
        let plugin = try #require(resolution.resolved)
        #expect(plugin.delivery == .installedBinary)
        #expect(plugin.executable == installed)
        #expect(plugin.pluginDirectory == sandbox.path("bin2"))
        #expect(
            resolution.candidates.map(CandidateSummary.init) == [
                CandidateSummary(
                    sandbox.path("bin1/dltaf-plugin-team_x-hooks-audit"), "PATH[0]=\(sandbox.path("bin1"))", .notFound),
                CandidateSummary(installed, "PATH[1]=\(sandbox.path("bin2"))", .selected),
            ])
    }

    @Test func relativeAndEmptyPathEntriesAreSkippedEvenWhenTheyWouldMatch() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let name = "dltaf-plugin-skiptest"
        try sandbox.file("bin/\(name)")
        let relative = relativeToWorkingDirectory(sandbox.path("bin"))
        // The file really is reachable through the relative entry from the working directory.
        #expect(FileManager.default.isExecutableFile(atPath: relative + "/" + name))

        let path = ":.:\(relative):bin:"
        let searchPath = sandbox.searchPath(path: path)
        #expect(searchPath.systemPath.map(\.written) == ["", ".", relative, "bin", ""])
        #expect(searchPath.systemPath.allSatisfy { $0.folder == nil && $0.skipReason != nil })

        let resolution = PluginResolver.resolve(try parsedSpec("skiptest"), in: searchPath)
        #expect(resolution.resolved == nil)
        #expect(resolution.candidates.map(\.path) == ["(empty)", ".", relative, "bin", "(empty)"])
        for candidate in resolution.candidates {
            guard case .skipped(let reason) = candidate.verdict else {
                Issue.record("expected \(candidate.path) to be skipped, got \(candidate.verdict)")
                continue
            }
            #expect(reason.contains("working directory is never searched"))
        }
        // Skipped entries are not "searched places".
        #expect(resolution.failureMessage.contains("no search path"))
        #expect(!resolution.failureMessage.contains(relative))
    }

    @Test func absoluteEntryAfterSkippedOnesIsStillSearched() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let installed = try sandbox.file("bin/dltaf-plugin-tool")
        let resolution = PluginResolver.resolve(
            try parsedSpec("tool"), in: sandbox.searchPath(path: ".:\(sandbox.path("bin"))"))
        #expect(resolution.resolved?.executable == installed)
        #expect(resolution.candidates.map(\.source) == ["PATH[0]=.", "PATH[1]=\(sandbox.path("bin"))"])
    }

    @Test func explicitRelativePathResolvesAgainstTheBaseDirectory() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let project = try sandbox.folder("project")
        let tool = try sandbox.file("project/tools/run-me")

        let spec = try parsedSpec("./tools/./run-me")
        #expect(spec == .path("./tools/./run-me"))
        #expect(spec.installedName == nil)
        let resolution = PluginResolver.resolve(
            spec,
            in: sandbox.searchPath(pluginPath: sandbox.path("elsewhere"), path: "/usr/bin", baseDirectory: project))
        let plugin = try #require(resolution.resolved)
        #expect(plugin.delivery == .explicitPath)
        #expect(plugin.executable == tool)
        #expect(plugin.pluginDirectory == project + "/tools")
        // An explicit path is looked for in exactly one place.
        #expect(
            resolution.candidates.map(CandidateSummary.init) == [CandidateSummary(tool, "explicit path", .selected)])
    }

    @Test func explicitPathsToFoldersAndDescriptors() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let descriptor = try sandbox.descriptor("pkg", json: #"{"command": ["${PLUGIN_DIR}/main", "a"]}"#)
        let other = try sandbox.file("custom.json", contents: #"{"command": ["/bin/true"]}"#, executable: false)

        let folder = PluginResolver.resolve(.path(sandbox.path("pkg")), in: sandbox.searchPath())
        #expect(folder.resolved?.delivery == .explicitPath)
        #expect(folder.resolved?.location == descriptor)
        #expect(folder.resolved?.executable == sandbox.path("pkg/main"))
        #expect(folder.resolved?.arguments == ["a"])

        let json = PluginResolver.resolve(try parsedSpec("./custom.json"), in: sandbox.searchPath())
        #expect(json.resolved?.delivery == .explicitPath)
        #expect(json.resolved?.location == other)
        #expect(json.resolved?.executable == "/bin/true")
    }

    @Test func explicitPathThatIsMissingOrNotExecutable() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let blocked = try sandbox.file("blocked", executable: false)

        let missing = PluginResolver.resolve(try parsedSpec("./nothing-here"), in: sandbox.searchPath())
        #expect(missing.resolved == nil)
        #expect(
            missing.candidates.map(CandidateSummary.init) == [
                CandidateSummary(sandbox.path("nothing-here"), "explicit path", .notFound)
            ])
        #expect(
            missing.failureMessage == """
                plugin "./nothing-here" not found
                  \(sandbox.path("nothing-here")) (explicit path): not found
                  run `dltaf plugins which ./nothing-here` for details
                """)

        let notExecutable = PluginResolver.resolve(.path(blocked), in: sandbox.searchPath())
        #expect(notExecutable.candidates.map(\.verdict) == [.notExecutable])
    }

    @Test func failureMessageNamesEverySearchedPlace() throws {
        let sandbox = try ResolutionSandbox()
        defer { sandbox.remove() }
        let searchPath = sandbox.searchPath(pluginPath: "plugins", path: "relative:\(sandbox.path("bin"))")
        let resolution = PluginResolver.resolve(try parsedSpec("a.b"), in: searchPath)
        #expect(resolution.resolved == nil)
        let plugins = sandbox.path("plugins")
        let expected = """
            plugin "a.b" not found
              \(plugins)/a/b (DLTAF_PLUGIN_PATH[0]=plugins, relative to \(sandbox.root)): not found
              \(plugins)/a/b/dltaf-plugin.json (DLTAF_PLUGIN_PATH[0]=plugins, relative to \(sandbox.root)): not found
              \(sandbox.path("bin"))/dltaf-plugin-a-b (PATH[1]=\(sandbox.path("bin"))): not found
              run `dltaf plugins which a.b` for details
            """
        #expect(resolution.failureMessage == expected)
    }

    @Test func failureMessageWithoutAnySearchPath() throws {
        let resolution = PluginResolver.resolve(
            try parsedSpec("a.b"), in: PluginSearchPath(environment: [:], baseDirectory: "/"))
        #expect(resolution.resolved == nil)
        #expect(resolution.candidates.map(\.path) == ["(empty)"])
        #expect(
            resolution.failureMessage == """
                plugin "a.b" not found
                  no search path: set DLTAF_PLUGIN_PATH, or install dltaf-plugin-a-b on PATH
                  run `dltaf plugins which a.b` for details
                """)
    }
}
