import DltafJSON
import DltafManifest
import DltafYAML

/// How fix values and new keys are written.
enum ScalarText {
    /// Plain when YAML reads the text back as the same string, double-quoted otherwise.
    static func plain(_ value: DoctorFix.Value) -> String {
        switch value {
        case .string(let text): return key(text)
        case .int, .bool: return value.description
        }
    }

    /// A mapping key or string value, quoted only when needed.
    static func key(_ text: String) -> String {
        var rendered = YAMLRenderer.render(.string(text))
        if rendered.hasSuffix("\n") { rendered.removeLast() }
        return rendered
    }

    /// `value` written in place of a scalar that was written with `style`: strings keep their quotes.
    static func replacing(_ style: YAMLScalarStyle, with value: DoctorFix.Value) -> String {
        guard case .string(let text) = value else { return value.description }
        switch style {
        case .singleQuoted where !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }):
            return "'" + text.replacing("'", with: "''") + "'"
        case .singleQuoted, .doubleQuoted:
            return JSONValue.string(text).jsonText
        case .plain, .literal, .folded:
            return plain(value)
        }
    }
}
