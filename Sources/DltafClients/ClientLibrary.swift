import CDltafClients

/// A shared library dltaf opens with `dlopen` on first use instead of linking it (docs/architecture.md).
public enum ClientLibrary: String, Sendable, CaseIterable {
    /// HTTP(S) client.
    case curl = "libcurl.so.4"
    /// PostgreSQL client.
    case postgres = "libpq.so.5"
    /// SQLite engine.
    case sqlite = "libsqlite3.so.0"

    /// The file name passed to `dlopen`.
    public var soname: String { rawValue }

    /// The Debian package that installs it.
    public var debianPackage: String {
        switch self {
        case .curl: return "libcurl4"
        case .postgres: return "libpq5"
        case .sqlite: return "libsqlite3-0"
        }
    }

    /// Whether `dlopen` finds it.
    public var isAvailable: Bool { dltaf_clients_library_available(soname) != 0 }

    /// `dependency_missing: libpq.so.5 not found (install Debian package libpq5)`: a result, not a crash;
    /// checks report it as a warning, as the Python dltaf does.
    public var missingMessage: String {
        "\(Self.dependencyMissingPrefix) \(soname) not found (install Debian package \(debianPackage))"
    }

    /// The prefix of every missing-library message.
    public static let dependencyMissingPrefix = "dependency_missing:"

    /// The message for a loader error from the C side (`libpq.so.5` or `libpq.so.5 (no PQfoo)`).
    static func missingMessage(_ library: ClientLibrary, detail: String) -> String {
        guard detail != library.soname, detail.hasPrefix(library.soname) else { return library.missingMessage }
        return "\(dependencyMissingPrefix) \(detail): unusable \(library.soname) "
            + "(install Debian package \(library.debianPackage))"
    }
}
