import DltafJSON
import DltafLoad

/// The cursor of an incremental unit: the highest value loaded so far and the rows that carry it, so that the
/// next read can start at that value (inclusive, which catches rows that arrived later with the same value)
/// and skip the rows it already has. Rows arrive ordered by the cursor.
///
/// The stream state it keeps: `{"cursor": column, "last_value": v, "boundary_keys": [...]}`, where a key is the
/// primary key's values (or a hash of the whole row when there is no key).
struct IncrementalCursor {
    /// Rows sharing the last value above which a checkpoint waits for the value to change (the state stays small).
    static let boundaryLimit = 10_000

    let column: String
    private let cursorIndex: Int
    private let keyIndices: [Int]
    private(set) var lastValue: JSONValue?
    private(set) var boundaryKeys: Set<String> = []
    /// The state the run started from: rows at its value with these keys are skipped.
    private let resumeValue: JSONValue?
    private let resumeKeys: Set<String>

    /// - Parameters:
    ///   - columns: the batch's column names; `keyColumns` among them identify a row (empty: the whole row).
    ///   - state: the committed stream state, nil for a first run.
    init?(column: String, columns: [String], keyColumns: [String], state: JSONValue?) {
        guard let cursorIndex = columns.firstIndex(of: column) else { return nil }
        self.column = column
        self.cursorIndex = cursorIndex
        keyIndices = keyColumns.compactMap { columns.firstIndex(of: $0) }
        resumeValue = state?["last_value"].flatMap { $0 == .null ? nil : $0 }
        resumeKeys = Set((state?["boundary_keys"]?.arrayValue ?? []).compactMap(\.stringValue))
        lastValue = resumeValue
        boundaryKeys = resumeKeys
    }

    /// Where the next read starts: the committed last value, else the manifest's initial value.
    func lowerBound(initial: JSONValue?) -> JSONValue? { resumeValue ?? initial }

    /// `batch` without the rows a previous run already loaded (only rows at the resumed value can be).
    func filtered(_ batch: RowBatch) -> RowBatch {
        guard let resumeValue, !resumeKeys.isEmpty, batch.rowCount > 0 else { return batch }
        var kept = RowBatch(width: batch.width, capacity: batch.rowCount)
        for row in 0..<batch.rowCount {
            let index = row * batch.width + cursorIndex
            if Self.value(batch, index) == resumeValue, resumeKeys.contains(key(batch, row)) { continue }
            kept.appendRow(of: batch, row)
        }
        return kept
    }

    /// Takes the last value and its rows from a written batch.
    mutating func advance(over batch: RowBatch) {
        let rows = batch.rowCount
        guard rows > 0 else { return }
        let last = Self.value(batch, (rows - 1) * batch.width + cursorIndex)
        if last != lastValue {
            lastValue = last
            boundaryKeys = []
        }
        var row = rows - 1
        while row >= 0, Self.value(batch, row * batch.width + cursorIndex) == last {
            boundaryKeys.insert(key(batch, row))
            row -= 1
        }
    }

    /// Whether the state is small enough to checkpoint now.
    var canCheckpoint: Bool { boundaryKeys.count <= Self.boundaryLimit }

    /// The stream state to commit.
    var state: JSONValue {
        .object([
            "cursor": .string(column), "last_value": lastValue ?? .null,
            "boundary_keys": .array(boundaryKeys.sorted().map { .string($0) }),
        ])
    }

    /// The identity of a row: its key values, or a hash of all of them.
    private func key(_ batch: RowBatch, _ row: Int) -> String {
        let first = row * batch.width
        if !keyIndices.isEmpty {
            return keyIndices.map { Self.value(batch, first + $0).jsonText }.joined(separator: ",")
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in first..<(first + batch.width) {
            for byte in Self.value(batch, index).jsonText.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            hash = (hash ^ 0x1F) &* 0x100_0000_01b3
        }
        return "h:" + String(hash, radix: 16)
    }

    /// A batch value as JSON (text stays text: dates and timestamps compare as the loader stores them).
    static func value(_ batch: RowBatch, _ index: Int) -> JSONValue {
        switch batch.tag(index) {
        case .null: return .null
        case .int: return .int(Int(batch.int(index)))
        case .double: return .double(batch.double(index))
        case .bool: return .bool(batch.bool(index))
        case .text: return .string(batch.text(index))
        case .bytes: return .string(batch.withBytes(index) { $0.map { String($0, radix: 16) }.joined() })
        }
    }
}
