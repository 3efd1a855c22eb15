/// Builds the node tree from events, enforcing everything libyaml's event API leaves out: one document, depth,
/// anchors and the alias budget, tags, and (in `TreeBuilder+Mapping.swift`) keys and merges.
///
/// It is an explicit stack rather than recursion so depth is counted as events arrive and a too-deep document is
/// rejected after `maxDepth` events instead of after libyaml has (quadratically) scanned all of it.
struct TreeBuilder {
    /// A completed anchored node, with its subtree size computed once so each alias costs O(1) to budget.
    struct Anchored {
        var node: YAMLNode
        var nodeCount: Int
        /// Collections nested inside the node, itself included (0 for a scalar), so that an alias cannot
        /// build a tree deeper than `maxDepth` out of shallow text.
        var height = 0
    }

    /// A collection being built.
    struct Frame {
        enum Kind {
            case sequence
            case mapping
        }

        let kind: Kind
        let properties: NodeProperties
        var items: [YAMLNode] = []
        var mapping = MappingState()
        /// Nodes in this subtree so far, including those materialised through aliases.
        var nodeCount = 1
        /// Collections nested in this subtree so far, itself included.
        var height = 1
    }

    let limits: YAMLLimits
    /// The document's root; nil until one is complete, and for an empty document.
    private(set) var root: YAMLNode?
    var stack: [Frame] = []
    private var documentCount = 0
    private var anchors: [String: Anchored] = [:]
    private var anchorCount = 0
    private var aliasExpandedNodes = 0

    init(limits: YAMLLimits) {
        self.limits = limits
    }

    /// Feeds one event; throws as soon as the document breaks a rule.
    mutating func consume(_ event: YAMLEvent) throws(YAMLError) {
        switch event {
        case .documentStart(let mark):
            documentCount += 1
            if documentCount > 1 {
                throw YAMLError(
                    code: .multipleDocuments,
                    message: "expected a single document, but found a second one",
                    mark: mark
                )
            }
        case .scalar(let scalar):
            try addScalar(scalar)
        case .alias(let anchor, let mark):
            try addAlias(anchor, at: mark)
        case .sequenceStart(let properties):
            try startCollection(.sequence, properties)
        case .mappingStart(let properties):
            try startCollection(.mapping, properties)
        case .sequenceEnd, .mappingEnd:
            try endCollection()
        }
    }

    // MARK: - Nodes

    private mutating func addScalar(_ event: ScalarEvent) throws(YAMLError) {
        let properties = event.properties
        try countAnchor(properties)
        var coreTag: CoreTag?
        if let tag = properties.tag {
            coreTag = try recognise(tag, at: properties.mark)
            if coreTag == .merge, !(isAwaitingKey && event.text == "<<") {
                throw error(.badTaggedValue, "!!merge can only tag a '<<' mapping key", at: properties.mark)
            }
        }
        guard let value = ScalarResolver.value(text: event.text, style: event.style, tag: coreTag) else {
            let shown = CoreTag.display(properties.tag ?? "")
            throw error(.badTaggedValue, "'\(event.text)' is not a valid \(shown) value", at: properties.mark)
        }
        let node = YAMLNode(
            kind: .scalar(YAMLScalar(text: event.text, style: event.style, tag: properties.tag, value: value)),
            mark: properties.mark
        )
        if let anchor = properties.anchor {
            anchors[anchor] = Anchored(node: node, nodeCount: 1)
        }
        // An empty plain root with no properties is libyaml's stand-in for a document without content.
        if stack.isEmpty, event.text.isEmpty, event.style == .plain, properties.tag == nil, properties.anchor == nil {
            return
        }
        try attach(node, nodeCount: 1)
    }

