import DltafJSON
import DltafManifest
import DltafSecrets
import Synchronization
import Testing

/// A manifest whose `connections` section is `connections` (YAML, indented under the key).
func manifest(connections: String, file: String = "/work/project/m.yaml") throws -> Manifest {
    let indented = connections.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    let text = """
        version: 1
        pipeline: {name: p, destination: clickhouse, dataset: raw}
        source: {kind: sqldb}
        connections:
        \(indented)

        """
    return try ManifestLoader.parse(bytes: Array(text.utf8), file: file, environment: [:])
}

/// A Vault reader answering from a table, recording what it was asked.
final class FakeVault: VaultSecretReader {
    let secrets: [VaultReference: JSONObject]
    let failure: VaultError.Kind?
    private let questions = Mutex<[VaultReference]>([])

    init(_ secrets: [String: JSONObject] = [:], failure: VaultError.Kind? = nil) {
        var table: [VaultReference: JSONObject] = [:]
        for (ref, secret) in secrets {
            let parts = ref.split(separator: ":", maxSplits: 1).map(String.init)
            table[VaultReference(mount: parts[0], path: parts[1])] = secret
        }
        self.secrets = table
        self.failure = failure
    }

    /// The references read, in order.
    var asked: [VaultReference] { questions.withLock { $0 } }

    func read(_ reference: VaultReference) async throws(VaultError) -> JSONObject {
        questions.withLock { $0.append(reference) }
        if let failure {
            throw VaultError(
                failure, reference: reference, status: failure == .permissionDenied ? 403 : nil, message: "injected")
        }
        guard let secret = secrets[VaultReference(mount: reference.mount, path: reference.path)] else {
            throw VaultError(.notFound, reference: reference, status: 404, message: "secret not found")
        }
        return secret
    }
}

/// Resolves `connections` with `vault` and Airflow Variables from `environment`.
func resolve(
    _ connections: String, vault: FakeVault = FakeVault(), environment: [String: String] = [:]
) async throws -> ConnectionResolution {
    let resolver = ConnectionResolver(vault: vault, airflow: AirflowVariables(environment: environment))
    return try await resolver.resolve(try manifest(connections: connections))
}

/// The error resolving `connections` throws; records an issue when it resolves.
func resolutionError(
    _ connections: String, vault: FakeVault = FakeVault(), environment: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> SecretsError? {
    let resolver = ConnectionResolver(vault: vault, airflow: AirflowVariables(environment: environment))
    let loaded = try manifest(connections: connections)
    do {
        let resolution = try await resolver.resolve(loaded)
        Issue.record("expected an error, resolved \(resolution.environment.keys)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}
