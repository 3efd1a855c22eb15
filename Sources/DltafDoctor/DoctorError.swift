public import DltafYAML

/// Why the doctor could not examine or fix a file; every case names the file.
public enum DoctorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The file is not valid YAML for dltaf (the error carries the file, line, column and key path).
    case yaml(YAMLError)
    /// The document is a list or a scalar, not a mapping.
    case notMapping(file: String, mark: YAMLMark)
    /// The edited text did not load back, or did not mean what the fixes intended; the file was left unchanged.
    case verificationFailed(file: String, reason: String)
    /// The fixed text could not be written; the file was left unchanged.
    case writeFailed(file: String, reason: String)

    /// The file concerned.
    public var file: String {
        switch self {
        case .unreadable(let file, _), .notMapping(let file, _), .verificationFailed(let file, _),
            .writeFailed(let file, _):
            return file
        case .yaml(let error):
            return error.file ?? ""
        }
    }

    /// Where in the file, when known.
    public var mark: YAMLMark? {
        switch self {
        case .yaml(let error): return error.mark
        case .notMapping(_, let mark): return mark
        case .unreadable, .verificationFailed, .writeFailed: return nil
        }
    }

    /// The message without the file name.
    public var message: String {
        switch self {
        case .unreadable(_, let reason): return "cannot be read: \(reason)"
        case .yaml(let error):
            return error.message + (error.keyPath.map { " (at \($0))" } ?? "")
        case .notMapping: return "a manifest must be a YAML mapping (version, pipeline, source, ...)"
        case .verificationFailed(_, let reason):
            return "the fixed text failed verification, so the file was left unchanged: \(reason)"
        case .writeFailed(_, let reason): return "cannot write the fixed file, so it was left unchanged: \(reason)"
        }
    }

    /// `file:line:column: message`.
    public var description: String {
        var location = file
        if let mark { location += ":\(mark)" }
        return "\(location): \(message)"
    }
}
