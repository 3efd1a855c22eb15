/// The last bytes a plugin wrote on stderr, bounded, for failure reports.
struct StderrTail: Sendable {
    let capacity: Int
    private var bytes: [UInt8] = []

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func append(line: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: line.prefix(capacity))
        bytes.append(0x0A)
        if bytes.count > capacity * 2 {
            bytes.removeFirst(bytes.count - capacity)
        }
    }

    var text: String {
        var tail = bytes.suffix(capacity)
        // Start at a line boundary when the tail was cut.
        if bytes.count > capacity, let newline = tail.firstIndex(of: 0x0A) {
            tail = tail[(newline + 1)...]
        }
        var text = String(decoding: tail, as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
