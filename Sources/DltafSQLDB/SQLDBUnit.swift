import DltafJSON
import DltafLoad
import DltafProtocol

/// One unit of a `sqldb` run: a table of the catalog or a named query, loaded into one table and committed
/// (with its cursor state) before the next unit starts.
struct SQLDBUnit: Sendable {
    enum Origin: Sendable {
        case table(schema: String?, name: String)
        case query(SQLDBConfiguration.Query)
    }

    /// The stream name: the table name, or the query name.
    var stream: String
    /// The destination table (normalised by the loader).
    var table: String
    var origin: Origin
    var disposition: WriteDisposition
    /// The merge key (a query's `primary_key`; a table's own primary key).
    var primaryKey: [String]
    var incremental: SQLDBConfiguration.Incremental?

    /// `public.orders`, or `query daily_orders`.
    var label: String {
        switch origin {
        case .table(let schema, let name): return schema.map { "\($0).\(name)" } ?? name
        case .query(let query): return "query \(query.name)"
        }
    }

    /// The source table's name for the result (`source_table`).
    var sourceName: String {
        switch origin {
        case .table(let schema, let name): return schema.map { "\($0).\(name)" } ?? name
        case .query(let query): return query.origin == "inline" ? query.name : query.origin
        }
    }
}

/// What happened to one unit.
struct SQLDBUnitResult: Sendable {
    /// Why a unit failed, classified for the result and `partial_success`.
    struct Failure: Sendable, Error {
        var stage: PartialSuccessPolicy.Stage
        var category: ErrorCategory
        var code: String
        var message: String
        var retryable: Bool
        /// The table (or a column) does not exist: what `missing_table_only` tolerates.
        var missingTable: Bool
        /// The destination failed: the load session is unusable, so no unit can follow.
        var stopsRun: Bool
    }

    var unit: SQLDBUnit
    var rows: Int
    var startedAt: String
    var finishedAt: String
    var seconds: Double
    /// The time the destination took for this unit's writes (the loader's side of the pipe).
    var writeSeconds: Double = 0
    var rowsBefore: Int?
    var failure: Failure?
    /// `copy` (PostgreSQL COPY text passed through) or `rows` (typed batches).
    var route: String
}

extension SQLDBUnitResult.Failure {
    /// A source failure.
    init(_ error: SQLSourceError, unit: SQLDBUnit) {
        stage = .source
        message = "\(unit.label): \(error.message)"
        retryable = error.retryable
        missingTable = error.kind == .missingTable
        stopsRun = false
        switch error.kind {
        case .auth: (category, code) = (.auth, "auth_failed")
        case .connectivity: (category, code) = (.connectivity, "source_unreachable")
        case .missingTable: (category, code) = (.config, "table_not_found")
        case .query: (category, code) = (.config, "query_failed")
        case .data: (category, code) = (.data, "data_validation")
        case .dependency: (category, code) = (.dependency, "dependency_missing")
        }
    }

    /// A destination failure (the session refuses every later request).
    init(_ error: LoadError, unit: SQLDBUnit) {
        stage = .load
        category = ErrorCategory(rawValue: error.category) ?? .unknown
        code = error.code.rawValue
        message = "\(unit.label): \(error.message)"
        retryable = error.retryable
        missingTable = false
        stopsRun = true
    }

    /// The manifest asks for something the source cannot give (an unmappable column, a missing cursor).
    init(config message: String, unit: SQLDBUnit, code: String = "unsupported_column") {
        stage = .source
        category = .config
        self.code = code
        self.message = "\(unit.label): \(message)"
        retryable = false
        missingTable = false
        stopsRun = false
    }

    static func cancelled(_ unit: SQLDBUnit) -> Self {
        var failure = Self(config: "cancelled", unit: unit, code: "cancelled")
        failure.stopsRun = true
        return failure
    }
}
