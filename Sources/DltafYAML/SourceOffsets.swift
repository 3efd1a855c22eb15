/// Converts libyaml's mark indexes, which count Unicode scalars (a CR LF pair counts two), into byte offsets.
///
/// Pure ASCII input, the usual case, needs no table: the index is the offset.
struct SourceOffsets {
    /// Bytes skipped before the parser's input (a UTF-8 BOM).
    private let prefix: Int
    /// Byte offset of each scalar, plus the input's length at the end; nil for ASCII input.
    private let table: [Int]?

    /// Prepares the conversion for `input`, which is what libyaml parses (after the BOM of `prefix` bytes).
    init(input: UnsafeBufferPointer<UInt8>, prefix: Int) {
        self.prefix = prefix
        guard input.contains(where: { $0 >= 0x80 }) else {
            table = nil
            return
        }
        var offsets: [Int] = []
        offsets.reserveCapacity(input.count + 1)
        for (index, byte) in input.enumerated() where byte & 0xC0 != 0x80 {
            offsets.append(index)
        }
        offsets.append(input.count)
        table = offsets
    }

    /// The byte offset, in the whole input, of the scalar at `index`.
    func offset(ofIndex index: Int) -> Int {
        guard let table else { return prefix + index }
        return prefix + table[min(max(index, 0), table.count - 1)]
    }
}
