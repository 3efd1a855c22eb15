import DltafYAML

/// The bytes of a manifest with the line arithmetic edits need.
struct SourceText {
    let bytes: [UInt8]

    /// `\r\n` when the file uses it, else `\n`.
    var lineBreak: String {
        if let index = bytes.firstIndex(of: UInt8(ascii: "\n")), index > 0, bytes[index - 1] == UInt8(ascii: "\r") {
            return "\r\n"
        }
        return "\n"
    }

    /// The offset of the first line break at or after `offset`, or the end of the text.
    func lineEnd(from offset: Int) -> Int {
        var index = offset
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n"), bytes[index] != UInt8(ascii: "\r") {
            index += 1
        }
        return index
    }

    /// The offset where the line holding `offset` starts.
    func lineStart(of offset: Int) -> Int {
        var index = offset
        while index > 0, bytes[index - 1] != UInt8(ascii: "\n"), bytes[index - 1] != UInt8(ascii: "\r") {
            index -= 1
        }
        return index
    }

    /// The start of the line above the one starting at `lineStart`, or nil on the first line.
    func previousLineStart(before lineStart: Int) -> Int? {
        guard lineStart > 0 else { return nil }
        var end = lineStart - 1
        if end > 0, bytes[end] == 0x0A, bytes[end - 1] == 0x0D { end -= 1 }
        return self.lineStart(of: end)
    }

    /// Whether the line starting at `lineStart` holds only blanks or a comment.
    func isBlankOrComment(lineStart: Int) -> Bool {
        let first = bytes[lineStart..<lineEnd(from: lineStart)].first { $0 != 0x20 && $0 != 0x09 }
        return first == nil || first == UInt8(ascii: "#")
    }

    /// Whether only spaces precede `offset` on its line.
    func startsLine(_ offset: Int) -> Bool {
        bytes[lineStart(of: offset)..<offset].allSatisfy { $0 == UInt8(ascii: " ") }
    }

    /// The offset just after the last non-blank byte before `offset` (not going below `floor`).
    func trimmingBackward(from offset: Int, floor: Int) -> Int {
        var index = offset
        while index > floor, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index - 1]) {
            index -= 1
        }
        return index
    }

    /// The nearest non-blank byte before `offset` on the same line, if any.
    func previousNonBlank(before offset: Int) -> UInt8? {
        var index = offset
        while index > 0 {
            let byte = bytes[index - 1]
            if byte == 0x0A || byte == 0x0D { return nil }
            if byte != 0x20 && byte != 0x09 { return byte }
            index -= 1
        }
        return nil
    }

    /// The 1-based line and column (in Unicode scalars) of `offset`, counting `\n`, `\r\n` and `\r` as breaks.
    func mark(at offset: Int) -> YAMLMark {
        var line = 1
        var column = 1
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < min(offset, bytes.count) {
            let byte = bytes[index]
            if byte == 0x0A || (byte == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if byte != 0x0D && byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return YAMLMark(line: line, column: column)
    }

    /// The text of a byte range.
    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}
