/// `:name` parameters of a manifest's SQL (SQLAlchemy's style, which the Python dltaf's queries use) turned into
/// the source's placeholders, with the values bound, never pasted into the SQL. Quoted strings, quoted
/// identifiers, comments and `::` casts are left alone.
enum NamedParameters {
    /// A `:name` the query uses but `params` does not give.
    struct Missing: Error {
        var name: String
    }

    /// The statement for `sql` with `values`; `placeholder(i)` is the dialect's i-th placeholder (1-based), and
    /// `reusable` says whether one placeholder can stand for every use of a name (`$1`, `?1`) or each use needs
    /// its own (`?`).
    static func bind(
        _ sql: String, values: [String: SQLParameter], placeholder: (Int) -> String, reusable: Bool
    ) throws(Missing) -> SourceStatement {
        let characters = Array(sql.unicodeScalars)
        var output = String.UnicodeScalarView()
        var parameters: [SQLParameter] = []
        var indexOfName: [String: Int] = [:]
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "'", "\"", "`":
                let end = closing(characters, from: index, quote: character)
                output.append(contentsOf: characters[index..<end])
                index = end
            case "-" where next(characters, index) == "-":
                let end = characters[index...].firstIndex(of: "\n") ?? characters.count
                output.append(contentsOf: characters[index..<end])
                index = end
            case "/" where next(characters, index) == "*":
                var end = index + 2
                while end + 1 < characters.count, !(characters[end] == "*" && characters[end + 1] == "/") { end += 1 }
                end = min(characters.count, end + 2)
                output.append(contentsOf: characters[index..<end])
                index = end
            case ":" where next(characters, index) == ":":
                output.append(contentsOf: characters[index...(index + 1)])
                index += 2
            case ":" where isNameStart(next(characters, index)) && !isNamePart(previous(characters, index)):
                var end = index + 1
                while end < characters.count, isNamePart(characters[end]) { end += 1 }
                let name = String(String.UnicodeScalarView(characters[(index + 1)..<end]))
                guard let value = values[name] else { throw Missing(name: name) }
                let position: Int
                if reusable, let known = indexOfName[name] {
                    position = known
                } else {
                    parameters.append(value)
                    position = parameters.count
                    indexOfName[name] = position
                }
                output.append(contentsOf: placeholder(position).unicodeScalars)
                index = end
            default:
                output.append(character)
                index += 1
            }
        }
        return SourceStatement(sql: String(output), parameters: parameters)
    }

    /// The index after the quoted run starting at `start` (a doubled quote stays inside).
    private static func closing(_ characters: [Unicode.Scalar], from start: Int, quote: Unicode.Scalar) -> Int {
        var index = start + 1
        while index < characters.count {
            if characters[index] == quote {
                if next(characters, index) == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return characters.count
    }

    private static func next(_ characters: [Unicode.Scalar], _ index: Int) -> Unicode.Scalar? {
        index + 1 < characters.count ? characters[index + 1] : nil
    }

    private static func previous(_ characters: [Unicode.Scalar], _ index: Int) -> Unicode.Scalar? {
        index > 0 ? characters[index - 1] : nil
    }

    private static func isNameStart(_ character: Unicode.Scalar?) -> Bool {
        guard let character else { return false }
        return character == "_" || character.properties.isAlphabetic
    }

    private static func isNamePart(_ character: Unicode.Scalar?) -> Bool {
        guard let character else { return false }
        return isNameStart(character) || ("0"..."9").contains(character)
    }
}
