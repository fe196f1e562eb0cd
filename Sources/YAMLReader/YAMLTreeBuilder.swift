/// Builds the tree of one document from libyaml's events, and refuses what configuration files do
/// not need and should not contain: anchors, aliases, tags, directives, several documents,
/// duplicate keys, keys that are collections, and what is easily meant otherwise inside flow
/// collections. Open collections are kept on a stack, not in recursion, and their depth is bounded.
struct YAMLTreeBuilder {
    static let maximumDepth = 64

    private enum Open {
        case sequence([YAMLNode])
        case mapping(OpenMapping)
    }

    private struct OpenMapping {
        let style: YAMLEvent.MappingStyle
        var mapping = YAMLMapping()
        var seen: Set<String> = []
        /// The key read last, waiting for its value.
        var key: String?
    }

    private var open: [Open] = []
    private var documents = 0
    /// The document's root, once its last event came.
    private(set) var root: YAMLNode?
    /// Set by the end of the stream.
    private(set) var isComplete = false

    /// How many collections are open: 1 while the document's top collection is being read.
    var depth: Int { open.count }

    mutating func add(_ event: YAMLEvent) throws(YAMLError) {
        switch event.kind {
        case .streamStart, .documentEnd:
            break
        case .streamEnd:
            isComplete = true
        case .documentStart(let hasDirectives):
            if hasDirectives { throw YAMLError("directives (%YAML, %TAG) are not supported; remove the line", at: event.start) }
            guard documents == 0 else { throw YAMLError("several documents in one file are not supported", at: event.start) }
            documents += 1
        case .alias:
            throw YAMLError("aliases (*name) are not supported; write the value out", at: event.start)
        case .scalar(let scalar):
            try refuseDecorations(of: event)
            if try takeKey(scalar, of: event) { return }
            attach(.scalar(scalar))
        case .sequenceStart:
            try openCollection(.sequence([]), for: event)
        case .mappingStart(let style):
            try openCollection(.mapping(OpenMapping(style: style)), for: event)
        case .sequenceEnd, .mappingEnd:
            switch open.removeLast() {
            case .sequence(let items): attach(.sequence(items))
            case .mapping(let mapping): attach(.mapping(mapping.mapping))
            }
        }
    }

    private func refuseDecorations(of event: YAMLEvent) throws(YAMLError) {
        if event.anchored { throw YAMLError("anchors (&name) are not supported; write the value out", at: event.start) }
        if event.tagged { throw YAMLError("tags (!name) are not supported", at: event.start) }
    }

    private mutating func openCollection(_ collection: Open, for event: YAMLEvent) throws(YAMLError) {
        try refuseDecorations(of: event)
        if expectsKey { throw YAMLError("a key must be a single value, not a collection", at: event.start) }
        guard open.count < Self.maximumDepth else { throw YAMLError("nested more than \(Self.maximumDepth) levels deep", at: event.start) }
        open.append(collection)
    }

    /// Whether the innermost open collection is a mapping waiting for a key.
    private var expectsKey: Bool {
        if case .mapping(let mapping) = open.last { return mapping.key == nil }
        return false
    }

    /// Takes `scalar` as the key of the innermost mapping if that is waiting for one.
    private mutating func takeKey(_ scalar: YAMLScalar, of event: YAMLEvent) throws(YAMLError) -> Bool {
        guard expectsKey, case .mapping(var mapping) = open.removeLast() else { return false }
        switch mapping.style {
        case .pairInSequence:
            throw YAMLError("\"key: value\" pairs inside [ ] are not supported; use { } or a block mapping", at: event.end)
        case .braces where scalar.style == .plain && scalar.text.utf8.contains(UInt8(ascii: ":")):
            throw YAMLError("a key inside { } that contains \":\" must be quoted", at: event.start)
        default:
            break
        }
        guard mapping.seen.insert(scalar.text).inserted else { throw YAMLError("duplicate key \"\(scalar.text)\"", at: event.start) }
        mapping.key = scalar.text
        open.append(.mapping(mapping))
        return true
    }

    /// Puts a finished node where it belongs: into the open collection, or at the root. The
    /// collection is taken off the stack while it grows, so its storage is not shared and copied.
    private mutating func attach(_ node: YAMLNode) {
        guard let innermost = open.popLast() else {
            // An empty document is a plain empty scalar; there is no root then.
            root = node == .empty ? nil : node
            return
        }
        switch innermost {
        case .sequence(var items):
            items.append(node)
            open.append(.sequence(items))
        case .mapping(var mapping):
            mapping.mapping.append(key: mapping.key ?? "", value: node)
            mapping.key = nil
            open.append(.mapping(mapping))
        }
    }
}