    private mutating func addAlias(_ anchor: String, at mark: YAMLMark) throws(YAMLError) {
        guard let anchored = anchors[anchor] else {
            // Anchors of collections are registered when the collection ends, so an alias inside its own anchor's
            // node is a recursive reference, which a tree cannot hold.
            let isRecursive = stack.contains { $0.properties.anchor == anchor }
            let message =
                isRecursive
                ? "alias '*\(anchor)' refers to its own enclosing node; recursive aliases are not supported"
                : "undefined alias '*\(anchor)'"
            throw error(.undefinedAlias, message, at: mark)
        }
        if stack.count + anchored.height > limits.maxDepth {
            throw error(
                .tooDeep,
                "alias '*\(anchor)' nests collections deeper than the limit of \(limits.maxDepth)", at: mark)
        }
        aliasExpandedNodes += anchored.nodeCount
        if aliasExpandedNodes > limits.maxAliasExpansionNodes {
            throw error(
                .aliasBudgetExceeded,
                "alias '*\(anchor)' expands the document beyond \(limits.maxAliasExpansionNodes) nodes materialised "
                    + "through aliases",
                at: mark
            )
        }
        // Copying is O(1) (copy-on-write arrays); the alias node reports the alias' own position.
        var node = anchored.node
        node.mark = mark
        try attach(node, nodeCount: anchored.nodeCount, height: anchored.height)
    }

    private mutating func startCollection(_ kind: Frame.Kind, _ properties: NodeProperties) throws(YAMLError) {
        if isAwaitingKey {
            throw error(.nonScalarKey, "mapping keys must be scalars, found a \(kind)", at: properties.mark)
        }
        if stack.count >= limits.maxDepth {
            throw error(.tooDeep, "collections nest deeper than the limit of \(limits.maxDepth)", at: properties.mark)
        }
        if let tag = properties.tag {
            let coreTag = try recognise(tag, at: properties.mark)
            let fits = coreTag == .nonSpecific || (kind == .sequence ? coreTag == .seq : coreTag == .map)
            if !fits {
                throw error(.badTaggedValue, "\(CoreTag.display(tag)) cannot tag a \(kind)", at: properties.mark)
            }
        }
        try countAnchor(properties)
        stack.append(Frame(kind: kind, properties: properties))
    }

    private mutating func endCollection() throws(YAMLError) {
        guard let frame = stack.popLast() else { return }
        let kind: YAMLNode.Kind =
            switch frame.kind {
            case .sequence: .sequence(frame.items)
            case .mapping: .mapping(frame.mapping.finalEntries())
            }
        let node = YAMLNode(kind: kind, mark: frame.properties.mark)
        if let anchor = frame.properties.anchor {
            anchors[anchor] = Anchored(node: node, nodeCount: frame.nodeCount, height: frame.height)
        }
        try attach(node, nodeCount: frame.nodeCount, height: frame.height)
    }

    /// Places a completed node into its parent (or makes it the root).
    private mutating func attach(_ node: YAMLNode, nodeCount: Int, height: Int = 0) throws(YAMLError) {
        guard let top = stack.indices.last else {
            root = node
            return
        }
        stack[top].height = max(stack[top].height, height + 1)
        switch stack[top].kind {
        case .sequence:
            stack[top].items.append(node)
            stack[top].nodeCount += nodeCount
        case .mapping:
            try attachToMapping(node, nodeCount: nodeCount)
        }
    }

    // MARK: - Properties

    private mutating func countAnchor(_ properties: NodeProperties) throws(YAMLError) {
        guard let anchor = properties.anchor else { return }
        anchorCount += 1
        if anchorCount > limits.maxAnchors {
            throw error(
                .tooManyAnchors,
                "anchor '&\(anchor)' exceeds the limit of \(limits.maxAnchors) anchors",
                at: properties.mark
            )
        }
    }

    private func recognise(_ tag: String, at mark: YAMLMark) throws(YAMLError) -> CoreTag {
        guard let coreTag = CoreTag(tag) else {
            throw error(.unknownTag, "unsupported tag '\(CoreTag.display(tag))'", at: mark)
        }
        return coreTag
    }

    // MARK: - Errors

    /// An error located at `mark`, with the key path of the node being built plus an optional extra component.
    func error(_ code: YAMLError.Code, _ message: String, at mark: YAMLMark, key: String? = nil) -> YAMLError {
        YAMLError(code: code, message: message, mark: mark, keyPath: keyPath(appending: key))
    }

    /// The path of the node currently being built, e.g. `run.hooks.enable[1]`.
    func keyPath(appending key: String? = nil) -> String? {
        var path = KeyPath()
        for frame in stack {
            switch frame.kind {
            case .sequence:
                path.append(index: frame.items.count)
            case .mapping:
                if let pending = frame.mapping.pendingKey {
                    path.append(key: pending.text)
                }
            }
        }
        if let key {
            path.append(key: key)
        }
        return path.text
    }
}
