import DltafJSON
import DltafProtocol

/// An RFC 4180 reader fed chunk by chunk: `,` separates fields, `"` quotes (`""` is a quote inside quotes),
/// records end at LF or CRLF, quoted fields may span lines. An empty unquoted field is NULL, `""` an empty
/// string. Fields must be UTF-8. Blank lines are skipped.
struct CSVReader {
    private enum Position {
        case fieldStart
        case unquoted
        case quoted
        case quoteInQuoted
    }

    private var position = Position.fieldStart
    private var field: [UInt8] = []
    private var fieldQuoted = false
    private var record: [JSONValue] = []
    /// The line being read (1-based) and the line the current record started on.
    private var line = 1
    private var recordLine = 1
    private let emit: ([JSONValue], Int) throws(LoadError) -> Void

    /// `emit` gets each record with the line it starts on.
    init(emit: @escaping ([JSONValue], Int) throws(LoadError) -> Void) {
        self.emit = emit
    }

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) throws(LoadError) {
        for byte in bytes {
            switch position {
            case .fieldStart:
                switch byte {
                case 0x22:
                    position = .quoted
                    fieldQuoted = true
                case 0x2C: try endField()
                case 0x0A: try endRecord()
                case 0x0D: continue
                default:
                    field.append(byte)
                    position = .unquoted
                }
            case .unquoted:
                switch byte {
                case 0x2C: try endField()
                case 0x0A: try endRecord()
                case 0x22: throw malformed("a quote inside an unquoted field")
                default: field.append(byte)
                }
            case .quoted:
                if byte == 0x22 {
                    position = .quoteInQuoted
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
            case .quoteInQuoted:
                switch byte {
                case 0x22:
                    field.append(0x22)
                    position = .quoted
                case 0x2C: try endField()
                case 0x0A: try endRecord()
                case 0x0D: continue
                default: throw malformed("characters after a closing quote")
                }
            }
        }
    }

    /// The end of the file.
    mutating func finish() throws(LoadError) {
        if position == .quoted { throw malformed("a quoted field is not closed") }
        if position != .fieldStart || !record.isEmpty { try endRecord() }
    }

    private mutating func endField() throws(LoadError) {
        if !fieldQuoted, field.last == 0x0D { field.removeLast() }
        if !fieldQuoted, field.isEmpty {
            record.append(.null)
        } else {
            let text: String? = field.withUnsafeBufferPointer { bytes in
                UTF8Check.isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
            }
            guard let text else { throw malformed("field \(record.count + 1) is not valid UTF-8") }
            record.append(.string(text))
        }
        field.removeAll(keepingCapacity: true)
        fieldQuoted = false
        position = .fieldStart
    }

    private mutating func endRecord() throws(LoadError) {
        let blank = record.isEmpty && field.isEmpty && !fieldQuoted
        if !blank {
            try endField()
            try emit(record, recordLine)
        }
        record.removeAll(keepingCapacity: true)
        position = .fieldStart
        line += 1
        recordLine = line
    }

    private func malformed(_ what: String) -> LoadError {
        LoadError(.badRows, "line \(line): \(what)")
    }
}
