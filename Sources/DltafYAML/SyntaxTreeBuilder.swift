import CLibYAML

/// Builds `YAMLSyntaxNode`s from raw libyaml events with an explicit stack (no recursion, depth bounded as events
/// arrive).
struct SyntaxTreeBuilder {
    private struct Frame {
        let isMapping: Bool
        let style: YAMLCollectionStyle
        let anchor: String?
        let tag: String?
        let start: YAMLSourcePosition
        var items: [YAMLSyntaxNode] = []
        var entries: [YAMLSyntaxEntry] = []
        var pendingKey: YAMLSyntaxNode?
    }

    let maxDepth: Int
    private(set) var root: YAMLSyntaxNode?
    private var stack: [Frame] = []
    private var documentCount = 0

    init(maxDepth: Int) {
        self.maxDepth = maxDepth
    }

    /// Feeds one event; its strings are copied, so nothing points into libyaml's memory afterwards.
    mutating func consume(_ event: yaml_event_t, offsets: SourceOffsets) throws(YAMLError) {
        let start = Self.position(event.start_mark, offsets)
        let end = Self.position(event.end_mark, offsets)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentCount += 1
            if documentCount > 1 {
                throw YAMLError(
                    code: .multipleDocuments, message: "expected a single document, but found a second one",
                    mark: start.mark)
            }
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = data.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self)
            }
            let node = YAMLSyntaxNode(
                content: .scalar(text: text ?? "", style: YAMLScalarStyle(data.style)),
                anchor: Self.string(data.anchor), tag: Self.string(data.tag), start: start, end: end)
            // An empty plain root with no properties is libyaml's stand-in for a document without content.
            if stack.isEmpty, text?.isEmpty ?? true, node.anchor == nil, node.tag == nil,
                YAMLScalarStyle(data.style) == .plain
            {
                return
            }
            attach(node)
        case YAML_ALIAS_EVENT:
            attach(
                YAMLSyntaxNode(
                    content: .alias(anchor: Self.string(event.data.alias.anchor) ?? ""), start: start, end: end))
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            guard stack.count < maxDepth else {
                throw YAMLError(
                    code: .tooDeep, message: "collections nest deeper than the limit of \(maxDepth)", mark: start.mark)
            }
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let data = event.data
            let anchor = Self.string(isMapping ? data.mapping_start.anchor : data.sequence_start.anchor)
            let tag = Self.string(isMapping ? data.mapping_start.tag : data.sequence_start.tag)
            let isFlow =
                isMapping
                ? data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                : data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
            stack.append(
                Frame(isMapping: isMapping, style: isFlow ? .flow : .block, anchor: anchor, tag: tag, start: start))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let content: YAMLSyntaxNode.Content =
                frame.isMapping
                ? .mapping(frame.entries, style: frame.style) : .sequence(frame.items, style: frame.style)
            attach(YAMLSyntaxNode(content: content, anchor: frame.anchor, tag: frame.tag, start: frame.start, end: end))
        default:
            return
        }
    }

    private mutating func attach(_ node: YAMLSyntaxNode) {
        guard let top = stack.indices.last else {
            root = node
            return
        }
        if !stack[top].isMapping {
            stack[top].items.append(node)
        } else if let key = stack[top].pendingKey {
            stack[top].entries.append(YAMLSyntaxEntry(key: key, value: node))
            stack[top].pendingKey = nil
        } else {
            stack[top].pendingKey = node
        }
    }

    private static func position(_ mark: yaml_mark_t, _ offsets: SourceOffsets) -> YAMLSourcePosition {
        YAMLSourcePosition(mark: YAMLMark(mark), offset: offsets.offset(ofIndex: Int(mark.index)))
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
