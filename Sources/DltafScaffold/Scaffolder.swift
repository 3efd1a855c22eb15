public import DltafJSON
import DltafPluginHost
import Foundation

/// What `dltaf scaffold plugin` generated.
public struct ScaffoldResult: Sendable {
    /// The plugin's spec.
    public var spec: String
    /// The language.
    public var language: ScaffoldLanguage
    /// The kind.
    public var kind: ScaffoldKind
    /// The plugin folder (absolute).
    public var folder: String
    /// The plugin folder as the user named it (relative to the working directory when `--dir` was relative).
    public var displayFolder: String
    /// The generated files, relative to `folder`, in the order they were written.
    public var files: [String]
    /// The plugin's source file, relative to `folder`.
    public var sourceFile: String
    /// The example manifest (also written as `manifestFile`).
    public var manifest: String
    /// The example manifest's file name, relative to `folder`: its pipeline name (`dlt__x__to__example__raw.yaml`).
    public var manifestFile: String
    /// The `DLTAF_PLUGIN_PATH` entry the spec resolves under (absolute).
    public var pluginPath: String
    /// The command that runs the example manifest, with `DLTAF_PLUGIN_PATH` set.
    public var runCommand: String
    /// The command that runs the plugin's own test, from its folder.
    public var testCommand: String

    /// The `--json` form: `spec`, `folder`, `files`, `manifest`, `manifest_file`, plus `plugin_path`, `language`
    /// and `kind`.
    public var json: JSONValue {
        [
            "spec": .string(spec), "folder": .string(folder), "files": .array(files.map { .string($0) }),
            "manifest": .string(manifest), "manifest_file": .string(manifestFile), "plugin_path": .string(pluginPath),
            "language": .string(language.rawValue), "kind": .string(kind.rawValue),
        ]
    }

    /// What was created and what to do next, for people.
    public var summary: String {
        let folder = displayFolder
        let enter = "cd \(Quote.shellWord(folder)) && "
        var lines = ["created the \(language.rawValue) \(kind.rawValue) plugin \(spec) in \(folder)/:"]
        lines += files.map { "  " + $0 }
        lines += ["", "A manifest that uses it (\(folder)/\(manifestFile)):", ""]
        lines += manifest.split(separator: "\n").map { "    " + $0 }
        lines += [
            "", "Set DLTAF_PLUGIN_PATH=\(Quote.shellWord(pluginPath)) and run it:", "  " + runCommand, "",
            "Next steps:", "  edit \(folder)/\(sourceFile)",
        ]
        if language == .swift {
            lines.append("  (\(enter)swift build -c release)      build it: dltaf runs .build/release/")
        }
        lines += [
            "  (\(enter)\(testCommand))      run its test",
            "  DLTAF_PLUGIN_PATH=\(Quote.shellWord(pluginPath)) dltaf plugins test \(spec)      check the protocol",
            "  install it as an executable on PATH: see \(folder)/README.md",
        ]
        return lines.joined(separator: "\n")
    }
}

/// Generates a plugin folder from the templates of its language and kind.
public struct Scaffolder: Sendable {
    /// The request.
    public let request: ScaffoldRequest

    /// Creates a scaffolder for `request`.
    public init(request: ScaffoldRequest) {
        self.request = request
    }

    /// Writes the plugin folder and returns what was written.
    public func generate() throws(ScaffoldError) -> ScaffoldResult {
        let names = try Self.names(for: request.spec, kind: request.kind)
        let root = try SourceRoot.locate(
            explicit: request.sdkRoot, environment: request.environment, workingDirectory: request.workingDirectory)
        let sdk = try root.sdk(for: request.language)
        let pluginPath = SourceRoot.absolute(request.directory, in: request.workingDirectory)
        let folder = (pluginPath as NSString).appendingPathComponent(names.folder)
        try checkFolder(folder)

        let values = placeholders(names: names, root: root, sdk: sdk, pluginPath: pluginPath, folder: folder)
        var files: [(path: String, text: String, executable: Bool)] = [
            ("dltaf-plugin.json", descriptor(names: names, sdk: sdk), false)
        ]
        for file in languageFiles(names: names) {
            files.append((file.path, try file.template.render(values), file.executable))
        }
        let manifest = try CommonTemplates.manifest(request.kind).render(values)
        files.append(("README.md", try readme(values: values), false))
        files.append((names.manifestFile, manifest, false))

        try write(files, into: folder)
        return ScaffoldResult(
            spec: names.spec, language: request.language, kind: request.kind, folder: folder,
            displayFolder: request.directory.hasPrefix("/")
                ? folder : (request.directory as NSString).appendingPathComponent(names.folder),
            files: files.map(\.path), sourceFile: languageFiles(names: names).first?.path ?? "",
            manifest: manifest, manifestFile: names.manifestFile, pluginPath: pluginPath,
            runCommand: values["run_command"] ?? "",
            testCommand: values["test_command"] ?? "")
    }

