/// The files of a Swift plugin: a SwiftPM package depending on the dltaf checkout by path (`DltafPluginKit`),
/// its `Sources/<Target>/main.swift`, and `test.sh`, which builds it (`swift build -c release`) and replays a
/// handshake and calls with jq.
///
/// Placeholders: `{{spec}}`, `{{name}}`, `{{plugin_name}}`, `{{description}}`, `{{package_name}}`,
/// `{{product}}`, `{{target}}`, `{{dltaf_path_literal}}` and `{{dltaf_package_literal}}` (the checkout's path
/// and package identity as Swift string literals).
enum SwiftTemplates {
    static func source(_ kind: ScaffoldKind) -> Template {
        switch kind {
        case .runner: Template("swift/main.swift (runner)", runner)
        case .hook: Template("swift/main.swift (hook)", hook)
        case .check: Template("swift/main.swift (check)", check)
        }
    }

    static func test(_ kind: ScaffoldKind) -> Template {
        let checks: String
        switch kind {
        case .runner: checks = BashTemplates.runnerChecks
        case .hook: checks = BashTemplates.hookChecks
        case .check: checks = BashTemplates.checkChecks
        }
        return Template("swift/test.sh (\(kind.rawValue))", testPrelude + BashTemplates.replayHelpers + checks)
    }

