import CDltafClients
import DltafLoad

/// The rows of a MariaDB query, streamed from the server and appended to batches as the `RowBatch` contract
/// says (types in `MariaDBTypes`).
final class MariaDBCursor: SourceCursor {
    let columns: [SourceColumn]
    private let result: MariaDBResult
    private let readers: [Reader]
    /// Where each column's values come from, for messages: `table`.`column` (the table as the query names it).
    private let places: [String]
    private var finished = false

    /// How one column's values go into a batch.
    private enum Reader {
        case bool, int, unsignedDecimal, float, double, decimal, text, bytes, date, timestamp
        /// No loader type: reading a value fails.
        case unmappable
    }

    init(result: MariaDBResult) {
        self.result = result
        columns = result.columns.map(MariaDBTypes.column)
        readers = zip(columns, result.columns).map { Self.reader($0.type, bound: Int($1.bound)) }
        places = zip(columns, result.columns).map { column, info in
            let table = MariaDBText.string(info.table, info.table_length)
            let name = MariaDBText.quote(column.name)
            return table.isEmpty ? name : MariaDBText.quote(table) + "." + name
        }
    }

    deinit { result.close() }

    func next(into batch: inout RowBatch, maxRows: Int) throws(SQLSourceError) -> Bool {
        if let index = readers.firstIndex(where: { if case .unmappable = $0 { true } else { false } }) {
            throw SQLSourceError(
                .data, "mysql: \(places[index]) has type \(columns[index].sourceType), which dltaf cannot read")
        }
        guard !finished else { return false }
        var rows = 0
        while rows < maxRows {
            guard try result.fetch() else {
                finished = true
                result.close()
                return false
            }
            for index in readers.indices {
                guard let bytes = result.value(index) else {
                    batch.appendNull()
                    continue
                }
                guard append(bytes, readers[index], to: &batch) else {
                    batch.dropPartialRow()
                    throw badValue(bytes, column: index)
                }
            }
            rows += 1
        }
        return true
    }

    func close() {
        finished = true
        result.close()
    }

    @inline(__always)
    private func append(_ bytes: UnsafeRawBufferPointer, _ reader: Reader, to batch: inout RowBatch) -> Bool {
        switch reader {
        case .bool: batch.append(bytes.loadUnaligned(as: Int64.self) != 0)
        case .int: batch.append(bytes.loadUnaligned(as: Int64.self))
        case .unsignedDecimal: batch.appendText(String(bytes.loadUnaligned(as: UInt64.self)))
        // The shortest text that reads back as the same Float, as MariaDB itself prints it: 0.1, not 0.100000001.
        case .float: batch.append(Double(String(bytes.loadUnaligned(as: Float.self))) ?? .nan)
        case .double: batch.append(bytes.loadUnaligned(as: Double.self))
        case .decimal: return MariaDBValues.appendDecimal(bytes, to: &batch)
        case .text: batch.appendText(bytes)
        case .bytes: batch.appendBytes(bytes)
        case .date: return MariaDBValues.appendDate(bytes, to: &batch)
        case .timestamp: return MariaDBValues.appendTimestamp(bytes, to: &batch)
        case .unmappable: return false
        }
        return true
    }

    private func badValue(_ bytes: UnsafeRawBufferPointer, column index: Int) -> SQLSourceError {
        let text = String(decoding: bytes.prefix(40), as: UTF8.self)
        let type = columns[index].sourceType
        if case .date = readers[index], MariaDBValues.isZeroDate(bytes) { return zeroDate(text, index) }
        if case .timestamp = readers[index], MariaDBValues.isZeroDate(bytes) { return zeroDate(text, index) }
        return SQLSourceError(.data, "mysql: \(places[index]) (\(type)): '\(text)' is not a valid \(type) value")
    }

    private func zeroDate(_ text: String, _ index: Int) -> SQLSourceError {
        SQLSourceError(
            .data,
            "mysql: \(places[index]) (\(columns[index].sourceType)): the zero date '\(text)' is not a date; select "
                + "NULLIF(\(MariaDBText.quote(columns[index].name)), '\(text)') to read it as NULL")
    }

    /// The reader for a loader type and the way libmariadb hands the column's values over.
    private static func reader(_ type: DataType?, bound: Int) -> Reader {
        switch (type, bound) {
        case (.bool?, DLTAF_MY_BOUND_INT64), (.bool?, DLTAF_MY_BOUND_UINT64): return .bool
        case (.bigint?, DLTAF_MY_BOUND_INT64): return .int
        case (.decimal?, DLTAF_MY_BOUND_UINT64): return .unsignedDecimal
        case (.decimal?, DLTAF_MY_BOUND_BYTES): return .decimal
        case (.double?, DLTAF_MY_BOUND_FLOAT): return .float
        case (.double?, DLTAF_MY_BOUND_DOUBLE): return .double
        case (.text?, DLTAF_MY_BOUND_BYTES), (.json?, DLTAF_MY_BOUND_BYTES): return .text
        case (.binary?, DLTAF_MY_BOUND_BYTES): return .bytes
        case (.date?, DLTAF_MY_BOUND_BYTES): return .date
        case (.timestamp?, DLTAF_MY_BOUND_BYTES): return .timestamp
        default: return .unmappable
        }
    }
}
