import Foundation

/// A throwaway MariaDB server for one test: `mariadb-install-db` in a temporary folder, `mariadbd` on a free
/// loopback port (127.0.0.1 only, its socket in the folder), a user with a password over TCP and an empty
/// database. mariadbd refuses to run as root, so under root it runs as `nobody` (its `--user`) in a folder
/// owned by it.
///
/// The server lives under a small Python wrapper that stops it (SIGTERM, a normal shutdown) when its stdin
/// closes, so it also ends when the test process dies. Use `LocalMariaDB.with { server in ... }`, which always
/// stops it.
public final class LocalMariaDB: TestServer {
    /// The user, allowed everything, from 127.0.0.1.
    public let user = "dltaf_test"
    /// Its password.
    public let password: String
    /// The host to connect to.
    public let host = "127.0.0.1"
    /// The loopback port.
    public let port: Int
    /// The database the user starts with (empty, utf8mb4).
    public let database = "dltaf_test"
    private let directory: String
    private let process: BackgroundProcess

    private init(password: String, port: Int, directory: String, process: BackgroundProcess) {
        self.password = password
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Where `name` (`mariadbd`, `mariadb-install-db`, `mariadb`) is installed, if it is.
    public static func program(_ name: String) -> String? {
        ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"].map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether the server binaries are installed (`scripts/setup.sh` installs them).
    public static var isInstalled: Bool {
        program("mariadbd") != nil && program("mariadb-install-db") != nil && program("mariadb") != nil
    }

    /// Starts a server; `stop()` it at the end.
    public static func start() async throws -> LocalMariaDB {
        guard let server = program("mariadbd"), let install = program("mariadb-install-db") else {
            throw BackgroundProcessError(message: "MariaDB is not installed (run scripts/setup.sh as root)")
        }
        // Under root the folder must be reachable by `nobody`: /tmp, not a private TMPDIR.
        let base = getuid() == 0 ? "/tmp" : FileManager.default.temporaryDirectory.path
        let directory = (base as NSString).appendingPathComponent("dltaf-mariadb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let password = "pw-" + UUID().uuidString.prefix(8).lowercased()
        let database = "dltaf_test"
        // Run by the server before it takes connections: the test user over TCP and its database.
        let setup = """
            CREATE USER 'dltaf_test'@'127.0.0.1' IDENTIFIED BY '\(password)';
            GRANT ALL PRIVILEGES ON *.* TO 'dltaf_test'@'127.0.0.1';
            CREATE DATABASE \(database) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

            """
        try Data(setup.utf8).write(to: URL(fileURLWithPath: directory + "/init.sql"))
        var owner: [String] = []
        if getuid() == 0 {
            guard let account = getpwnam("nobody") else {
                throw BackgroundProcessError(message: "no user nobody to run MariaDB as")
            }
            for path in [directory, directory + "/init.sql"] {
                chown(path, account.pointee.pw_uid, account.pointee.pw_gid)
            }
            owner = ["--user=nobody"]
        }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MYSQL") }
        environment.merge(["LANG": "C", "LC_ALL": "C", "TZ": "UTC"]) { _, new in new }
        // --no-defaults: no option file of the machine's own server may change this one.
        let installed = try await runProcess(
            install,
            [
                "--no-defaults", "--datadir=\(directory)/data", "--auth-root-authentication-method=socket",
                "--skip-test-db", "--skip-name-resolve",
            ] + owner,
            environment: environment, directory: directory, timeout: 120)
        guard installed.status == 0 else {
            try? FileManager.default.removeItem(atPath: directory)
            throw BackgroundProcessError(
                message: "mariadb-install-db failed: \(installed.stdout)\(installed.stderr)")
        }
        let port = try freeLoopbackPort()
        let command =
            [
                server, "--no-defaults", "--datadir=\(directory)/data", "--socket=\(directory)/mariadb.sock",
                "--pid-file=\(directory)/mariadb.pid", "--port=\(port)", "--bind-address=127.0.0.1",
                "--skip-networking=0", "--skip-name-resolve", "--init-file=\(directory)/init.sql",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
                "--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=0", "--max-connections=20",
            ] + owner
        // The wrapper waits with waitpid, not a shell's `wait` (see LocalPostgres).
        let wrapper = """
            import signal, subprocess, sys
            server = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
            sys.stdin.read()
            server.send_signal(signal.SIGTERM)
            sys.exit(server.wait())
            """
        let process = try BackgroundProcess(
            "/usr/bin/env", ["python3", "-c", wrapper] + command, environment: environment, directory: directory)
        do {
            try await process.waitForOutput(containing: "ready for connections", timeout: 60)
        } catch {
            await process.stop()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        return LocalMariaDB(password: password, port: port, directory: directory, process: process)
    }

    /// Runs SQL (one or more statements) with the `mariadb` client over TCP as the test user, in the test
    /// database; returns what it prints (tab-separated rows, no header). Throws with its output when it fails.
    @discardableResult
    public func execute(_ sql: String, timeout: Double = 120) async throws -> String {
        guard let client = Self.program("mariadb") else {
            throw BackgroundProcessError(message: "the mariadb client is not installed (run scripts/setup.sh)")
        }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MYSQL") }
        // The password through the environment rather than the command line, which `ps` shows.
        environment["MYSQL_PWD"] = password
        let output = try await runProcess(
            client,
            [
                "--no-defaults", "--protocol=TCP", "--host=\(host)", "--port=\(port)", "--user=\(user)",
                "--default-character-set=utf8mb4", "--batch", "--skip-column-names", database,
            ],
            environment: environment, stdin: sql, timeout: timeout)
        guard output.status == 0 else {
            throw BackgroundProcessError(message: "mariadb failed (\(output.status)): \(output.stderr)")
        }
        return output.stdout
    }

    /// Stops the server (normal shutdown) and removes its files.
    public func stop() async {
        await process.stop(grace: 30)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The server's log so far.
    public var log: String { process.text }
}
