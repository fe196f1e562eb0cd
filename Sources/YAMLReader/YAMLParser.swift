/// A recursive-descent reader of the block structure of one YAML document, over its UTF-8 bytes.
///
/// Indentation is measured in columns (0-based). A node that belongs to a parent indented at
/// column `p` must start further right than `p`; the document itself has `p = -1`. The one
/// exception YAML makes is kept: a block sequence may sit at the same column as the key that owns it.
struct YAMLParser {
    let bytes: [UInt8]
    var position = 0
    /// How deep blocks and flows are nested here; bounded so hostile input cannot exhaust the stack.
    var depth = 0
    static let maximumDepth = 64

    init(_ text: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var utf8 = text.utf8[...]
        if utf8.starts(with: [0xEF, 0xBB, 0xBF]) { utf8 = utf8.dropFirst(3) }  // byte order mark
        var afterCR = false
        for byte in utf8 {
            if byte == .carriageReturn {
                bytes.append(.lineFeed)  // CR LF and a lone CR both end a line
                afterCR = true
                continue
            }
            if byte == .lineFeed, afterCR {
                afterCR = false
                continue
            }
            afterCR = false
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    // MARK: - The document

    mutating func parseDocument() throws(YAMLError) -> YAMLNode? {
        guard try skipToContent() else { return nil }
        if column(of: position) == 0, bytes[position] == .percent {
            throw error("directives (%YAML, %TAG) are not supported; remove the line")
        }
        var root: YAMLNode?
        if atDocumentMarker(.hyphen) {
            position += 3
            skipInlineSpace()
            if !atLineEndOrComment() {
                root = try parseInlineValue(parentIndent: -1)
            }
        }
        if root == nil, try skipToContent(), !atDocumentMarker(.period), !atDocumentMarker(.hyphen) {
            root = try parseBlockNode(parentIndent: -1)
        }
        guard try skipToContent() else { return root }
        if atDocumentMarker(.period) {
            position += 3
            guard try skipToContent() else { return root }
        }
        if atDocumentMarker(.hyphen) {
            throw error("several documents in one file are not supported")
        }
        throw error("unexpected content (is this line indented less than the block it belongs to?)")
    }

    // MARK: - Block structure

    /// A node that starts at the current position, on a column right of `parentIndent`.
    mutating func parseBlockNode(parentIndent: Int) throws(YAMLError) -> YAMLNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
        let indent = column(of: position)
        if atSequenceEntry() { return try parseBlockSequence(indent: indent) }
        if try lookingAtKey() { return try parseBlockMapping(indent: indent) }
        return try parseInlineValue(parentIndent: parentIndent)
    }

    /// `key: value` lines at column `indent`.
    mutating func parseBlockMapping(indent: Int) throws(YAMLError) -> YAMLNode {
        var mapping = YAMLMapping()
        var seen: Set<String> = []
        while true {
            let keyStart = position
            guard let key = try parseKey() else {
                throw error("expected \"key: value\" here: the lines above at this indentation are a mapping")
            }
            guard seen.insert(key).inserted else {
                throw error("duplicate key \"\(key)\"", at: keyStart)
            }
            skipInlineSpace()
            let value: YAMLNode
            if atLineEndOrComment() {
                value = try parseIndentedValue(parentIndent: indent, sequenceMayShareIndent: true)
            } else if atSequenceEntry() {
                throw error("a list cannot start on the same line as its key; start it on the next line")
            } else if try lookingAtKey() {
                throw error("a mapping cannot start on the same line as its key; start it on the next line, indented")
            } else {
                value = try parseInlineValue(parentIndent: indent)
            }
            mapping.append(key: key, value: value)

            guard try skipToContent(), !atAnyDocumentMarker() else { break }
            let next = column(of: position)
            if next < indent { break }
            if next > indent {
                throw error("unexpected indentation: this line does not line up with the keys or list entries above it")
            }
        }
        return .mapping(mapping)
    }

    /// `- item` lines at column `indent`.
    mutating func parseBlockSequence(indent: Int) throws(YAMLError) -> YAMLNode {
        var items: [YAMLNode] = []
        while true {
            position += 1  // the "-"
            let separation = position
            skipInlineSpace()
            if bytes[separation..<position].contains(.tab), !restOfLineIsEmpty(from: position) {
                throw error("a tab after \"-\": YAML indents with spaces only", at: separation)
            }
            if atLineEndOrComment() {
                items.append(try parseIndentedValue(parentIndent: indent, sequenceMayShareIndent: false))
            } else {
                // A compact item ("- key: value", "- - x"): its indentation is where it starts.
                items.append(try parseBlockNode(parentIndent: indent))
            }
            guard try skipToContent(), !atAnyDocumentMarker() else { break }
            let next = column(of: position)
            if next < indent { break }
            if next > indent {
                throw error("unexpected indentation: this line is indented more than the \"-\" entries above it")
            }
            guard atSequenceEntry() else { break }  // a key of the mapping that owns this list
        }
        return .sequence(items)
    }

    /// The value of a key or entry whose line ended after the indicator: the indented block on the
    /// lines below, or an empty value if there is none.
    mutating func parseIndentedValue(parentIndent: Int, sequenceMayShareIndent: Bool) throws(YAMLError) -> YAMLNode {
        guard try skipToContent(), !atAnyDocumentMarker() else { return .empty }
        let indent = column(of: position)
        if indent > parentIndent { return try parseBlockNode(parentIndent: parentIndent) }
        if indent == parentIndent, sequenceMayShareIndent, atSequenceEntry() {
            return try parseBlockSequence(indent: indent)
        }
        return .empty
    }

    /// A value that starts on the current line: a scalar of any style or a flow collection.
    mutating func parseInlineValue(parentIndent: Int) throws(YAMLError) -> YAMLNode {
        let byte = bytes[position]
        switch byte {
        case .openBracket, .openBrace:
            let node = try parseFlowCollection()
            try expectLineEnd()
            return node
        case .doubleQuote:
            let scalar = try parseDoubleQuoted()
            try expectLineEnd()
            return .scalar(scalar)
        case .singleQuote:
            let scalar = try parseSingleQuoted()
            try expectLineEnd()
            return .scalar(scalar)
        case .pipe, .greaterThan:
            return .scalar(try parseBlockScalar(parentIndent: parentIndent))
        default:
            try refuseUnsupportedIndicator()
            let scalar = try parsePlainScalar(parentIndent: parentIndent)
            try expectLineEnd()
            return .scalar(scalar)
        }
    }

    /// A key at the current position, followed by `:`; consumes both. Nil (position unchanged) if
    /// the line does not start with a key.
    mutating func parseKey() throws(YAMLError) -> String? {
        let start = position
        let byte = bytes[position]
        if byte == .doubleQuote || byte == .singleQuote {
            let line = lineNumber(of: position)
            let scalar = byte == .doubleQuote ? try parseDoubleQuoted() : try parseSingleQuoted()
            skipInlineSpace()
            guard lineNumber(of: position) == line, at(.colon), isBlank(at: position + 1) else {
                position = start
                return nil
            }
            position += 1
            return scalar.text
        }
        guard canStartPlainScalar(at: position, inFlow: false) else { return nil }
        var index = position
        while index < bytes.count, bytes[index] != .lineFeed {
            if bytes[index] == .colon, isBlank(at: index + 1) {
                let key = trimmedText(from: position, to: index)
                position = index + 1
                return key
            }
            if bytes[index] == .hash, index > position, isSpaceOrTab(bytes[index - 1]) { return nil }
            index += 1
        }
        return nil
    }

    /// Whether the current line starts with a key (without consuming it).
    mutating func lookingAtKey() throws(YAMLError) -> Bool {
        let start = position
        defer { position = start }
        return try parseKey() != nil
    }

    // MARK: - Lines and whitespace

    /// Skips spaces, tabs, comments and line breaks up to the next content. False at the end.
    mutating func skipToContent() throws(YAMLError) -> Bool {
        while position < bytes.count {
            switch bytes[position] {
            case .space, .lineFeed:
                position += 1
            case .tab:
                if inIndentation(position), !restOfLineIsEmpty(from: position) {
                    throw error("a tab in indentation: YAML indents with spaces only")
                }
                position += 1
            case .hash:
                while position < bytes.count, bytes[position] != .lineFeed { position += 1 }
            default:
                return true
            }
        }
        return false
    }

    mutating func skipInlineSpace() {
        while position < bytes.count, isSpaceOrTab(bytes[position]) { position += 1 }
    }

    /// At a line break, the end, or a comment.
    func atLineEndOrComment() -> Bool {
        guard position < bytes.count else { return true }
        let byte = bytes[position]
        return byte == .lineFeed || (byte == .hash && (position == 0 || isBlank(at: position - 1)))
    }

    /// Only spaces and a comment may follow a complete value on its line.
    mutating func expectLineEnd() throws(YAMLError) {
        skipInlineSpace()
        guard !atLineEndOrComment() else { return }
        if at(.colon) {
            throw error("unexpected \":\": a value cannot be a key too; a nested mapping starts on its own line, indented (or quote the value)")
        }
        throw error("unexpected text after the value")
    }

    /// `- ` (or `-` at the end of a line) at the current position.
    func atSequenceEntry() -> Bool {
        at(.hyphen) && isBlank(at: position + 1)
    }

    /// `---` or `...` alone at the start of a line.
    func atDocumentMarker(_ byte: UInt8) -> Bool {
        guard position + 3 <= bytes.count, column(of: position) == 0 else { return false }
        return bytes[position] == byte && bytes[position + 1] == byte && bytes[position + 2] == byte && isBlank(at: position + 3)
    }

    func atAnyDocumentMarker() -> Bool {
        atDocumentMarker(.hyphen) || atDocumentMarker(.period)
    }

    func at(_ byte: UInt8) -> Bool {
        position < bytes.count && bytes[position] == byte
    }

    /// A space, tab or line break at `index`, or the end.
    func isBlank(at index: Int) -> Bool {
        index >= bytes.count || bytes[index] == .space || bytes[index] == .tab || bytes[index] == .lineFeed
    }

    func isSpaceOrTab(_ byte: UInt8) -> Bool {
        byte == .space || byte == .tab
    }

    /// Only spaces and tabs between the start of the line and `index`.
    func inIndentation(_ index: Int) -> Bool {
        var cursor = index - 1
        while cursor >= 0, bytes[cursor] != .lineFeed {
            guard isSpaceOrTab(bytes[cursor]) else { return false }
            cursor -= 1
        }
        return true
    }

    /// Nothing but spaces and tabs from `index` to the end of its line.
    func restOfLineIsEmpty(from index: Int) -> Bool {
        var cursor = index
        while cursor < bytes.count, isSpaceOrTab(bytes[cursor]) { cursor += 1 }
        return cursor >= bytes.count || bytes[cursor] == .lineFeed
    }

    func column(of index: Int) -> Int {
        var cursor = index
        while cursor > 0, bytes[cursor - 1] != .lineFeed { cursor -= 1 }
        return index - cursor
    }

    func lineNumber(of index: Int) -> Int {
        var line = 1
        for byte in bytes[..<min(index, bytes.count)] where byte == .lineFeed { line += 1 }
        return line
    }

    /// The text between two positions, without trailing spaces and tabs.
    func trimmedText(from start: Int, to end: Int) -> String {
        var last = end
        while last > start, isSpaceOrTab(bytes[last - 1]) { last -= 1 }
        return String(decoding: bytes[start..<last], as: UTF8.self)
    }

    func error(_ message: String, at index: Int? = nil) -> YAMLError {
        let place = min(index ?? position, bytes.count)
        return YAMLError(line: lineNumber(of: place), column: column(of: place) + 1, message: message)
    }
}
