import DltafJSON
import DltafManifest
public import DltafYAML

/// Examines manifest texts and fixes them in place: comments, quotes and layout stay as written because each fix
/// edits only the bytes libyaml reports for the value it changes.
public struct ManifestDoctor: Sendable {
    /// Finds the issues.
    public var analyzer: ManifestAnalyzer
    /// YAML limits for loading.
    public var limits: YAMLLimits

    /// Creates a doctor.
    public init(analyzer: ManifestAnalyzer = ManifestAnalyzer(), limits: YAMLLimits = .default) {
        self.analyzer = analyzer
        self.limits = limits
    }

    /// Loads `bytes` and finds the issues; `file` names the manifest (its stem is the expected pipeline name).
    public func diagnose(_ bytes: [UInt8], file: String) throws(DoctorError) -> Diagnosis {
        let root: YAMLNode?
        do {
            root = try YAMLLoader.load(bytes, file: file, limits: limits)
        } catch {
            throw .yaml(error)
        }
        if let root, !root.isMapping {
            throw .notMapping(file: file, mark: root.mark)
        }
        return Diagnosis(root: root, issues: analyzer.analyze(root, fileStem: Self.stem(of: file)))
    }

    /// Makes every fix of `diagnosis` that can be made in place, then checks the result.
    ///
    /// - Throws: `verificationFailed` when the new text does not load, does not mean the original with the fixes
    ///   applied, or still has a fixed issue. Nothing is written here.
    public func fix(_ bytes: [UInt8], file: String, diagnosis: Diagnosis) throws(DoctorError) -> FixOutcome {
        let fixable = diagnosis.issues.filter { $0.fix != nil }
        guard !fixable.isEmpty else { return FixOutcome(bytes: bytes, applied: [], skipped: []) }
        let syntax: YAMLSyntaxNode?
        do {
            syntax = try YAMLSyntaxParser.parse(bytes, file: file, limits: limits)
        } catch {
            throw .yaml(error)
        }
        let planner = EditPlanner(text: SourceText(bytes: bytes), root: syntax)
        var applied: [AppliedFix] = []
        var skipped: [SkippedFix] = []
        for (order, issue) in fixable.enumerated() {
            guard let fix = issue.fix else { continue }
            do {
                applied.append(AppliedFix(issue: issue, edits: try planner.edits(for: fix, order: order)))
            } catch {
                skipped.append(SkippedFix(issue: issue, reason: error.reason))
            }
        }
        guard !applied.isEmpty else { return FixOutcome(bytes: bytes, applied: [], skipped: skipped) }
        let edited = try verifiedText(bytes, file: file, diagnosis: diagnosis, applied: applied)
        return FixOutcome(bytes: edited, applied: applied, skipped: skipped)
    }

    /// Applies the edits of `applied` and checks the result means what the fixes intend.
    func verifiedText(
        _ bytes: [UInt8], file: String, diagnosis: Diagnosis, applied: [AppliedFix]
    ) throws(DoctorError) -> [UInt8] {
        let edited: [UInt8]
        do {
            edited = try TextEdit.apply(applied.flatMap(\.edits), to: bytes)
        } catch {
            throw .verificationFailed(
                file: file, reason: "two fixes change the same text (at \(error.first.mark) and \(error.second.mark))")
        }
        let after: Diagnosis
        do {
            after = try diagnose(edited, file: file)
        } catch {
            let place = error.mark.map { " (line \($0.line), column \($0.column) of the edited text)" } ?? ""
            throw .verificationFailed(file: file, reason: "the edited text would not load: \(error.message)\(place)")
        }
        var expected = diagnosis.root?.jsonValue ?? .object(JSONObject())
        for fix in applied.compactMap(\.issue.fix) {
            expected.set(fix.value.json, at: fix.path)
        }
        let actual = after.root?.jsonValue ?? .object(JSONObject())
        guard actual == expected else {
            throw .verificationFailed(
                file: file, reason: "the edited text changes more than the fixed values (expected \(expected.jsonText))"
            )
        }
        let fixed = Set(applied.map { FixKey(code: $0.issue.code, path: $0.issue.path) })
        if let left = after.issues.first(where: { fixed.contains(FixKey(code: $0.code, path: $0.path)) }) {
            throw .verificationFailed(file: file, reason: "\(left.code.rawValue) is still reported after the fix")
        }
        return edited
    }

    /// The file name without folder and last extension (`a/b.yaml` → `b`), as Python's `Path.stem`.
    public static func stem(of file: String) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}

private struct FixKey: Hashable {
    var code: DoctorCode
    var path: ManifestPath
}

extension JSONValue {
    /// Sets the value at `path`, adding missing object members (used to predict what a fix means).
    mutating func set(_ newValue: JSONValue, at path: ManifestPath) {
        guard let first = path.components.first else {
            self = newValue
            return
        }
        let rest = ManifestPath(Array(path.components.dropFirst()))
        switch (first, self) {
        case (.key(let key), .object(var object)):
            var child = object[key] ?? .object(JSONObject())
            child.set(newValue, at: rest)
            object[key] = child
            self = .object(object)
        case (.index(let index), .array(var items)) where items.indices.contains(index):
            items[index].set(newValue, at: rest)
            self = .array(items)
        default:
            return
        }
    }
}
