import DltafJSON
import DltafManifest
import DltafRun
import Foundation

/// `depends_on` across a set of manifests: targets must exist and there must be no cycle.
struct DependencyGraph {
    struct Node {
        var file: String
        var name: String
        var group: String?
        var manifest: Manifest
    }

    private var nodes: [Node] = []

    mutating func add(_ manifest: Manifest) {
        guard let name = manifest.pipelineName else { return }
        nodes.append(
            Node(
                file: manifest.file, name: name, group: manifest.string(at: ["task_group"]), manifest: manifest))
    }

    /// Findings per manifest file: duplicate names, missing targets, cycles.
    /// - Parameter wholeFolder: whether every manifest of the folder is in the graph (names and groups that
    ///   are not found are then missing); otherwise a name is looked for as `<name>.yaml` beside the manifest.
    func check(wholeFolder: Bool) -> [String: [ManifestDiagnostic]] {
        var byName: [String: [Int]] = [:]
        var byGroup: [String: [Int]] = [:]
        var byFile: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            byName[node.name, default: []].append(index)
            if let group = node.group { byGroup[group, default: []].append(index) }
            byFile[node.file] = index
        }
        var findings: [String: [ManifestDiagnostic]] = [:]
        var edges: [[(target: Int, path: ManifestPath)]] = Array(repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() {
            if wholeFolder, let others = byName[node.name], others.count > 1 {
                let elsewhere = others.filter { $0 != index }.map { nodes[$0].file }
                findings[node.file, default: []].append(
                    node.manifest.diagnostic(
                        "lint.duplicate_pipeline",
                        "pipeline \"\(node.name)\" is also defined in \(elsewhere.joined(separator: ", "))",
                        at: ["pipeline", "name"]))
            }
            for (position, item) in (node.manifest.value["depends_on"]?.arrayValue ?? []).enumerated() {
                let path = ManifestPath.root.appending("depends_on").appending(index: position)
                let directory = (node.file as NSString).deletingLastPathComponent
                var targets: [Int] = []
                var description = ""
                var missing = false
                if let group = item["group"]?.stringValue {
                    description = "group \"\(group)\""
                    targets = byGroup[group] ?? []
                    missing = wholeFolder && targets.isEmpty
                } else if let reference = item.stringValue ?? item["path"]?.stringValue {
                    let isPath = item["path"] != nil || reference.hasSuffix(".yaml") || reference.hasSuffix(".yml")
                    let file =
                        isPath
                        ? ((reference.hasPrefix("/")
                            ? reference : (directory as NSString).appendingPathComponent(reference))
                            as NSString).standardizingPath
                        : (directory as NSString).appendingPathComponent(reference + ".yaml")
                    description = isPath ? "manifest \"\(reference)\"" : "pipeline \"\(reference)\""
                    if isPath {
                        targets = byFile[file].map { [$0] } ?? []
                        missing = targets.isEmpty && !FileManager.default.fileExists(atPath: file)
                    } else {
                        targets = byName[reference] ?? []
                        missing = targets.isEmpty && (wholeFolder || !FileManager.default.fileExists(atPath: file))
                    }
                }
                if missing {
                    findings[node.file, default: []].append(
                        node.manifest.diagnostic(
                            "lint.depends_on_missing",
                            "depends_on names \(description), which \(wholeFolder ? "no manifest in the folder defines" : "cannot be found")",
                            at: path))
                }
                for target in targets where target != index { edges[index].append((target, path)) }
            }
        }
        for cycle in cycles(edges) {
            let names = (cycle + [cycle[0]]).map { nodes[$0.node].name }.joined(separator: " -> ")
            for step in cycle {
                let node = nodes[step.node]
                findings[node.file, default: []].append(
                    node.manifest.diagnostic("lint.depends_on_cycle", "depends_on cycle: \(names)", at: step.path))
            }
        }
        return findings
    }

    /// Each elementary cycle found by depth-first search, as (node, the depends_on item leaving it).
    private func cycles(_ edges: [[(target: Int, path: ManifestPath)]]) -> [[(node: Int, path: ManifestPath)]] {
        enum Color { case white, grey, black }
        var color = Array(repeating: Color.white, count: edges.count)
        var stack: [(node: Int, path: ManifestPath)] = []
        var found: [[(node: Int, path: ManifestPath)]] = []
        func visit(_ node: Int) {
            color[node] = .grey
            for edge in edges[node] {
                stack.append((node, edge.path))
                switch color[edge.target] {
                case .white: visit(edge.target)
                case .grey:
                    if let start = stack.firstIndex(where: { $0.node == edge.target }) {
                        found.append(Array(stack[start...]))
                    }
                case .black: break
                }
                stack.removeLast()
            }
            color[node] = .black
        }
        for node in edges.indices where color[node] == .white { visit(node) }
        return found
    }
}
