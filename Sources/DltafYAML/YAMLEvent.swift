/// Anchor, tag and start mark shared by every node event.
struct NodeProperties: Sendable {
    var anchor: String?
    /// Expanded tag (`tag:yaml.org,2002:int`), or the verbatim tag for non-core ones (`!custom`).
    var tag: String?
    var mark: YAMLMark
}

/// A scalar event's content.
struct ScalarEvent: Sendable {
    var text: String
    var style: YAMLScalarStyle
    var properties: NodeProperties
}

/// A libyaml event copied into Swift values, so nothing points into memory that `yaml_event_delete` frees.
///
/// Stream start/end and document end carry nothing the tree builder needs, so they are not represented.
enum YAMLEvent: Sendable {
    case documentStart(mark: YAMLMark)
    case alias(anchor: String, mark: YAMLMark)
    case scalar(ScalarEvent)
    case sequenceStart(NodeProperties)
    case sequenceEnd
    case mappingStart(NodeProperties)
    case mappingEnd
}
