import DltafJSON
import DltafProtocol

/// One open stream: its table's columns as they evolve, its schema contract, its sink and its counters.
///
/// `add` turns one row of JSON values into cells in column order, applying the contract to new columns and to
/// values that do not fit (`evolve` → new column or variant column `<name>__v_<type>`, `freeze` → error,
/// `discard_row`, `discard_value`), and hands the row to the sink.
final class StreamLoad {
    let stream: String
    let table: String
    let disposition: WriteDisposition
    let contract: SchemaContract
    let sink: any TableSink
    private(set) var columns: [ColumnSchema] {
        didSet { types = columns.map(\.type) }
    }
    /// The column types, read in the per-value loop.
    private var types: [DataType] = []
    private(set) var positions: [String: Int] = [:]
    /// Columns that must not be NULL: declared non-nullable ones and the merge key.
    let required: [String]
    private(set) var requiredIndices: [Int?] = []
    /// Under `freeze`, whether new columns are refused (always once the table exists).
    private(set) var columnsFrozen: Bool
    private let allowsNUL: Bool
    private var cells: [Cell] = []
    /// Raw name → normalised name.
    private var names: [String: String] = [:]
    /// The column of each name of the last `add` (-1: none yet): a write's rows share one names array, so the
    /// lookup by name happens once per write, not once per value.
    private var cachedNames: [String] = []
    private var cachedPositions: [Int] = []

    /// Row counts.
    var rowsWritten = 0
    var rowsSinceCheckpoint = 0
    var rowsCommitted = 0
    var rowsDiscarded = 0
    let rowsBefore: Int
    var rowsAfter: Int?

    init(
        stream: String, table: String, disposition: WriteDisposition, contract: SchemaContract,
        columns: [ColumnSchema], required: [String], tableExists: Bool, rowsBefore: Int, allowsNUL: Bool,
        sink: any TableSink
    ) {
        self.stream = stream
        self.table = table
        self.disposition = disposition
        self.contract = contract
        self.columns = columns
        self.types = columns.map(\.type)
        self.required = required
        self.columnsFrozen = contract == .freeze && tableExists
        self.rowsBefore = rowsBefore
        self.allowsNUL = allowsNUL
        self.sink = sink
        cells = Array(repeating: .null, count: columns.count)
        for (index, column) in columns.enumerated() { positions[column.name] = index }
        refreshRequired()
    }

    /// Under `freeze`, the first write of a new table defines its columns; later ones may not add any.
    func freezeAfterFirstWrite() {
        if contract == .freeze { columnsFrozen = true }
    }

    /// The normalised column names for raw `names`; refuses empty, reserved and colliding names.
    func normalizedNames(_ raw: [String]) throws(LoadError) -> [String] {
        var result: [String] = []
        result.reserveCapacity(raw.count)
        var seen: [String: String] = [:]
        for name in raw {
            let normalized = try normalizedName(name)
            if let other = seen[normalized] {
                throw LoadError(
                    .badRows, "stream \(stream): columns \"\(other)\" and \"\(name)\" are both named \(normalized)")
            }
            seen[normalized] = name
            result.append(normalized)
        }
        return result
    }

    private func normalizedName(_ name: String) throws(LoadError) -> String {
        if let known = names[name] { return known }
        guard !name.isEmpty else { throw LoadError(.badRows, "stream \(stream): a column has an empty name") }
        let normalized = NameNormalizer.normalize(name)
        guard normalized != StagingNames.loadIDColumn else {
            throw LoadError(.badRows, "stream \(stream): column \(normalized) is reserved for dltaf")
        }
        names[name] = normalized
        return normalized
    }