    static let package = Template(
        "swift/Package.swift",
        #"""
        // swift-tools-version: 6.0
        // {{spec}}: a dltaf plugin written with DltafPluginKit. Build: swift build -c release
        import PackageDescription

        let package = Package(
            name: "{{package_name}}",
            platforms: [.macOS(.v15)],
            products: [
                // Named by the PATH convention, so the binary can be installed as is.
                .executable(name: "{{product}}", targets: ["{{target}}"])
            ],
            dependencies: [
                // The dltaf checkout this plugin was generated from.
                .package(path: {{dltaf_path_literal}})
            ],
            targets: [
                .executableTarget(
                    name: "{{target}}",
                    dependencies: [.product(name: "DltafPluginKit", package: {{dltaf_package_literal}})]
                )
            ]
        )

        """#)

    static let gitignore = Template("swift/.gitignore", ".build/\n.swiftpm/\n")

    static let runner = #"""
        // {{spec}}: a dltaf runner of kind `{{name}}`, written with DltafPluginKit.
        //
        // It counts the lines of the local file named by `source.path` (relative to the manifest's folder) and
        // reports them as rows. Replace the body of `run` with your load; keep `validate` honest.
        import DltafJSON
        import DltafPluginKit
        import DltafProtocol
        import Foundation

        var plugin = Plugin(name: "{{plugin_name}}", version: "0.1.0", description: "{{description}}")

        /// Every problem of the manifest, each with the JSON Pointer of the key at fault.
        func validate(_ call: PluginCall) async throws -> [Diagnostic] {
            guard let path = call.manifest["source"]?["path"]?.stringValue, !path.isEmpty else {
                return [
                    Diagnostic(
                        severity: .error, message: "source.path is required: the local file to load",
                        code: "{{name}}.missing_path", path: "/source/path")
                ]
            }
            return []
        }

        /// Counts the lines of the file at source.path.
        func run(_ call: PluginCall) async throws -> RunOutcome {
            guard let path = call.manifest["source"]?["path"]?.stringValue, !path.isEmpty else {
                throw PluginError("source.path is required", category: "CONFIG", code: "{{name}}.missing_path")
            }
            let base = URL(fileURLWithPath: call.manifestDirectory, isDirectory: true)
            let file = URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL
            var lines = 0
            var last: UInt8 = 0x0A
            do {
                let handle = try FileHandle(forReadingFrom: file)
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                    try Task.checkCancellation()  // dltaf's `cancel` cancels this task; the SDK answers -32800
                    lines += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                    last = chunk.last ?? last
                    call.progress(current: lines, unit: "lines")
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw PluginError(
                    "cannot read \(file.path): \(error.localizedDescription)", category: "DATA",
                    code: "{{name}}.unreadable")
            }
            if last != 0x0A { lines += 1 }  // a last line without a newline
            call.progress(current: lines, total: lines, unit: "lines")
            call.log(.info, "counted \(lines) lines in \(file.path)")
            return RunOutcome(
                status: .success, message: "\(lines) lines in \(path)",
                loadMetrics: ["rows_count": .int(lines), "tables_count": 1])
        }

        plugin.runner(
            "{{name}}", description: "Counts the lines of the file at source.path", validate: validate, run: run)

        await plugin.serve()

        """#

    static let hook = #"""
        // {{spec}}: a dltaf hook named `{{name}}`, written with DltafPluginKit.
        //
        // On every run event (pre_run, post_run, on_error) it appends one JSON line to the file at `config.path`
        // (relative to the manifest's folder). Configure it under `run.hooks.config.{{name}}` and enable it with
        // `run.hooks.enable: [{{name}}]`. Return `HookOutcome(ok: false, message:)` from pre_run to veto a run.
        import DltafJSON
        import DltafPluginKit
        import DltafProtocol
        import Foundation

        var plugin = Plugin(name: "{{plugin_name}}", version: "0.1.0", description: "{{description}}")

        /// Appends one JSON line per run event to config.path.
        func handle(_ event: HookEvent, _ call: PluginCall) async throws -> HookOutcome {
            guard let path = call.config["path"]?.stringValue, !path.isEmpty else {
                throw PluginError(
                    "{{name}}: config.path is required (run.hooks.config.{{name}}.path)", category: "CONFIG",
                    code: "{{name}}.missing_path")
            }
            let base = URL(fileURLWithPath: call.manifestDirectory, isDirectory: true)
            let file = URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL
            var entry: JSONObject = [
                "event": .string(event.rawValue), "run_id": call.context["run_id"] ?? .null,
                "pipeline": call.context["pipeline"]?["name"] ?? .null,
            ]
            if let status = call.params["result"]?["status"] { entry["status"] = status }
            if let message = call.params["error"]?["message"] { entry["error"] = message }
            do {
                try FileManager.default.createDirectory(
                    at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                if !FileManager.default.fileExists(atPath: file.path) {
                    FileManager.default.createFile(atPath: file.path, contents: nil)
                }
                let output = try FileHandle(forWritingTo: file)
                defer { try? output.close() }
                try output.seekToEnd()
                try output.write(contentsOf: Data((JSONValue.object(entry).jsonText + "\n").utf8))
            } catch {
                throw PluginError("cannot append to \(file.path): \(error.localizedDescription)", category: "CONFIG")
            }
            call.log(.info, "\(event.rawValue) written to \(file.path)")
            return HookOutcome(ok: true)
        }

        plugin.hook(
            "{{name}}", events: [.preRun, .postRun, .onError],
            description: "Appends one JSON line per run event to config.path", handle: handle)

        await plugin.serve()

        """#

    static let check = #"""
        // {{spec}}: a dltaf online check named `{{name}}`, written with DltafPluginKit.
        //
        // It opens a TCP connection to each `host:port` of `config.endpoints` (under
        // `run.online_checks.config.{{name}}`) and reports each latency. It applies when endpoints are configured.
        // Each probe waits at most `config.timeout_seconds`, or the check's own budget (at most 5 s).
        import DltafJSON
        import DltafPluginKit
        import DltafProtocol
        import Foundation

        #if canImport(Glibc)
            import Glibc
        #elseif canImport(Darwin)
            import Darwin
        #endif

        var plugin = Plugin(name: "{{plugin_name}}", version: "0.1.0", description: "{{description}}")

        /// Why a probe failed.
        struct ProbeFailure: Error, CustomStringConvertible {
            let description: String
        }

        func configuredEndpoints(_ call: PluginCall) -> [JSONValue] {
            call.config["endpoints"]?.arrayValue ?? []
        }

        /// `host:port` (IPv6 as `[::1]:443`) as host and port.
        func parse(_ endpoint: String) -> (host: String, port: Int)? {
            guard let colon = endpoint.lastIndex(of: ":"), let port = Int(endpoint[endpoint.index(after: colon)...]),
                (1...65535).contains(port)
            else { return nil }
            var host = String(endpoint[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return host.isEmpty ? nil : (host, port)
        }

        /// The milliseconds a TCP connect to `host:port` took; waits at most `timeout` seconds.
        func probe(host: String, port: Int, timeout: Double) throws(ProbeFailure) -> Double {
            let started = ContinuousClock.now
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            #if canImport(Glibc)
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            #else
                hints.ai_socktype = SOCK_STREAM
            #endif
            var addresses: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, String(port), &hints, &addresses)
            guard status == 0, let first = addresses else {
                throw ProbeFailure(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
            }
            defer { freeaddrinfo(addresses) }
            var reason = "no address"
            var next: UnsafeMutablePointer<addrinfo>? = first
            while let address = next?.pointee {
                next = address.ai_next
                let descriptor = socket(address.ai_family, address.ai_socktype, address.ai_protocol)
                guard descriptor >= 0 else {
                    reason = String(cString: strerror(errno))
                    continue
                }
                defer { close(descriptor) }
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
                if connect(descriptor, address.ai_addr, address.ai_addrlen) != 0, errno != EINPROGRESS {
                    reason = String(cString: strerror(errno))
                    continue
                }
                let elapsed = started.duration(to: .now) / .milliseconds(1)
                var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                guard poll(&poller, 1, Int32(min(max(0, timeout * 1000 - elapsed), 600_000))) > 0 else {
                    throw ProbeFailure(description: "no answer within \(timeout) s")
                }
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
                if error == 0 { return ((started.duration(to: .now) / .milliseconds(1)) * 10).rounded() / 10 }
                reason = String(cString: strerror(error))
            }
            throw ProbeFailure(description: reason)
        }

        func applies(_ call: PluginCall) async throws -> Bool {
            !configuredEndpoints(call).isEmpty
        }

        /// Opens a TCP connection to each configured host:port and reports the latency.
        func check(_ call: PluginCall) async throws -> CheckOutcome {
            let endpoints = configuredEndpoints(call)
            guard !endpoints.isEmpty else {
                return CheckOutcome(
                    ok: false,
                    errors: [
                        "no endpoints configured: set run.online_checks.config.{{name}}.endpoints to [host:port, ...]"
                    ])
            }
            let timeout =
                call.config["timeout_seconds"]?.doubleValue ?? min(call.params["timeout_seconds"]?.doubleValue ?? 5, 5)
            var errors: [String] = []
            var latency = JSONObject()
            for endpoint in endpoints {
                try Task.checkCancellation()
                let text = endpoint.stringValue ?? endpoint.jsonText
                guard let (host, port) = parse(text) else {
                    errors.append("\"\(text)\" is not host:port")
                    continue
                }
                do {
                    latency[text] = .double(try probe(host: host, port: port, timeout: timeout))
                } catch {
                    errors.append("\(text): \(error.description)")
                }
            }
            return CheckOutcome(ok: errors.isEmpty, errors: errors, details: ["latency_ms": .object(latency)])
        }

        plugin.check(
            "{{name}}", description: "TCP connect latency of config.endpoints (host:port)", applies: applies,
            run: check)

        await plugin.serve()

        """#

    static let testPrelude = #"""
        #!/usr/bin/env bash
        # Tests of {{spec}}: builds the plugin (swift build -c release), starts it, sends it protocol lines and
        # checks each answer with jq.
        # Run: ./test.sh
        set -euo pipefail
        cd "$(dirname "$0")"
        # DLTAF_SWIFT_SCRATCH_PATH (optional): a build folder shared by several plugin packages, so that dltaf's
        # modules are compiled once (CI). The binary is then copied to .build/release/, where dltaf runs it.
        if [[ -n ${DLTAF_SWIFT_SCRATCH_PATH:-} ]]; then
          swift build -c release --product {{product}} --scratch-path "$DLTAF_SWIFT_SCRATCH_PATH"
          mkdir -p .build/release
          cp "$DLTAF_SWIFT_SCRATCH_PATH/release/{{product}}" .build/release/
        else
          swift build -c release --product {{product}}
        fi
        PLUGIN=(.build/release/{{product}})

        """#

    /// How to run the test, for the README (from the plugin folder).
    static let testCommand = "./test.sh"

    /// More about the test, for the README.
    static let testNote = #"""
        It builds the package (`swift build -c release`), then starts `.build/release/{{product}}` and checks its
        answers to a handshake and calls with jq. dltaf runs that binary too: build it before `dltaf plugins test`
        or a run.
        """#

    /// How to install it on `PATH`, for the README. Placeholders: `{{installed_name}}`, `{{product}}`.
    static let install = #"""
        ```sh
        swift build -c release
        mkdir -p ~/.local/bin
        install -m 0755 .build/release/{{product}} ~/.local/bin/{{installed_name}}
        ```

        The product is already named `{{installed_name}}`. For a binary that needs no Swift runtime on the
        target machine, build with `swift build -c release --static-swift-stdlib`.
        """#
}
