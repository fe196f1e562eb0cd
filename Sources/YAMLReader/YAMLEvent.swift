/// One of libyaml's parsing events, copied out of its memory.
struct YAMLEvent: Sendable {
    enum Kind: Sendable {
        case streamStart
        case streamEnd
        /// `hasDirectives`: `%YAML` or `%TAG` lines came before the document.
        case documentStart(hasDirectives: Bool)
        case documentEnd
        case alias
        case scalar(YAMLScalar)
        case sequenceStart
        case sequenceEnd
        case mappingStart(MappingStyle)
        case mappingEnd
    }

    enum MappingStyle: Sendable {
        /// `key: value` lines.
        case block
        /// `{key: value, …}`.
        case braces
        /// One `key: value` pair written as an entry of `[ ]`, which YAML reads as a mapping of its own.
        case pairInSequence
    }

    let kind: Kind
    let start: YAMLMark
    let end: YAMLMark
    /// The node carries an anchor (`&name`).
    let anchored: Bool
    /// The node carries a tag (`!name`, `!!str`).
    let tagged: Bool
}
