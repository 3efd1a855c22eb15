/// Table and column names as dlt's `snake_case` naming makes them (PROTOCOL.md §8.4), and their quoting.
///
/// The exact rule, applied to the name's Unicode scalars:
/// 1. camelCase breaks get an underscore: before an upper-case ASCII letter that follows a lower-case letter or
///    digit (`userId` → `user_Id`), and before an upper-case letter followed by a lower-case one when it follows
///    another upper-case letter (`HTTPServer` → `HTTP_Server`);
/// 2. ASCII letters are lower-cased;
/// 3. every run of characters other than `a-z`, `0-9` and `_` (spaces, quotes, punctuation, any non-ASCII
///    letter) becomes one `_`;
/// 4. a leading digit gets a `_` prefix;
/// 5. a result longer than the limit (63 bytes, PostgreSQL's, less room for suffixes) keeps its head and ends
///    with `_` and 8 hex digits of a hash of the whole original name, so long names stay distinct.
///
/// Underscores are not collapsed. Names that differ only in the characters rule 3 replaces become the same
/// column, as in dlt. The empty name is refused by the caller.
enum NameNormalizer {
    /// PostgreSQL's identifier limit in bytes.
    static let maxIdentifierBytes = 63
    /// Room kept in table names for `__dltaf_stage`.
    static let tableSuffixRoom = StagingNames.suffix.utf8.count

    /// The normalised name, at most `limit` bytes.
    static func normalize(_ name: String, limit: Int = maxIdentifierBytes) -> String {
        let scalars = Array(name.unicodeScalars)
        var output: [UInt8] = []
        output.reserveCapacity(scalars.count + 4)
        var pendingBreak = false
        for (index, scalar) in scalars.enumerated() {
            let value = scalar.value
            let isUpper = value >= 0x41 && value <= 0x5A
            if isUpper, index > 0, needsBreak(scalars, at: index), output.last != UInt8(ascii: "_") {
                output.append(UInt8(ascii: "_"))
            }
            if isUpper {
                output.append(UInt8(value + 0x20))
                pendingBreak = false
            } else if (value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39) || value == 0x5F {
                output.append(UInt8(value))
                pendingBreak = false
            } else if !pendingBreak {
                output.append(UInt8(ascii: "_"))
                pendingBreak = true
            }
        }
        if let first = output.first, first >= 0x30, first <= 0x39 { output.insert(UInt8(ascii: "_"), at: 0) }
        if output.count > limit {
            let hash = hexHash(name)
            output = Array(output.prefix(limit - hash.count - 1)) + [UInt8(ascii: "_")] + Array(hash.utf8)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A name built from normalised parts (a variant column, a staging table), shortened the same way.
    static func fit(_ name: String, limit: Int = maxIdentifierBytes) -> String {
        guard name.utf8.count > limit else { return name }
        let hash = hexHash(name)
        return String(decoding: name.utf8.prefix(limit - hash.count - 1), as: UTF8.self) + "_" + hash
    }

    /// `"name"` with embedded quotes doubled: the quoting of both SQLite and PostgreSQL.
    static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacing("\"", with: "\"\"") + "\""
    }

    private static func needsBreak(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        let previous = scalars[index - 1].value
        if (previous >= 0x61 && previous <= 0x7A) || (previous >= 0x30 && previous <= 0x39) { return true }
        let previousUpper = previous >= 0x41 && previous <= 0x5A
        guard previousUpper, index + 1 < scalars.count else { return false }
        let next = scalars[index + 1].value
        return next >= 0x61 && next <= 0x7A
    }

    /// FNV-1a (32 bits) as 8 hex digits: stable across runs and platforms, unlike `Hasher`.
    static func hexHash(_ text: String) -> String {
        var hash: UInt32 = 0x811c_9dc5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// Names the loader derives from a table name.
enum StagingNames {
    /// The suffix of a staging table.
    static let suffix = "__dltaf_stage"

    /// The staging table of `table`.
    static func stage(_ table: String) -> String { table + suffix }

    /// The unique index that `merge` needs on the key.
    static func keyIndex(_ table: String) -> String { NameNormalizer.fit(table + "__dltaf_key") }

    /// The column every table gets.
    static let loadIDColumn = "_dltaf_load_id"
}
