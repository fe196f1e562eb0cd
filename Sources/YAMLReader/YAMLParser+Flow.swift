/// Flow collections: `[a, b]` and `{key: value, other: value}`, possibly over several lines.
extension YAMLParser {
    /// The collection at the current `[` or `{`.
    mutating func parseFlowCollection() throws(YAMLError) -> YAMLNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
        return at(.openBracket) ? try parseFlowSequence() : try parseFlowMapping()
    }

    private mutating func parseFlowSequence() throws(YAMLError) -> YAMLNode {
        let start = position
        position += 1
        var items: [YAMLNode] = []
        while true {
            try skipFlowSpace(openedAt: start)
            if at(.closeBracket) {
                position += 1
                return .sequence(items)
            }
            items.append(try parseFlowNode(openedAt: start))
            try skipFlowSpace(openedAt: start)
            if at(.colon) { throw error("\"key: value\" pairs inside [ ] are not supported; use { } or a block mapping") }
            if at(.comma) {
                position += 1
            } else if !at(.closeBracket) {
                throw error("expected \",\" or \"]\" in the list opened at line \(lineNumber(of: start))")
            }
        }
    }

    private mutating func parseFlowMapping() throws(YAMLError) -> YAMLNode {
        let start = position
        position += 1
        var mapping = YAMLMapping()
        var seen: Set<String> = []
        while true {
            try skipFlowSpace(openedAt: start)
            if at(.closeBrace) {
                position += 1
                return .mapping(mapping)
            }
            let keyStart = position
            guard case .scalar(let key) = try parseFlowNode(openedAt: start) else {
                throw error("a key must be a single value, not a collection", at: keyStart)
            }
            guard seen.insert(key.text).inserted else { throw error("duplicate key \"\(key.text)\"", at: keyStart) }
            if key.style == .plain, key.text.utf8.contains(.colon) {
                throw error("a key inside { } that contains \":\" must be quoted", at: keyStart)
            }
            let keyLine = lineNumber(of: keyStart)
            try skipFlowSpace(openedAt: start)
            var value = YAMLNode.empty
            if at(.colon) {
                guard lineNumber(of: position) == keyLine else {
                    throw error("a key inside { } must be on one line, together with its \":\"", at: keyStart)
                }
                guard key.style != .plain || isBlank(at: position + 1) else {
                    throw error("put a space after \":\" inside { }")
                }
                position += 1
                try skipFlowSpace(openedAt: start)
                if !at(.comma), !at(.closeBrace) {
                    value = try parseFlowNode(openedAt: start)
                    try skipFlowSpace(openedAt: start)
                }
            }
            mapping.append(key: key.text, value: value)
            if at(.comma) {
                position += 1
            } else if !at(.closeBrace) {
                throw error("expected \",\" or \"}\" in the mapping opened at line \(lineNumber(of: start))")
            }
        }
    }

    /// One entry of a flow collection: a nested collection or a scalar.
    private mutating func parseFlowNode(openedAt start: Int) throws(YAMLError) -> YAMLNode {
        switch bytes[position] {
        case .openBracket, .openBrace:
            return try parseFlowCollection()
        case .doubleQuote:
            return .scalar(try parseDoubleQuoted())
        case .singleQuote:
            return .scalar(try parseSingleQuoted())
        case .comma:
            throw error("an empty entry (two commas in a row)")
        default:
            guard canStartPlainScalar(at: position, inFlow: true) else {
                try refuseUnsupportedIndicator()
                throw error("unexpected \"\(String(decoding: [bytes[position]], as: UTF8.self))\" inside [ ] or { }; quote the value if it is meant as text")
            }
            return .scalar(YAMLScalar(text: try parseFlowPlainScalar(openedAt: start), style: .plain))
        }
    }

    /// A plain scalar inside a flow; line breaks fold as in block context.
    private mutating func parseFlowPlainScalar(openedAt start: Int) throws(YAMLError) -> String {
        var text = scanPlainLine(inFlow: true)
        while true {
            let lineEnd = position
            skipInlineSpace()
            guard at(.lineFeed) else {
                position = lineEnd
                return text
            }
            position += 1
            let emptyLines = skipLinePrefixCountingEmptyLines()
            guard position < bytes.count else { throw unclosed(openedAt: start) }
            let byte = bytes[position]
            guard !byte.isFlowIndicator, byte != .hash, byte != .colon || !isBlank(at: position + 1) else {
                position = lineEnd
                return text
            }
            if atAnyDocumentMarker() { throw error("a document marker inside [ ] or { }") }
            text += Self.fold(emptyLines: emptyLines)
            text += scanPlainLine(inFlow: true)
        }
    }

    /// Spaces, line breaks and comments between a flow's entries; the end of the file is an error.
    private mutating func skipFlowSpace(openedAt start: Int) throws(YAMLError) {
        while position < bytes.count {
            switch bytes[position] {
            case .space, .tab, .lineFeed:
                position += 1
            case .hash where position == 0 || isBlank(at: position - 1):
                while position < bytes.count, bytes[position] != .lineFeed { position += 1 }
            default:
                if atAnyDocumentMarker() { throw error("a document marker inside [ ] or { }") }
                return
            }
        }
        throw unclosed(openedAt: start)
    }

    private func unclosed(openedAt start: Int) -> YAMLError {
        let closing = bytes[start] == .openBracket ? "]" : "}"
        return error("\"\(String(decoding: [bytes[start]], as: UTF8.self))\" is never closed (missing \"\(closing)\")", at: start)
    }
}
