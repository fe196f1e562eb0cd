import CYAML

/// libyaml's parser over a copy of a document's UTF-8 bytes, handing out events (or, for
/// `firstExplicitKey`, the scanner's tokens) as Swift values.
struct LibYAMLParser: ~Copyable {
    /// Why libyaml stopped, in its own words.
    struct Failure: Error {
        enum Stage {
            /// Decoding the text (a control character, say); `problemMark` is not set, `offset` is.
            case reader
            case scanner
            case parser
            case memory
        }

        let stage: Stage
        let problem: String
        let problemMark: YAMLMark
        let context: String?
        let contextMark: YAMLMark
        /// The byte offset of a reader failure.
        let offset: Int
    }

    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>

    init(_ bytes: [UInt8]) throws(Failure) {
        parser = .allocate(capacity: 1)
        guard yaml_parser_initialize(parser) != 0 else {
            parser.deallocate()
            throw Failure(stage: .memory, problem: "out of memory", problemMark: .start,
                          context: nil, contextMark: .start, offset: 0)
        }
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event; after `.streamEnd` there are no more.
    mutating func next() throws(Failure) -> YAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) != 0 else { throw failure() }
        defer { yaml_event_delete(&event) }
        let start = YAMLMark(event.start_mark)
        let end = YAMLMark(event.end_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return YAMLEvent(kind: .streamStart, start: start, end: end, anchored: false, tagged: false)
        case YAML_DOCUMENT_START_EVENT:
            let document = event.data.document_start
            let hasDirectives = document.version_directive != nil || document.tag_directives.start != document.tag_directives.end
            return YAMLEvent(kind: .documentStart(hasDirectives: hasDirectives), start: start, end: end, anchored: false, tagged: false)
        case YAML_DOCUMENT_END_EVENT:
            return YAMLEvent(kind: .documentEnd, start: start, end: end, anchored: false, tagged: false)
        case YAML_ALIAS_EVENT:
            return YAMLEvent(kind: .alias, start: start, end: end, anchored: false, tagged: false)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            return YAMLEvent(kind: .scalar(YAMLScalar(text: text, style: Self.style(scalar.style))), start: start, end: end,
                             anchored: scalar.anchor != nil, tagged: scalar.tag != nil)
        case YAML_SEQUENCE_START_EVENT:
            let sequence = event.data.sequence_start
            return YAMLEvent(kind: .sequenceStart, start: start, end: end, anchored: sequence.anchor != nil, tagged: sequence.tag != nil)
        case YAML_SEQUENCE_END_EVENT:
            return YAMLEvent(kind: .sequenceEnd, start: start, end: end, anchored: false, tagged: false)
        case YAML_MAPPING_START_EVENT:
            let mapping = event.data.mapping_start
            // libyaml opens a mapping of its own, with no width (no "{"), for a pair inside [ ].
            let style: YAMLEvent.MappingStyle = mapping.style != YAML_FLOW_MAPPING_STYLE ? .block
                : start.index == end.index ? .pairInSequence : .braces
            return YAMLEvent(kind: .mappingStart(style), start: start, end: end, anchored: mapping.anchor != nil, tagged: mapping.tag != nil)
        case YAML_MAPPING_END_EVENT:
            return YAMLEvent(kind: .mappingEnd, start: start, end: end, anchored: false, tagged: false)
        default:
            return YAMLEvent(kind: .streamEnd, start: start, end: end, anchored: false, tagged: false)
        }
    }

    /// Where the first explicit key (`? key`) starts, if any: only libyaml's scanner tells one
    /// from an implicit key (its key token covers the `?`; an implicit key's token has no width).
    /// Nil also when the scanner fails first; the parser then reports that failure.
    static func firstExplicitKey(in bytes: [UInt8]) -> YAMLMark? {
        guard var scanner = try? LibYAMLParser(bytes) else { return nil }
        return scanner.scanForExplicitKey()
    }

    private mutating func scanForExplicitKey() -> YAMLMark? {
        while true {
            var token = yaml_token_t()
            guard yaml_parser_scan(parser, &token) != 0 else { return nil }
            defer { yaml_token_delete(&token) }
            if token.type == YAML_STREAM_END_TOKEN { return nil }
            if token.type == YAML_KEY_TOKEN, token.start_mark.index != token.end_mark.index { return YAMLMark(token.start_mark) }
        }
    }

    private func failure() -> Failure {
        let state = parser.pointee
        let stage: Failure.Stage = switch state.error {
        case YAML_READER_ERROR: .reader
        case YAML_SCANNER_ERROR: .scanner
        case YAML_PARSER_ERROR: .parser
        default: .memory
        }
        return Failure(stage: stage, problem: state.problem.map { String(cString: $0) } ?? "out of memory",
                       problemMark: YAMLMark(state.problem_mark), context: state.context.map { String(cString: $0) },
                       contextMark: YAMLMark(state.context_mark), offset: Int(state.problem_offset))
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
