import DltafProtocol

/// The typed path of in-process sources (`RowBatch`): the values already have their columns' types, so they are
/// checked (tag against type, required columns) and handed to the sink without becoming JSON or `Cell`s.
extension StreamLoad {
    /// The table column of each batch column; every name must be a column already (declared at `open` or in
    /// the table), since a typed batch carries no values to infer a type from.
    func positions(ofBatchColumns names: [String]) throws(LoadError) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(names.count)
        for name in try normalizedNames(names) {
            guard let position = positions[name] else {
                throw LoadError(
                    .badRows, "stream \(stream): column \(name) of a typed batch was not declared in data/open")
            }
            result.append(position)
        }
        return result
    }

    /// Checks and writes every row of `batch` (`positions[i]` is the column of the batch's `i`-th value).
    func add(batch: RowBatch, positions: [Int]) throws(LoadError) -> Int {
        let width = batch.width
        guard width == positions.count else {
            throw LoadError(
                .badRows, "stream \(stream): a batch of \(width) values per row for \(positions.count) columns")
        }
        let expected = positions.map { Self.tag(for: columns[$0].type) }
        let mustHaveValue = positions.map { position in
            requiredIndices.contains { $0 == position }
        }
        let rows = batch.rowCount
        var index = 0
        for _ in 0..<rows {
            for column in 0..<width {
                let tag = batch.tag(index)
                if tag != expected[column] {
                    if tag == .null, !mustHaveValue[column] {
                        index += 1
                        continue
                    }
                    throw mismatch(tag, column: columns[positions[column]])
                }
                index += 1
            }
        }
        // A required column the batch does not carry would be NULL in every row.
        for (offset, required) in requiredIndices.enumerated() where rows > 0 {
            if let required, positions.contains(required) { continue }
            throw LoadError(.badRows, "stream \(stream): column \(self.required[offset]) must not be null")
        }
        try sink.append(batch: batch, positions: positions, width: columns.count)
        rowsWritten += rows
        rowsSinceCheckpoint += rows
        return rows
    }

    private func mismatch(_ tag: RowBatch.Tag, column: ColumnSchema) -> LoadError {
        if tag == .null { return LoadError(.badRows, "stream \(stream): column \(column.name) must not be null") }
        return LoadError(
            .badRows,
            "stream \(stream): column \(column.name) is \(column.type), a batch value of kind \(tag) "
                + "does not fit it")
    }

    /// The one tag a column type takes besides `null`.
    static func tag(for type: DataType) -> RowBatch.Tag {
        switch type {
        case .bigint: return .int
        case .double: return .double
        case .bool: return .bool
        case .binary: return .bytes
        case .text, .decimal, .date, .timestamp, .json: return .text
        }
    }
}

extension TableSink {
    /// Rows of a typed batch, as cells (the generic path; the sinks override it with one that reads the batch
    /// in place). `positions[i]` is the table column of the batch's `i`-th value; the others are NULL.
    func appendCells(of batch: RowBatch, positions: [Int], width: Int) throws(LoadError) {
        var cells = [Cell](repeating: .null, count: width)
        var index = 0
        for _ in 0..<batch.rowCount {
            for position in positions {
                cells[position] = Self.cell(batch, index)
                index += 1
            }
            try append(cells)
        }
    }

    static func cell(_ batch: RowBatch, _ index: Int) -> Cell {
        switch batch.tag(index) {
        case .null: return .null
        case .int: return .int(batch.int(index))
        case .double: return .double(batch.double(index))
        case .bool: return .bool(batch.bool(index))
        case .text: return .text(batch.text(index))
        case .bytes: return .bytes(batch.withBytes(index) { Array($0) })
        }
    }
}