    /// Adds one row (`names[i]` holds `values[i]`); false when the contract discarded it.
    @discardableResult
    func add(names: [String], values: [JSONValue]) throws(LoadError) -> Bool {
        // Worked on as a local, moved out and back: a stored property in the loop costs an exclusivity check
        // per access.
        var cells = self.cells
        self.cells = []
        defer { self.cells = cells }
        for index in cells.indices { cells[index] = .null }
        var types = self.types
        if names != cachedNames {
            cachedNames = names
            cachedPositions = names.map { positions[$0] ?? -1 }
        }
        for index in values.indices {
            let value = values[index]
            if case .null = value { continue }
            let cached = cachedPositions[index]
            let name = names[index]
            var position = cached
            if position < 0 {
                guard let found = try self.position(of: name, for: value) else {
                    if contract == .discardRow { return discardRow() }
                    continue
                }
                position = found
                types = self.types
                while cells.count < types.count { cells.append(.null) }
            }
            if let cell = ValueCoercion.coerce(value, to: types[position]) {
                try checkNUL(value, column: position)
                cells[position] = cell
                continue
            }
            switch contract {
            case .evolve:
                try storeVariant(value, of: name, into: &cells)
                types = self.types
            case .freeze:
                throw LoadError(
                    .schemaContract,
                    "stream \(stream): column \(name) is \(columns[position].type), a \(value.typeDescription) value "
                        + "does not fit it (schema contract freeze)")
            case .discardRow: return discardRow()
            case .discardValue: continue
            }
        }
        for (offset, index) in requiredIndices.enumerated() {
            if let index, cells[index] != .null { continue }
            throw LoadError(.badRows, "stream \(stream): column \(required[offset]) must not be null")
        }
        try sink.append(cells)
        rowsWritten += 1
        rowsSinceCheckpoint += 1
        return true
    }

    /// The column for `name`, adding it when the contract allows; nil when the value is to be dropped.
    private func position(of name: String, for value: JSONValue) throws(LoadError) -> Int? {
        if let position = positions[name] { return position }
        guard let type = ValueCoercion.inferType(value) else { return nil }
        if contract == .evolve || (contract == .freeze && !columnsFrozen) {
            return try addColumn(ColumnSchema(name: name, type: type))
        }
        if contract == .freeze {
            throw LoadError(
                .schemaContract, "stream \(stream): new column \(name) (\(type)) under schema contract freeze")
        }
        return nil
    }

    private func storeVariant(_ value: JSONValue, of name: String, into cells: inout [Cell]) throws(LoadError) {
        guard let type = ValueCoercion.inferType(value) else { return }
        let variant = NameNormalizer.fit(name + "__v_" + type.name)
        var position = positions[variant] ?? -1
        if position < 0 { position = try addColumn(ColumnSchema(name: variant, type: type)) }
        while cells.count < columns.count { cells.append(.null) }
        guard let cell = ValueCoercion.coerce(value, to: columns[position].type) else {
            throw LoadError(
                .schemaContract,
                "stream \(stream): a \(value.typeDescription) value fits neither column \(name) nor \(variant)")
        }
        try checkNUL(value, column: position)
        cells[position] = cell
    }

    /// PostgreSQL's jsonb cannot hold `\u0000`; text cells are checked by the COPY encoder.
    @inline(__always)
    private func checkNUL(_ value: JSONValue, column: Int) throws(LoadError) {
        guard !allowsNUL, columns[column].type == .json, ValueCoercion.containsNUL(value) else { return }
        throw LoadError(
            .badRows,
            "stream \(stream): a value of column \(columns[column].name) holds a NUL character, which this "
                + "destination cannot store")
    }

    private func addColumn(_ column: ColumnSchema) throws(LoadError) -> Int {
        columns.append(column)
        positions[column.name] = columns.count - 1
        cachedPositions = cachedNames.map { positions[$0] ?? -1 }
        refreshRequired()
        try sink.columnsChanged(columns, added: [column])
        return columns.count - 1
    }

    /// Adds declared columns at open (for an existing table, an `ALTER TABLE`).
    func declare(_ added: [ColumnSchema]) throws(LoadError) {
        let fresh = added.filter { positions[$0.name] == nil }
        guard !fresh.isEmpty else { return }
        for column in fresh {
            columns.append(column)
            positions[column.name] = columns.count - 1
            cells.append(.null)
        }
        cachedNames = []
        refreshRequired()
        try sink.columnsChanged(columns, added: fresh)
    }

    private func refreshRequired() {
        requiredIndices = required.map { positions[$0] }
    }

    private func discardRow() -> Bool {
        rowsDiscarded += 1
        return false
    }
}
