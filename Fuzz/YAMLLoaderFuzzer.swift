// libFuzzer target: YAMLLoader (libyaml events -> TreeBuilder) on arbitrary bytes, with small limits. Built by
// Fuzz/build.sh together with the sources of DltafYAML as one module; run with `Fuzz/run.sh yaml-loader SECONDS`
// or `make fuzz`. libyaml itself is the system library and is not instrumented: coverage feedback comes from the
// Swift side only.
//
// Invariants (a violation calls `fatalError`, which libFuzzer reports as a crash; a hang is caught by libFuzzer's
// `-timeout`, runaway memory by `-rss_limit_mb`):
// - `load` returns a node or nil, or throws a `YAMLError` (typed throws: nothing else can escape);
// - an error carries the file name it was given, and its mark, when it has one, has line >= 1 and column >= 1;
// - an input over `maxInputBytes` is `.inputTooLarge`, and only such an input is;
// - in a loaded tree every mark has line >= 1 and column >= 1 and every mapping's keys are unique (merge keys
//   applied);
// - the tree holds at most 2 * bytes + 2 + maxAliasExpansionNodes nodes, aliases and merges fully expanded: the alias
//   budget bounds what a document can materialise (no "billion laughs").

let limits = YAMLLimits(maxInputBytes: 64 * 1024, maxDepth: 32, maxAliasExpansionNodes: 2_000, maxAnchors: 100)
let fileName = "fuzz.yaml"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAMLLoader(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let root: YAMLNode?
    do {
        root = try YAMLLoader.load(bytes, file: fileName, limits: limits)
    } catch {
        check(error, inputBytes: bytes.count)
        return 0
    }
    guard bytes.count <= limits.maxInputBytes else {
        fatalError("an input of \(bytes.count) bytes loaded despite maxInputBytes \(limits.maxInputBytes)")
    }
    guard let root else { return 0 }
    var nodes = 0
    walk(root, nodes: &nodes)
    let bound = 2 * bytes.count + 2 + limits.maxAliasExpansionNodes
    guard nodes <= bound else {
        fatalError("\(bytes.count) input bytes materialised \(nodes) nodes, over the bound \(bound)")
    }
    return 0
}

func check(_ error: YAMLError, inputBytes: Int) {
    guard error.file == fileName else { fatalError("error lost its file name: \(error)") }
    if let mark = error.mark, mark.line < 1 || mark.column < 1 {
        fatalError("error mark \(mark) is not 1-based: \(error)")
    }
    guard (error.code == .inputTooLarge) == (inputBytes > limits.maxInputBytes) else {
        fatalError("\(inputBytes) input bytes gave \(error.code): \(error)")
    }
    _ = error.description
}

/// Visits every node (aliases expanded), checking marks and key uniqueness; stops counting past any sane size.
func walk(_ node: YAMLNode, nodes: inout Int) {
    nodes += 1
    guard nodes <= 1_000_000 else { fatalError("more than a million nodes materialised") }
    guard node.mark.line >= 1, node.mark.column >= 1 else { fatalError("node mark \(node.mark) is not 1-based") }
    switch node.kind {
    case .scalar:
        break
    case .sequence(let items):
        for item in items { walk(item, nodes: &nodes) }
    case .mapping(let entries):
        var keys = Set<String>()
        for entry in entries {
            guard keys.insert(entry.key).inserted else { fatalError("mapping repeats the key '\(entry.key)'") }
            guard entry.keyMark.line >= 1, entry.keyMark.column >= 1 else {
                fatalError("key mark \(entry.keyMark) is not 1-based")
            }
            walk(entry.value, nodes: &nodes)
        }
    }
}
