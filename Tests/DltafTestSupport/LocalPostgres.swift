import Foundation

/// A throwaway PostgreSQL server for one test: `initdb` in a temporary folder, `postgres` on a free
/// loopback port, a superuser with a password (scram-sha-256 over TCP). PostgreSQL refuses to run as root,
/// so under root both run as `nobody` (through `setpriv`) in a folder owned by it.
///
/// The server lives under a small Python wrapper that stops it (fast shutdown) when its stdin closes, so it
/// also ends when the test process dies. Use `LocalPostgres.with { server in ... }`, which always stops it.
public final class LocalPostgres: TestServer {
    /// The superuser.
    public let user = "dltaf_test"
    /// Its password.
    public let password: String
    /// The loopback port.
    public let port: Int
    /// The database to connect to.
    public let database = "postgres"
    private let directory: String
    private let process: BackgroundProcess

    private init(password: String, port: Int, directory: String, process: BackgroundProcess) {
        self.password = password
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// The folder holding `initdb`, `postgres`: the newest /usr/lib/postgresql/N/bin, else /usr/local/bin.
    public static var binDirectory: String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/postgres") {
            return "\(root)/\(version)/bin"
        }
        for folder in ["/usr/local/bin", "/usr/bin"]
        where FileManager.default.isExecutableFile(atPath: "\(folder)/initdb") {
            return folder
        }
        return nil
    }

    /// Starts a server; `stop()` it at the end.
    public static func start() async throws -> LocalPostgres {
        guard let bin = binDirectory else {
            throw BackgroundProcessError(message: "PostgreSQL is not installed (run scripts/setup.sh as root)")
        }
        // Under root the folder must be reachable by `nobody`: /tmp, not a private TMPDIR.
        let base = getuid() == 0 ? "/tmp" : FileManager.default.temporaryDirectory.path
        let directory = (base as NSString).appendingPathComponent("dltaf-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let password = "pw-" + UUID().uuidString.prefix(8).lowercased()
        try Data((password + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/pwfile"))
        var prefix: [String] = []
        if getuid() == 0 {
            guard let account = getpwnam("nobody") else {
                throw BackgroundProcessError(message: "no user nobody to run PostgreSQL as")
            }
            let uid = account.pointee.pw_uid
            let gid = account.pointee.pw_gid
            for path in [directory, directory + "/pwfile"] { chown(path, uid, gid) }
            prefix = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"]
        }
        // The test's environment (python3 may be a pyenv shim), with PostgreSQL's folder first.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment.merge(["LANG": "C", "LC_ALL": "C", "TZ": "UTC"]) { _, new in new }
        let initdb = try await runProcess(
            prefix.first ?? "\(bin)/initdb",
            Array(prefix.dropFirst())
                + (prefix.isEmpty ? [] : ["\(bin)/initdb"])
                + [
                    "-D", directory + "/data", "-U", "dltaf_test", "--pwfile=\(directory)/pwfile",
                    "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync",
                ],
            environment: environment, directory: directory, timeout: 120)
        guard initdb.status == 0 else {
            try? FileManager.default.removeItem(atPath: directory)
            throw BackgroundProcessError(message: "initdb failed: \(initdb.stdout)\(initdb.stderr)")
        }
        let port = try freeLoopbackPort()
        let command =
            prefix + [
                "\(bin)/postgres", "-D", directory + "/data", "-p", String(port), "-h", "127.0.0.1", "-k", directory,
                "-F", "-c", "logging_collector=off", "-c", "max_connections=20", "-c", "shared_buffers=16MB",
            ]
        // The wrapper waits with waitpid, not a shell's `wait`: a child spawned from a pool thread inherits a
        // blocked SIGCHLD, which makes `sh`'s wait hang forever.
        let wrapper = """
            import signal, subprocess, sys
            server = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
            sys.stdin.read()
            server.send_signal(signal.SIGINT)
            sys.exit(server.wait())
            """
        let process = try BackgroundProcess(
            "/usr/bin/env", ["python3", "-c", wrapper] + command, environment: environment, directory: directory)
        do {
            try await process.waitForOutput(containing: "database system is ready to accept connections", timeout: 60)
        } catch {
            await process.stop()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return LocalPostgres(password: password, port: port, directory: directory, process: process)
    }

    /// Stops the server (fast shutdown) and removes its files.
    public func stop() async {
        await process.stop(grace: 20)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The server's log so far.
    public var log: String { process.text }
}
