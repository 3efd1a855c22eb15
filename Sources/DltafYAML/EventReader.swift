import CLibYAML

/// Runs libyaml's event parser over a buffer and hands each event to a Swift callback.
///
/// All C state lives inside `read`, so parsing is thread-safe and nothing non-Sendable escapes. Events are delivered
/// one at a time so the consumer can abort early (depth, alias budget): libyaml 0.2.5 has no nesting limit and is
/// quadratic on deep flow nesting, so stopping is the only defence.
enum EventReader {
    /// Parses `input` and calls `handle` for every event until the stream ends or `handle` throws.
    ///
    /// `input` must stay valid for the whole call: libyaml keeps the raw pointer, which is why the caller parses
    /// inside `withUnsafeBufferPointer`.
    static func read(
        _ input: UnsafeBufferPointer<UInt8>,
        _ handle: (YAMLEvent) throws(YAMLError) -> Void
    ) throws(YAMLError) {
        try readRaw(input) { (event) throws(YAMLError) in
            if let converted = convert(event) {
                try handle(converted)
            }
        }
    }

    /// Parses `input` and calls `handle` with every raw libyaml event (stream start included, stream end excluded)
    /// until the stream ends or `handle` throws.
    ///
    /// The event is only valid during the call: its strings are freed right after `handle` returns. Marks are
    /// relative to `input` after any BOM, which is dropped here.
    static func readRaw(
        _ input: UnsafeBufferPointer<UInt8>,
        _ handle: (yaml_event_t) throws(YAMLError) -> Void
    ) throws(YAMLError) {
        // The BOM is dropped here rather than by libyaml: with the encoding forced (below) libyaml would count it as a
        // column, and without forcing it would also accept UTF-16.
        let hasBOM = input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF
        let input = hasBOM ? UnsafeBufferPointer(rebasing: input[3...]) : input
        guard let base = input.baseAddress, !input.isEmpty else { return }
        // Heap-allocated because `yaml_parser_set_input_string` stores a pointer to the parser inside itself; a
        // Swift local passed with `&` is not guaranteed to keep its address between calls.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLError(code: .syntax, message: "could not initialise the YAML parser (out of memory)")
        }
        defer { yaml_parser_delete(parser) }
        // Forcing UTF-8 turns UTF-16 input into an invalid-UTF-8 error instead of silently decoding it, which keeps
        // byte offsets in reader errors meaningful.
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, base, input.count)

        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer { event.deallocate() }
        while true {
            guard yaml_parser_parse(parser, event) == 1 else {
                throw ParserFailure.error(from: parser.pointee, input: input)
            }
            // The event's strings are freed by `yaml_event_delete`, also when `handle` throws.
            defer { yaml_event_delete(event) }
            if event.pointee.type == YAML_STREAM_END_EVENT { return }
            try handle(event.pointee)
        }
    }

    /// Copies the parts of a libyaml event the tree builder needs; nil for events it ignores.
    private static func convert(_ event: yaml_event_t) -> YAMLEvent? {
        let mark = YAMLMark(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(mark: mark)
        case YAML_ALIAS_EVENT:
            return .alias(anchor: string(event.data.alias.anchor) ?? "", mark: mark)
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = data.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self)
            }
            return .scalar(
                ScalarEvent(
                    text: text ?? "",
                    style: YAMLScalarStyle(data.style),
                    properties: NodeProperties(anchor: string(data.anchor), tag: string(data.tag), mark: mark)
                )
            )
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            return .sequenceStart(NodeProperties(anchor: string(data.anchor), tag: string(data.tag), mark: mark))
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            return .mappingStart(NodeProperties(anchor: string(data.anchor), tag: string(data.tag), mark: mark))
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            return nil
        }
    }

    /// Copies a NUL-terminated libyaml string (anchor or tag); libyaml has already validated it as UTF-8.
    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

extension YAMLMark {
    /// Converts libyaml's 0-based mark (columns in code points) to a 1-based one.
    init(_ mark: yaml_mark_t) {
        self.init(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }
}

extension YAMLScalarStyle {
    /// Maps libyaml's style; `YAML_ANY_SCALAR_STYLE` never appears in parser output, so it falls back to plain.
    init(_ style: yaml_scalar_style_t) {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: self = .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: self = .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: self = .literal
        case YAML_FOLDED_SCALAR_STYLE: self = .folded
        default: self = .plain
        }
    }
}
