/// Formats the location of a node as `a.b[2].c`; keys that would be ambiguous in that syntax are written `["a.b"]`.
struct KeyPath {
    private(set) var text: String?

    mutating func append(key: String) {
        let needsQuoting =
            key.isEmpty || key.contains { $0 == "." || $0 == "[" || $0 == "]" || $0 == "\"" || $0.isWhitespace }
        if needsQuoting {
            let escaped = key.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
            text = (text ?? "") + "[\"\(escaped)\"]"
        } else if let current = text {
            text = current + "." + key
        } else {
            text = key
        }
    }

    mutating func append(index: Int) {
        text = (text ?? "") + "[\(index)]"
    }
}
