import Foundation

/// A text with `{{placeholder}}` slots, filled by `render`.
///
/// Placeholders are lower-case words with underscores. Values are inserted as given: quote them for their
/// context first (`Quote`). A placeholder without a value is an error, so a template cannot ship half-filled.
struct Template: Sendable {
    /// Names the template in errors (e.g. `python/main.py`).
    let name: String
    /// The text.
    let text: String

    init(_ name: String, _ text: String) {
        self.name = name
        self.text = text
    }

    /// The text with every placeholder replaced by its value.
    func render(_ values: [String: String]) throws(ScaffoldError) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}"),
                case let key = String(afterOpen[..<close.lowerBound]),
                !key.isEmpty, key.utf8.allSatisfy(Self.isKeyByte)
            else {
                // Not a placeholder (e.g. `{{` in code): keep it as written.
                output += "{{"
                rest = afterOpen
                continue
            }
            guard let value = values[key] else { throw .template(name: name, placeholder: key) }
            output += value
            rest = afterOpen[close.upperBound...]
        }
        output += rest
        return output
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
    }
}

/// Quoting of values inserted into generated code.
enum Quote {
    /// A double-quoted string literal valid in JSON, Python and JavaScript.
    static func json(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// A Swift string literal.
    static func swift(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case let control where control.value < 0x20:
                output += "\\u{" + String(control.value, radix: 16) + "}"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// A single-quoted shell word (safe for any text).
    static func shell(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A shell word: the text as is when it needs no quoting, else single-quoted.
    static func shellWord(_ text: String) -> String {
        let safe = text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || "/._-+:,@%=".utf8.contains(byte)
        }
        return safe && !text.isEmpty ? text : shell(text)
    }
}
