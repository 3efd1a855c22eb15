import DltafManifest
import DltafYAML

/// Why a fix cannot be made by editing the text in place.
struct FixRefusal: Error, Equatable {
    var reason: String
}

/// Turns fixes into text edits at the positions libyaml reports, so a fix changes exactly the value it names
/// (never the first line that happens to look like it).
struct EditPlanner {
    let text: SourceText
    /// The document as written; nil for an empty document.
    let root: YAMLSyntaxNode?

    /// The edits that make `fix`; `order` keeps insertions at the same place in issue order.
    func edits(for fix: DoctorFix, order: Int) throws(FixRefusal) -> [TextEdit] {
        let container = try container(of: fix.path)
        switch fix.path.components.last {
        case .key(let key)?:
            guard let container else {
                // An empty document: the new key is its first line.
                return [insertion(atEndWithLine: line(key, fix.value), order: order)]
            }
            guard container.entries != nil else {
                throw FixRefusal(reason: "`\(fix.path.parent ?? .root)` is not a mapping")
            }
            if let entry = container.entry(forKey: key) {
                return [try replacement(of: entry.value, at: fix.path, with: fix.value, order: order)]
            }
            return [try insertion(of: line(key, fix.value), into: container, placement: fix.placement, order: order)]
        case .index(let index)?:
            guard let items = container?.items, items.indices.contains(index) else {
                throw FixRefusal(reason: "`\(fix.path)` is not an item written in the text")
            }
            return [try replacement(of: items[index], at: fix.path, with: fix.value, order: order)]
        case nil:
            throw FixRefusal(reason: "the whole document cannot be replaced")
        }
    }

    /// The collection written at the parent of `path`, following only what is in the text (no aliases, no merges).
    private func container(of path: ManifestPath) throws(FixRefusal) -> YAMLSyntaxNode? {
        var node = root
        var walked = ManifestPath.root
        for component in path.components.dropLast() {
            guard let current = node else {
                throw FixRefusal(reason: "`\(walked)` is empty")
            }
            if case .alias(let anchor) = current.content {
                throw FixRefusal(
                    reason: "`\(walked)` is the alias *\(anchor); change the anchored value (&\(anchor)) by hand")
            }
            switch component {
            case .key(let key):
                guard let entry = current.entry(forKey: key) else {
                    throw FixRefusal(
                        reason: "`\(walked.appending(key))` is not written in this mapping (it comes from a merge key "
                            + "`<<`); change it by hand")
                }
                node = entry.value
                walked = walked.appending(key)
            case .index(let index):
                guard let items = current.items, items.indices.contains(index) else {
                    throw FixRefusal(reason: "`\(walked)` has no item \(index) in the text")
                }
                node = items[index]
                walked = walked.appending(index: index)
            }
        }
        if let node, case .alias(let anchor) = node.content {
            throw FixRefusal(
                reason: "`\(walked)` is the alias *\(anchor); change the anchored value (&\(anchor)) by hand")
        }
        return node
    }

    /// `key: value` as a new line's content.
    private func line(_ key: String, _ value: DoctorFix.Value) -> String {
        ScalarText.key(key) + ": " + ScalarText.plain(value)
    }

    // MARK: - Replacing a value

    private func replacement(
        of node: YAMLSyntaxNode, at path: ManifestPath, with value: DoctorFix.Value, order: Int
    ) throws(FixRefusal) -> TextEdit {
        if node.anchor != nil || node.tag != nil {
            throw FixRefusal(reason: "`\(path)` has an anchor or a tag; change it by hand")
        }
        switch node.content {
        case .alias:
            return edit(node.start.offset, node.end.offset, ScalarText.plain(value), order)
        case .scalar(let scalarText, let style):
            switch style {
            case .literal, .folded:
                throw FixRefusal(reason: "`\(path)` is a block scalar (| or >); change it by hand")
            case .plain where scalarText.isEmpty && node.start.offset == node.end.offset:
                // `key:` with no value: libyaml places the empty value right after the colon.
                let offset = node.start.offset
                guard text.previousNonBlank(before: offset) == UInt8(ascii: ":") else {
                    throw FixRefusal(reason: "cannot find where the empty value of `\(path)` is written")
                }
                let separator = offset > 0 && text.bytes[offset - 1] == UInt8(ascii: ":") ? " " : ""
                return edit(offset, offset, separator + ScalarText.plain(value), order)
            case .plain, .singleQuoted, .doubleQuoted:
                return edit(node.start.offset, node.end.offset, ScalarText.replacing(style, with: value), order)
            }
        case .sequence:
            throw FixRefusal(reason: "`\(path)` is a list, not a scalar; change it by hand")
        case .mapping:
            throw FixRefusal(reason: "`\(path)` is a mapping, not a scalar; change it by hand")
        }
    }