    /// The names derived from `spec`, checked: a dotted spec whose last segment is not a built-in name.
    static func names(for spec: String, kind: ScaffoldKind) throws(ScaffoldError) -> PluginNames {
        let parsed: PluginSpec
        do {
            parsed = try PluginSpec(parsing: spec)
        } catch {
            throw .invalidSpec(spec: spec, reason: error.reason)
        }
        guard case .dotted(let segments) = parsed else { throw .notDotted(spec: spec) }
        let names = PluginNames(segments: segments)
        // dltaf's built-ins: the hook `log` and the check `tcp`; a plugin may not provide those names.
        if (kind == .hook && names.name == "log") || (kind == .check && names.name == "tcp") {
            throw .reservedName(name: names.name, kind: kind)
        }
        return names
    }

    private func checkFolder(_ folder: String) throws(ScaffoldError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw .notAFolder(path: folder) }
        guard request.force else { throw .folderExists(path: folder) }
    }

    // MARK: - Content

    private func placeholders(
        names: PluginNames, root: SourceRoot, sdk: String, pluginPath: String, folder: String
    ) -> [String: String] {
        let example = (folder as NSString).appendingPathComponent(names.manifestFile)
        let sampleBin = sampleBinDirectory(root: root)
        let plugin = "DLTAF_PLUGIN_PATH=" + Quote.shellWord(pluginPath)
        let runCommand: String
        switch request.kind {
        case .runner: runCommand = "\(plugin) dltaf exec \(Quote.shellWord(example))"
        case .hook:
            runCommand = "\(plugin) PATH=\(Quote.shellWord(sampleBin)):$PATH dltaf exec \(Quote.shellWord(example))"
        case .check:
            runCommand =
                "\(plugin) PATH=\(Quote.shellWord(sampleBin)):$PATH dltaf exec \(Quote.shellWord(example)) --dry-run"
        }
        let testCommand: String
        switch request.language {
        case .python: testCommand = PythonTemplates.testCommand
        case .node: testCommand = NodeTemplates.testCommand
        case .bash: testCommand = BashTemplates.testCommand
        case .swift: testCommand = SwiftTemplates.testCommand
        }
        let dltafPackage = URL(fileURLWithPath: root.path).lastPathComponent
        var values: [String: String] = [
            "spec": names.spec, "name": names.name, "plugin_name": names.pluginName, "kind": request.kind.rawValue,
            "lang": request.language.rawValue, "language": request.language.title,
            "description": CommonTemplates.description(request.kind, name: names.name),
            "installed_name": names.installedName, "events_variable": names.eventsVariable,
            "sdk_shell": Quote.shellWord(sdk), "sdk_literal": Quote.json(sdk),
            "sdk_index_literal": Quote.json(
                URL(fileURLWithPath: sdk).appendingPathComponent("index.js").absoluteString),
            "sdk_testing_literal": Quote.json(
                URL(fileURLWithPath: sdk).appendingPathComponent("testing.js").absoluteString),
            "package_name": names.swiftPackage, "product": names.installedName, "target": names.swiftTarget,
            "dltaf_path_literal": Quote.swift(root.path), "dltaf_package_literal": Quote.swift(dltafPackage),
            "plugin_path": Quote.shellWord(pluginPath), "folder_shell": Quote.shellWord(folder),
            "sample_bin": sampleBin, "run_command": runCommand, "pipeline_name": names.pipelineName,
            "manifest_file": names.manifestFile,
        ]
        values["test_command"] = testCommand
        values["example_command"] = runCommand
        return values
    }

    /// Where the sample runner `dltaf-plugin-samples-swift-noop_runner` (used by hook and check examples) is:
    /// next to the running dltaf, else in the checkout's build folders.
    private func sampleBinDirectory(root: SourceRoot) -> String {
        let executable = "dltaf-plugin-samples-swift-noop_runner"
        let builds = [root.path(".build/debug"), root.path(".build/release")]
        let real = { (path: String) in URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        if let tool = request.toolDirectory,
            FileManager.default.isExecutableFile(atPath: (tool as NSString).appendingPathComponent(executable))
        {
            // The checkout's `.build/debug` reads better than the triple folder it links to.
            return builds.first { real($0) == real(tool) } ?? tool
        }
        return builds.first {
            FileManager.default.isExecutableFile(atPath: ($0 as NSString).appendingPathComponent(executable))
        } ?? builds[0]
    }

    private func descriptor(names: PluginNames, sdk: String) -> String {
        let command: [String]
        var environment = JSONObject()
        switch request.language {
        case .python:
            command = ["python3", "${PLUGIN_DIR}/main.py"]
            environment["PYTHONPATH"] = .string(sdk)
        case .node:
            command = ["node", "${PLUGIN_DIR}/main.mjs"]
        case .bash:
            command = ["${PLUGIN_DIR}/plugin"]
            environment["DLTAF_SHELL_SDK"] = .string(sdk)
        case .swift:
            command = ["${PLUGIN_DIR}/.build/release/" + names.installedName]
        }
        let json: JSONValue = [
            "dltaf_plugin": 1,
            "description": .string(CommonTemplates.description(request.kind, name: names.name)),
            "command": .array(command.map { .string($0) }),
            "env": .object(environment),
        ]
        return JSONWriter(style: .pretty).string(json) + "\n"
    }

    /// The language's files: path in the folder, template, whether it is executable.
    private func languageFiles(names: PluginNames) -> [(path: String, template: Template, executable: Bool)] {
        let kind = request.kind
        switch request.language {
        case .python:
            return [
                ("main.py", PythonTemplates.source(kind), false),
                ("test_plugin.py", PythonTemplates.test(kind), false),
            ]
        case .node:
            return [
                ("main.mjs", NodeTemplates.source(kind), false),
                ("plugin.test.mjs", NodeTemplates.test(kind), false),
            ]
        case .bash:
            return [("plugin", BashTemplates.source(kind), true), ("test.sh", BashTemplates.test(kind), true)]
        case .swift:
            return [
                ("Sources/\(names.swiftTarget)/main.swift", SwiftTemplates.source(kind), false),
                ("Package.swift", SwiftTemplates.package, false),
                ("test.sh", SwiftTemplates.test(kind), true),
                (".gitignore", SwiftTemplates.gitignore, false),
            ]
        }
    }

    private func readme(values: [String: String]) throws(ScaffoldError) -> String {
        var values = values
        values["behaviour"] = try Template("README behaviour", CommonTemplates.behaviour(request.kind)).render(values)
        let install: String
        let testNote: String
        let files: [(String, String)]
        let source = "the plugin; edit it"
        switch request.language {
        case .python:
            install = PythonTemplates.install
            testNote = PythonTemplates.testNote
            files = [("main.py", source), ("test_plugin.py", "its test, with the SDK's `InMemoryHost`")]
        case .node:
            install = NodeTemplates.install
            testNote = NodeTemplates.testNote
            files = [
                ("main.mjs", source), ("plugin.test.mjs", "its test (`node --test`), with the SDK's `InMemoryHost`"),
            ]
        case .bash:
            install = BashTemplates.install
            testNote = BashTemplates.testNote
            files = [("plugin", source + " (an executable using the shell SDK)"), ("test.sh", "its test")]
        case .swift:
            install = SwiftTemplates.install
            testNote = SwiftTemplates.testNote
            files = [
                ("Package.swift", "a SwiftPM package depending on the dltaf checkout (`DltafPluginKit`)"),
                ("Sources/\(values["target"] ?? "")/main.swift", source),
                ("test.sh", "its test: builds the package and replays protocol lines"),
            ]
        }
        values["install"] = try Template("README install", install).render(values)
        values["test_note"] = try Template("README test note", testNote).render(values)
        values["files"] =
            ([("dltaf-plugin.json", "the descriptor: how dltaf starts the plugin")] + files + [
                ("README.md", "this file"),
                (values["manifest_file"] ?? "", "a minimal manifest that uses the plugin (named after its pipeline)"),
            ]).map { "- `\($0.0)`: \($0.1)" }.joined(separator: "\n")
        return try CommonTemplates.readme.render(values) + "\n"
    }

    // MARK: - Writing

    private func write(_ files: [(path: String, text: String, executable: Bool)], into folder: String)
        throws(ScaffoldError)
    {
        let manager = FileManager.default
        for file in files {
            let path = (folder as NSString).appendingPathComponent(file.path)
            do {
                try manager.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(file.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                try manager.setAttributes([.posixPermissions: file.executable ? 0o755 : 0o644], ofItemAtPath: path)
            } catch {
                throw .write(path: path, reason: error.localizedDescription)
            }
        }
    }
}
