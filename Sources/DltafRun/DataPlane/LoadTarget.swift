import DltafJSON
public import DltafLoad
public import DltafManifest
import DltafSecrets
import Foundation

/// Where a run's rows go: `pipeline.destination` read into a destination configuration.
public enum LoadTarget {
    /// The destinations dltaf's own loader writes (docs/destinations.md).
    public static let supported = ManifestValidator.loadedDestinations

    /// The variables a PostgreSQL destination reads (from `connections.destination {kind: postgres}`, or
    /// dltaf's own environment).
    static let postgresPrefix = "DESTINATION__POSTGRES__CREDENTIALS__"

    /// The folder beside the manifest that holds the embedded SQLite files.
    public static func localFolder(of manifest: Manifest) -> String {
        (manifest.directory as NSString).appendingPathComponent(".dltaf")
    }

    /// `pipeline.dataset`, or `default`.
    public static func dataset(of manifest: Manifest) -> String {
        manifest.value(at: ["pipeline", "dataset"])?.stringValue ?? "default"
    }

    /// `pipeline.destination`.
    public static func name(of manifest: Manifest) -> String {
        manifest.value(at: ["pipeline", "destination"])?.stringValue ?? ""
    }

    /// The request's manifest and, when dltaf loads its destination, that destination: the manifest opened and
    /// its `connections` resolved as a run does (for `dltaf state` and `dltaf runs`, outside a run).
    static func open(_ request: RunRequest, console: Console) async throws(RunError)
        -> (manifest: Manifest, destination: DestinationConfiguration?)
    {
        var session = try PreparedRun.openSession(request, console: console)
        let resolution = try await RunSecrets.resolve(&session, request: request)
        let manifest = session.manifest
        guard supported.contains(name(of: manifest)) else { return (manifest, nil) }
        let environment = request.environment.merging(resolution.environment.values) { _, resolved in resolved }
        return (manifest, try configuration(of: manifest, environment: environment))
    }

    /// The configuration of the manifest's destination.
    ///
    /// - Parameter environment: dltaf's environment with the variables resolved from `connections` over it.
    /// - Throws: a located configuration error for a destination dltaf does not load, or a PostgreSQL
    ///   destination without credentials.
    public static func configuration(of manifest: Manifest, environment: [String: String]) throws(RunError)
        -> DestinationConfiguration
    {
        let name = name(of: manifest)
        let dataset = dataset(of: manifest)
        switch name {
        case "sqlite":
            let path =
                environment["DESTINATION__SQLITE__CREDENTIALS__DATABASE"]
                ?? SQLiteConfiguration.file(folder: localFolder(of: manifest), dataset: dataset)
            let folder = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return .sqlite(SQLiteConfiguration(path: path))
        case "postgres":
            let value = { (key: String) in environment[postgresPrefix + key].flatMap { $0.isEmpty ? nil : $0 } }
            guard let host = value("HOST"), let database = value("DATABASE") else {
                throw RunError.manifest(
                    ManifestError(
                        manifest.diagnostic(
                            "destination.credentials",
                            "pipeline.destination is postgres but no credentials were found: set connections."
                                + "destination {kind: postgres, ...} or \(postgresPrefix)HOST and DATABASE",
                            at: ["pipeline", "destination"])))
            }
            return .postgres(
                PostgresConfiguration(
                    host: host, port: value("PORT").flatMap(Int.init) ?? 5432, user: value("USERNAME") ?? "",
                    password: value("PASSWORD"), database: database, dataset: dataset))
        default:
            throw RunError.manifest(
                ManifestError(
                    manifest.diagnostic(
                        "destination.unsupported",
                        "dltaf's loader does not write to destination \"\(name)\" in this build (it writes "
                            + supported.joined(separator: ", ") + "); a runner for it must load its rows itself",
                        at: ["pipeline", "destination"])))
        }
    }
}
