import DltafManifest
import DltafYAML

/// The YAML 1.1 boolean words PyYAML reads as booleans and YAML 1.2 reads as strings.
private let yaml11Words: [String: Bool] = ["yes": true, "y": true, "on": true, "no": false, "n": false, "off": false]

extension Findings {
    /// Every plain, untagged `yes/no/on/off/y/n` (any case) at a path the schema reads as a boolean.
    mutating func checkBooleans(_ isBooleanPath: (ManifestPath) -> Bool) {
        guard let root else { return }
        // An explicit stack: the loader bounds depth, but recursion is not needed for a walk.
        var pending: [(node: YAMLNode, path: ManifestPath)] = [(root, .root)]
        while let (node, path) = pending.popLast() {
            switch node.kind {
            case .scalar(let scalar):
                guard scalar.style == .plain, scalar.tag == nil, case .string(let text) = scalar.value,
                    let flag = yaml11Words[text.lowercased()], isBooleanPath(path)
                else { continue }
                add(
                    .yaml11Boolean,
                    "`\(path): \(scalar.text)` is a YAML 1.1 boolean. YAML 1.2 reads `\(scalar.text)` as the string "
                        + "\"\(scalar.text)\" (dltaf accepts the word here, other YAML 1.2 tools do not); "
                        + "write `\(flag)`.",
                    at: node.mark, path, fix: DoctorFix(path: path, value: .bool(flag)))
            case .sequence(let items):
                for (index, item) in items.enumerated().reversed() {
                    pending.append((item, path.appending(index: index)))
                }
            case .mapping(let entries):
                for entry in entries.reversed() {
                    pending.append((entry.value, path.appending(entry.key)))
                }
            }
        }
    }
}