    // MARK: - Adding a key

    private func insertion(
        of line: String, into mapping: YAMLSyntaxNode, placement: DoctorFix.Placement, order: Int
    ) throws(FixRefusal) -> TextEdit {
        guard let entries = mapping.entries, let first = entries.first, let last = entries.last else {
            return try insertionIntoEmptyFlow(line, mapping, order)
        }
        var after = last
        switch placement {
        case .first:
            if mapping.collectionStyle == .flow {
                return edit(first.key.start.offset, first.key.start.offset, line + ", ", order)
            }
            if text.startsLine(first.key.start.offset) {
                let start = lineStartBeforeComments(of: first, in: mapping)
                return edit(start, start, indent(of: first) + line + text.lineBreak, order)
            }
        case .after(let keys):
            if let sibling = keys.lazy.compactMap({ mapping.entry(forKey: $0) }).first {
                after = sibling
            }
        case .last:
            break
        }
        let end = contentEnd(of: after.value)
        if mapping.collectionStyle == .flow {
            return edit(end, end, ", " + line, order)
        }
        let lineEnd = text.lineEnd(from: end)
        return edit(lineEnd, lineEnd, text.lineBreak + indent(of: first) + line, order)
    }

    private func insertionIntoEmptyFlow(
        _ line: String, _ mapping: YAMLSyntaxNode, _ order: Int
    ) throws(FixRefusal) -> TextEdit {
        guard mapping.collectionStyle == .flow,
            let brace = text.bytes[mapping.start.offset..<mapping.end.offset].firstIndex(of: UInt8(ascii: "{"))
        else {
            throw FixRefusal(reason: "cannot find where to add a key to an empty mapping")
        }
        return edit(brace + 1, brace + 1, line, order)
    }

    /// A new last line for an empty document.
    private func insertion(atEndWithLine line: String, order: Int) -> TextEdit {
        let end = text.bytes.count
        let needsBreak = end > 0 && text.bytes[end - 1] != 0x0A && text.bytes[end - 1] != 0x0D
        return edit(end, end, (needsBreak ? text.lineBreak : "") + line + text.lineBreak, order)
    }

    /// Where a new first entry goes: the first key's line, moved above the comments and blank lines right before
    /// it (they describe that key) unless the mapping is the document, whose leading comments head the file.
    private func lineStartBeforeComments(of first: YAMLSyntaxEntry, in mapping: YAMLSyntaxNode) -> Int {
        var start = text.lineStart(of: first.key.start.offset)
        guard mapping.start != root?.start else { return start }
        while let previous = text.previousLineStart(before: start), text.isBlankOrComment(lineStart: previous) {
            start = previous
        }
        return start
    }

    /// The indentation of the mapping whose first entry is `first`: as many spaces as columns before its key.
    private func indent(of first: YAMLSyntaxEntry) -> String {
        String(repeating: " ", count: max(0, first.key.start.mark.column - 1))
    }

    /// Just past the last character that belongs to `node`: block collections end at their last value, block
    /// scalars before their trailing line breaks.
    private func contentEnd(of node: YAMLSyntaxNode) -> Int {
        var current = node
        while current.collectionStyle == .block {
            if let last = current.entries?.last {
                current = last.value
            } else if let last = current.items?.last {
                current = last
            } else {
                return current.start.offset
            }
        }
        if case .scalar(_, let style) = current.content, style == .literal || style == .folded {
            return text.trimmingBackward(from: current.end.offset, floor: current.start.offset)
        }
        return current.end.offset
    }

    private func edit(_ start: Int, _ end: Int, _ replacement: String, _ order: Int) -> TextEdit {
        TextEdit(
            start: start, end: end, text: replacement, removed: text.string(start..<end), mark: text.mark(at: start),
            order: order)
    }
}
