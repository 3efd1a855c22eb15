/// One resolved environment variable.
public struct ResolvedValue: Sendable, Equatable {
    /// The value (a credential: never print it).
    public var value: String
    /// Where it came from: a label safe to show (`vault:secret:app/db`, `airflow_variable_json:CH`, ...).
    public var source: String
    /// Whether the value is a secret by itself (a password, a URL or DSN that may embed one): such values are
    /// registered with the redactor. Hosts, ports, user names and database names are not.
    public var isSecret: Bool

    /// Creates a value.
    public init(value: String, source: String, isSecret: Bool) {
        self.value = value
        self.source = source
        self.isSecret = isSecret
    }
}

/// The environment variables resolved from a manifest's `connections`, each with its provenance.
public struct ResolvedEnvironment: Sendable, Equatable {
    /// By variable name.
    public var entries: [String: ResolvedValue] = [:]

    /// An empty environment.
    public init() {}

    /// The variables and their values, for the runner.
    public var values: [String: String] { entries.mapValues(\.value) }

    /// The variable names, sorted.
    public var keys: [String] { entries.keys.sorted() }

    /// The provenance label of each variable.
    public var sources: [String: String] { entries.mapValues(\.source) }

    /// How many variables each label provided.
    public var sourcesSummary: [String: Int] {
        var counts: [String: Int] = [:]
        for entry in entries.values { counts[entry.source, default: 0] += 1 }
        return counts
    }

    /// The values to hide wherever they appear.
    public var secretValues: [String] { entries.values.filter(\.isSecret).map(\.value) }

    /// Whether nothing was resolved.
    public var isEmpty: Bool { entries.isEmpty }

    /// Sets every variable of `variables` with the same `source`.
    mutating func add(_ variables: [EnvironmentVariable], source: String) {
        for variable in variables {
            entries[variable.name] = ResolvedValue(value: variable.value, source: source, isSecret: variable.isSecret)
        }
    }
}

/// A variable produced by an environment builder, before it gets its provenance.
struct EnvironmentVariable: Sendable, Equatable {
    var name: String
    var value: String
    var isSecret: Bool

    init(_ name: String, _ value: String, secret: Bool = false) {
        self.name = name
        self.value = value
        self.isSecret = secret
    }
}
