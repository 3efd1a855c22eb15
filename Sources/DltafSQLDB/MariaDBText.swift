/// Text helpers for the MariaDB source.
enum MariaDBText {
    /// A fixed C buffer (imported as a tuple) up to its first NUL.
    static func string<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// `length` bytes at `pointer` (a C string the library owns) as text; empty for NULL.
    static func string(_ pointer: UnsafePointer<CChar>?, _ length: UInt32) -> String {
        guard let pointer, length > 0 else { return "" }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
        }
    }

    /// `name` as a MySQL identifier: in backticks, backticks doubled.
    static func quote(_ name: String) -> String {
        "`" + name.replacing("`", with: "``") + "`"
    }

    /// The statement's first line, shortened, for messages.
    static func excerpt(_ sql: String) -> String {
        let words = sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return words.count > 80 ? String(words.prefix(77)) + "..." : words
    }
}
