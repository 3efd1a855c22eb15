/// Per-mapping bookkeeping: the pending key, first positions of explicit keys, and the merge source.
struct MappingState {
    struct PendingKey {
        var text: String
        var mark: YAMLMark
        var isMerge: Bool
    }

    /// Mappings pulled in by `<<`, and where the merge key stood among the explicit entries.
    struct Merge {
        var position: Int
        var sources: [[YAMLMappingEntry]]
    }

    var entries: [YAMLMappingEntry] = []
    /// First occurrence of each explicit key, for duplicate detection and messages.
    var firstKeyMarks: [String: YAMLMark] = [:]
    var pendingKey: PendingKey?
    var mergeKeyMark: YAMLMark?
    var merge: Merge?

    /// The entries with merged keys inserted where `<<` stood. Explicit keys win over merged ones wherever they
    /// appear; among merge sources, earlier mappings win (YAML merge-key spec, as Yams does).
    func finalEntries() -> [YAMLMappingEntry] {
        guard let merge else { return entries }
        var seen = Set(firstKeyMarks.keys)
        var merged: [YAMLMappingEntry] = []
        for source in merge.sources {
            for entry in source where seen.insert(entry.key).inserted {
                merged.append(entry)
            }
        }
        var result = entries
        result.insert(contentsOf: merged, at: merge.position)
        return result
    }
}

extension TreeBuilder {
    /// True when the innermost open collection is a mapping waiting for its next key.
    var isAwaitingKey: Bool {
        guard let top = stack.last else { return false }
        return top.kind == .mapping && top.mapping.pendingKey == nil
    }

    /// Adds a completed node to the innermost mapping, as its next key or as the pending key's value.
    mutating func attachToMapping(_ node: YAMLNode, nodeCount: Int) throws(YAMLError) {
        guard let top = stack.indices.last else { return }
        guard let key = stack[top].mapping.pendingKey else {
            try setKey(node)
            return
        }
        if key.isMerge {
            let sources = try mergeSources(node)
            stack[top].mapping.merge = MappingState.Merge(
                position: stack[top].mapping.entries.count,
                sources: sources
            )
        } else {
            stack[top].mapping.entries.append(YAMLMappingEntry(key: key.text, keyMark: key.mark, value: node))
        }
        stack[top].mapping.pendingKey = nil
        stack[top].nodeCount += nodeCount
    }

    /// Records `node` as the pending key after checking it is a scalar and not a duplicate.
    private mutating func setKey(_ node: YAMLNode) throws(YAMLError) {
        guard let top = stack.indices.last else { return }
        // Collections in key position are caught at their start event; this catches aliases to collections.
        guard case .scalar(let scalar) = node.kind else {
            throw error(.nonScalarKey, "mapping keys must be scalars, found an alias to a collection", at: node.mark)
        }
        let isMerge =
            scalar.text == "<<" && (scalar.tag.map { CoreTag($0) == .merge } ?? (scalar.style == .plain))
        if isMerge {
            if let first = stack[top].mapping.mergeKeyMark {
                throw duplicate("<<", first: first, at: node.mark)
            }
            stack[top].mapping.mergeKeyMark = node.mark
        } else {
            if let first = stack[top].mapping.firstKeyMarks[scalar.text] {
                throw duplicate(scalar.text, first: first, at: node.mark)
            }
            stack[top].mapping.firstKeyMarks[scalar.text] = node.mark
        }
        stack[top].mapping.pendingKey = MappingState.PendingKey(text: scalar.text, mark: node.mark, isMerge: isMerge)
    }

    private func duplicate(_ key: String, first: YAMLMark, at mark: YAMLMark) -> YAMLError {
        error(.duplicateKey, "duplicate key '\(key)' (first defined at \(first))", at: mark, key: key)
    }

    /// The mappings a `<<` value contributes: one mapping, or a sequence whose items are all mappings.
    private func mergeSources(_ value: YAMLNode) throws(YAMLError) -> [[YAMLMappingEntry]] {
        switch value.kind {
        case .mapping(let entries):
            return [entries]
        case .sequence(let items):
            var sources: [[YAMLMappingEntry]] = []
            for (index, item) in items.enumerated() {
                guard case .mapping(let entries) = item.kind else {
                    throw YAMLError(
                        code: .invalidMergeKey,
                        message: "merge key '<<' expects a sequence of mappings, but item \(index) is "
                            + describe(item),
                        mark: item.mark,
                        keyPath: keyPath().map { "\($0)[\(index)]" } ?? "[\(index)]"
                    )
                }
                sources.append(entries)
            }
            return sources
        case .scalar:
            throw error(
                .invalidMergeKey,
                "merge key '<<' expects a mapping or a sequence of mappings, found " + describe(value),
                at: value.mark
            )
        }
    }

    private func describe(_ node: YAMLNode) -> String {
        switch node.kind {
        case .sequence: return "a sequence"
        case .mapping: return "a mapping"
        case .scalar(let scalar): return scalar.value == .null ? "null" : "the scalar '\(scalar.text)'"
        }
    }
}
