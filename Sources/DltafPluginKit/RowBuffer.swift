import DltafJSON

/// The rows of one stream waiting to be sent, in one column layout.
///
/// A row that brings a new column widens the layout: the column is appended and the rows already buffered get
/// `null` in it, as a row that lacks a column does.
struct RowBuffer: Sendable {
    private(set) var columns: [String] = []
    private var positions: [String: Int] = [:]
    private(set) var values: [[JSONValue]] = []

    var count: Int { values.count }
    var isEmpty: Bool { values.isEmpty }

    /// Appends rows given as objects; new columns are added in sorted order, so the layout does not depend on
    /// dictionary order.
    mutating func append(_ rows: some Sequence<[String: JSONValue]>) {
        for row in rows {
            let added = row.keys.filter { positions[$0] == nil }.sorted()
            if !added.isEmpty { widen(added) }
            var cells = [JSONValue](repeating: .null, count: columns.count)
            for (name, value) in row {
                if let position = positions[name] { cells[position] = value }
            }
            values.append(cells)
        }
    }

    /// Appends rows given in `columns` order; each row must be exactly as wide as `columns`.
    mutating func append(columns given: [String], values rows: [[JSONValue]]) {
        if given == columns || values.isEmpty && columns.isEmpty {
            if columns.isEmpty { widen(given) }
            values.append(contentsOf: rows)
            return
        }
        let added = given.filter { positions[$0] == nil }
        if !added.isEmpty { widen(added) }
        let targets = given.compactMap { positions[$0] }
        for row in rows {
            var cells = [JSONValue](repeating: .null, count: columns.count)
            for (target, value) in zip(targets, row) { cells[target] = value }
            values.append(cells)
        }
    }

    /// Takes up to `limit` rows from the front; once empty, the buffer starts the next rows in a fresh layout.
    mutating func take(_ limit: Int) -> (columns: [String], values: [[JSONValue]]) {
        let taken = Array(values.prefix(limit))
        values.removeFirst(taken.count)
        let layout = columns
        if values.isEmpty {
            columns = []
            positions = [:]
        }
        return (layout, taken)
    }

    private mutating func widen(_ added: [String]) {
        for name in added {
            positions[name] = columns.count
            columns.append(name)
        }
        for index in values.indices {
            values[index].append(contentsOf: repeatElement(JSONValue.null, count: added.count))
        }
    }
}
