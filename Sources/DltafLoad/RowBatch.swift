/// Rows of typed values as an in-process source reads them (the `sqldb` runner): no JSON and no allocation per
/// value. Values are appended row by row, `width` per row; text and bytes are copied into one buffer.
///
/// What a value may be depends on its column's type (`LoadSession.write(stream:batch:)` checks it):
/// `bigint` takes `int`, `double` takes `double`, `bool` takes `bool`, `binary` takes `bytes`, and `text`,
/// `decimal`, `date`, `timestamp` and `json` take `text` in the loader's text forms (digits for a decimal,
/// `YYYY-MM-DD`, RFC 3339, JSON text). Any column takes `null`.
public struct RowBatch: Sendable {
    /// What one value is.
    public enum Tag: UInt8, Sendable {
        case null, int, double, bool, text, bytes
    }

    /// Values per row.
    public let width: Int
    private(set) var tags: [Tag] = []
    /// The integer, the bit pattern of the double, 0/1, or the offset of the text or bytes in `storage`.
    private(set) var payloads: [Int64] = []
    /// The byte count of text and bytes values (0 for the others).
    private(set) var lengths: [Int32] = []
    private(set) var storage: [UInt8] = []
    /// Where the text being built with `beginText` started.
    private var openText = -1

    /// An empty batch of rows of `width` values, with room for `capacity` rows.
    public init(width: Int, capacity: Int = 0) {
        self.width = width
        let values = width * capacity
        tags.reserveCapacity(values)
        payloads.reserveCapacity(values)
        lengths.reserveCapacity(values)
        storage.reserveCapacity(values * 16)
    }

    /// The number of complete rows.
    public var rowCount: Int { width == 0 ? 0 : tags.count / width }

    /// The number of values appended (a multiple of `width` between rows).
    public var valueCount: Int { tags.count }

    /// The bytes held by text and bytes values.
    public var byteCount: Int { storage.count }

    /// Empties the batch, keeping its memory.
    public mutating func removeAll() {
        tags.removeAll(keepingCapacity: true)
        payloads.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        storage.removeAll(keepingCapacity: true)
        openText = -1
    }

    /// Drops the values of an unfinished row.
    public mutating func dropPartialRow() {
        let keep = rowCount * width
        guard tags.count > keep else { return }
        let bytes = (keep..<tags.count).first { tags[$0] == .text || tags[$0] == .bytes }.map { Int(payloads[$0]) }
        tags.removeSubrange(keep...)
        payloads.removeSubrange(keep...)
        lengths.removeSubrange(keep...)
        if let bytes { storage.removeSubrange(bytes...) }
        openText = -1
    }

    // MARK: Appending

    @inline(__always)
    private mutating func append(_ tag: Tag, _ payload: Int64, _ length: Int32 = 0) {
        tags.append(tag)
        payloads.append(payload)
        lengths.append(length)
    }

    /// Appends SQL NULL.
    @inline(__always)
    public mutating func appendNull() { append(.null, 0) }

    /// Appends an integer.
    @inline(__always)
    public mutating func append(_ value: Int64) { append(.int, value) }

    /// Appends a double.
    @inline(__always)
    public mutating func append(_ value: Double) { append(.double, Int64(bitPattern: value.bitPattern)) }

    /// Appends a boolean.
    @inline(__always)
    public mutating func append(_ value: Bool) { append(.bool, value ? 1 : 0) }

    /// Appends UTF-8 text.
    @inline(__always)
    public mutating func appendText(_ bytes: UnsafeRawBufferPointer) {
        append(.text, Int64(storage.count), Int32(bytes.count))
        storage.append(contentsOf: bytes)
    }

    /// Appends text.
    public mutating func appendText(_ text: String) {
        var text = text
        text.withUTF8 { appendText(UnsafeRawBufferPointer($0)) }
    }

    /// Appends bytes (a `binary` value).
    @inline(__always)
    public mutating func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        append(.bytes, Int64(storage.count), Int32(bytes.count))
        storage.append(contentsOf: bytes)
    }

    /// Appends bytes.
    public mutating func appendBytes(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { appendBytes($0) }
    }

    /// Starts a text (or, with `endBytes`, a bytes) value built piece by piece with `appendPiece`.
    @inline(__always)
    public mutating func beginText() { openText = storage.count }

    /// Adds one byte to the value begun with `beginText`.
    @inline(__always)
    public mutating func appendPiece(_ byte: UInt8) { storage.append(byte) }

    /// Adds bytes to the value begun with `beginText`.
    @inline(__always)
    public mutating func appendPiece(_ bytes: UnsafeRawBufferPointer) { storage.append(contentsOf: bytes) }

    /// Ends the value begun with `beginText` as text.
    @inline(__always)
    public mutating func endText() { endPieces(.text) }

    /// Ends the value begun with `beginText` as bytes.
    @inline(__always)
    public mutating func endBytes() { endPieces(.bytes) }

    private mutating func endPieces(_ tag: Tag) {
        let start = max(openText, 0)
        append(tag, Int64(start), Int32(storage.count - start))
        openText = -1
    }

    /// Appends row `row` of `other` (same width).
    public mutating func appendRow(of other: RowBatch, _ row: Int) {
        for index in (row * other.width)..<((row + 1) * other.width) {
            switch other.tags[index] {
            case .text, .bytes:
                let (offset, count) = other.span(index)
                append(other.tags[index], Int64(storage.count), Int32(count))
                storage.append(contentsOf: other.storage[offset..<(offset + count)])
            default: append(other.tags[index], other.payloads[index])
            }
        }
    }

    // MARK: Reading

    /// The tag of value `index` (row-major: `row * width + column`).
    @inline(__always)
    public func tag(_ index: Int) -> Tag { tags[index] }

    /// The integer of an `int` value.
    @inline(__always)
    public func int(_ index: Int) -> Int64 { payloads[index] }

    /// The double of a `double` value.
    @inline(__always)
    public func double(_ index: Int) -> Double { Double(bitPattern: UInt64(bitPattern: payloads[index])) }

    /// The boolean of a `bool` value.
    @inline(__always)
    public func bool(_ index: Int) -> Bool { payloads[index] != 0 }

    /// Calls `body` with the bytes of a `text` or `bytes` value (valid inside `body` only).
    @inline(__always)
    public func withBytes<Result>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let start = Int(payloads[index])
        let count = Int(lengths[index])
        return try storage.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[start..<(start + count)]))
        }
    }

    /// The text of a `text` value (for messages and tests; the load paths read bytes in place).
    public func text(_ index: Int) -> String {
        withBytes(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the whole byte buffer, for loops that read many values (offsets from `offset(_:)`).
    @inline(__always)
    public func withStorage<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBytes(body)
    }

    /// Where the bytes of a `text` or `bytes` value start in the buffer of `withStorage`, and how many there are.
    @inline(__always)
    public func span(_ index: Int) -> (offset: Int, count: Int) { (Int(payloads[index]), Int(lengths[index])) }
}
