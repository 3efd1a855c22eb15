/// The text bytes of the rows being bound in a buffer that does not move while the row is bound: SQLite reads them in place
/// (`SQLITE_STATIC`) instead of copying each value into memory of its own.
struct TextArena: ~Copyable {
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var used = 0

    init() {
        capacity = 4096
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
    }

    deinit { storage.deallocate() }

    /// Makes room for every text cell of `cells`; pointers from earlier rows become invalid.
    mutating func reset(for cells: ArraySlice<Cell>) {
        used = 0
        var needed = 0
        for cell in cells {
            if case .text(let text) = cell { needed += text.utf8.count }
        }
        guard needed > capacity else { return }
        storage.deallocate()
        capacity = max(needed, capacity * 2)
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
    }

    /// Copies `text` in; the pointer stays valid until the next `reset`.
    mutating func store(_ text: String) -> (UnsafePointer<CChar>, Int32) {
        var text = text
        let start = storage + used
        let count = text.withUTF8 { bytes in
            if let base = bytes.baseAddress { start.copyMemory(from: base, byteCount: bytes.count) }
            return bytes.count
        }
        used += count
        return (UnsafePointer(start.assumingMemoryBound(to: CChar.self)), Int32(count))
    }
}
