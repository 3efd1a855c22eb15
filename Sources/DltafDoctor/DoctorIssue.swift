public import DltafManifest
public import DltafYAML

/// One finding of the doctor about one manifest.
public struct DoctorIssue: Sendable, Equatable, CustomStringConvertible {
    /// What kind of finding it is.
    public var code: DoctorCode
    /// English explanation.
    public var message: String
    /// Where the offending key or value is written (1-based); for a missing key, the mapping that should hold it.
    public var mark: YAMLMark
    /// The key path the issue is about (`pipeline.name`).
    public var path: ManifestPath
    /// The change `--apply` makes; nil for warnings and errors.
    public var fix: DoctorFix?

    /// Creates an issue.
    public init(code: DoctorCode, message: String, mark: YAMLMark, path: ManifestPath, fix: DoctorFix? = nil) {
        self.code = code
        self.message = message
        self.mark = mark
        self.path = path
        self.fix = fix
    }

    /// The issue's level, from its code.
    public var level: DoctorLevel { code.level }

    /// `[FIX] CODE: message`.
    public var description: String { "[\(level.rawValue)] \(code.rawValue): \(message)" }
}
