/// Scalars: plain, single- and double-quoted, and block (`|` literal, `>` folded).
extension YAMLParser {
    /// Whether a plain scalar may start at `index`. Indicators cannot, except `-`, `?` and `:`
    /// followed by something that is not a space (`-1`, `:x`).
    func canStartPlainScalar(at index: Int, inFlow: Bool) -> Bool {
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case .lineFeed, .space, .tab, .comma, .openBracket, .closeBracket, .openBrace, .closeBrace, .hash, .ampersand,
             .asterisk, .exclamation, .pipe, .greaterThan, .singleQuote, .doubleQuote, .percent, .at, .backtick:
            return false
        case .question where inFlow, .colon where inFlow:
            return false  // libyaml and Go's YAML take these as indicators inside [ ] and { }
        case .hyphen, .question, .colon:
            guard !isBlank(at: index + 1) else { return false }
            return !(inFlow && bytes[index + 1].isFlowIndicator)
        default:
            return true
        }
    }

    /// A clear error for a value that starts with something this reader does not take.
    func refuseUnsupportedIndicator() throws(YAMLError) {
        guard !canStartPlainScalar(at: position, inFlow: false) else { return }
        let byte = bytes[position]
        let character = String(decoding: [byte], as: UTF8.self)
        switch byte {
        case .ampersand: throw error("anchors (&name) are not supported; write the value out")
        case .asterisk: throw error("aliases (*name) are not supported; write the value out")
        case .exclamation: throw error("tags (!name) are not supported")
        case .question: throw error("explicit keys (\"? key\") are not supported")
        case .colon: throw error("a key is missing before \":\"")
        case .hyphen: throw error("a list cannot start here; start it on its own line")
        case .percent, .at, .backtick: throw error("a value cannot start with \"\(character)\"; quote the value")
        default: throw error("unexpected \"\(character)\"; quote the value if it is meant as text")
        }
    }

    // MARK: - Plain

    /// A plain scalar in block context; it may go on over following lines indented right of
    /// `parentIndent` (each line break folds to a space, each empty line to a line break).
    mutating func parsePlainScalar(parentIndent: Int) throws(YAMLError) -> YAMLScalar {
        var text = scanPlainLine(inFlow: false)
        while true {
            let lineEnd = position
            skipInlineSpace()
            guard at(.lineFeed) else {
                position = lineEnd
                break
            }
            position += 1
            let emptyLines = skipLinePrefixCountingEmptyLines()
            let indent = column(of: position)
            guard position < bytes.count, indent > parentIndent, !at(.hash), !atAnyDocumentMarker(),
                  !indentedWithTab() else {
                position = lineEnd
                break
            }
            let more = scanPlainLine(inFlow: false)
            guard !more.isEmpty else {
                position = lineEnd
                break
            }
            text += Self.fold(emptyLines: emptyLines)
            text += more
        }
        return YAMLScalar(text: text, style: .plain)
    }

    /// A tab among the spaces before the current position (not a continuation line YAML allows).
    func indentedWithTab() -> Bool {
        var cursor = position - 1
        while cursor >= 0, bytes[cursor] != .lineFeed {
            if bytes[cursor] == .tab { return true }
            cursor -= 1
        }
        return false
    }

    /// What a line break inside a plain scalar becomes: a space, or one line break per empty line
    /// that followed it.
    static func fold(emptyLines: Int) -> String {
        emptyLines == 0 ? " " : String(repeating: "\n", count: emptyLines)
    }

    /// One line's share of a plain scalar: up to a line break, `: `, ` #`, or (in a flow) `,[]{}`.
    mutating func scanPlainLine(inFlow: Bool) -> String {
        let start = position
        var index = position
        while index < bytes.count {
            let byte = bytes[index]
            if byte == .lineFeed { break }
            if byte == .colon, isBlank(at: index + 1) || (inFlow && bytes[index + 1].isFlowIndicator) { break }
            if byte == .hash, index > start, isSpaceOrTab(bytes[index - 1]) { break }
            if inFlow, byte.isFlowIndicator { break }
            index += 1
        }
        position = index
        return trimmedText(from: start, to: index)
    }

    /// Skips the indentation of the line at the current position, and any empty lines after it.
    /// Returns how many empty lines there were.
    mutating func skipLinePrefixCountingEmptyLines() -> Int {
        var emptyLines = 0
        while true {
            skipInlineSpace()
            guard at(.lineFeed) else { return emptyLines }
            emptyLines += 1
            position += 1
        }
    }

    // MARK: - Quoted

    mutating func parseDoubleQuoted() throws(YAMLError) -> YAMLScalar {
        YAMLScalar(text: try parseQuoted(quote: .doubleQuote), style: .doubleQuoted)
    }

    mutating func parseSingleQuoted() throws(YAMLError) -> YAMLScalar {
        YAMLScalar(text: try parseQuoted(quote: .singleQuote), style: .singleQuoted)
    }

    /// A quoted scalar's text. Line breaks inside fold like a plain scalar's; a single-quoted
    /// string escapes only `''`; a double-quoted one takes YAML's backslash escapes.
    private mutating func parseQuoted(quote: UInt8) throws(YAMLError) -> String {
        let start = position
        position += 1
        var text: [UInt8] = []
        var foldableSpaces = 0  // spaces and tabs just written, dropped if the line ends here
        while true {
            guard position < bytes.count else {
                throw error(quote == .doubleQuote ? "a double-quoted string is not closed" : "a single-quoted string is not closed", at: start)
            }
            let byte = bytes[position]
            if byte == quote {
                if quote == .singleQuote, position + 1 < bytes.count, bytes[position + 1] == .singleQuote {
                    text.append(.singleQuote)
                    foldableSpaces = 0
                    position += 2
                    continue
                }
                position += 1
                return String(decoding: text, as: UTF8.self)
            }
            switch byte {
            case .backslash where quote == .doubleQuote:
                position += 1
                if at(.lineFeed) {
                    // An escaped line break: the break and the next line's indentation vanish.
                    position += 1
                    text.append(contentsOf: repeatElement(UInt8.lineFeed, count: skipLinePrefixCountingEmptyLines()))
                } else {
                    try appendEscape(to: &text)
                }
                foldableSpaces = 0
            case .lineFeed:
                text.removeLast(foldableSpaces)
                foldableSpaces = 0
                position += 1
                let emptyLines = skipLinePrefixCountingEmptyLines()
                if atAnyDocumentMarker() { throw error("a document marker inside a quoted string", at: position) }
                if emptyLines == 0 {
                    text.append(.space)
                } else {
                    text.append(contentsOf: repeatElement(UInt8.lineFeed, count: emptyLines))
                }
            case .space, .tab:
                text.append(byte)
                foldableSpaces += 1
                position += 1
            default:
                text.append(byte)
                foldableSpaces = 0
                position += 1
            }
        }
    }

    /// The escape after a backslash (at the current position) of a double-quoted string.
    private mutating func appendEscape(to text: inout [UInt8]) throws(YAMLError) {
        let start = position - 1
        guard position < bytes.count else { throw error("a double-quoted string is not closed", at: start) }
        let code = bytes[position]
        position += 1
        let single: UInt8? = switch code {
        case UInt8(ascii: "0"): 0x00
        case UInt8(ascii: "a"): 0x07
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "t"), .tab: 0x09
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "v"): 0x0B
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "e"): 0x1B
        case .space, .doubleQuote, .slash, .backslash: code
        default: nil
        }
        if let single {
            text.append(single)
            return
        }
        let value: UInt32
        switch code {
        case UInt8(ascii: "N"): value = 0x85
        case UInt8(ascii: "_"): value = 0xA0
        case UInt8(ascii: "L"): value = 0x2028
        case UInt8(ascii: "P"): value = 0x2029
        case UInt8(ascii: "x"): value = try hexDigits(2, escapeAt: start)
        case UInt8(ascii: "u"): value = try hexDigits(4, escapeAt: start)
        case UInt8(ascii: "U"): value = try hexDigits(8, escapeAt: start)
        default:
            throw error("unknown escape \"\\\(String(decoding: [code], as: UTF8.self))\" in a double-quoted string", at: start)
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error("escape for U+\(String(value, radix: 16, uppercase: true)), which is not a character", at: start)
        }
        text.append(contentsOf: String(Character(scalar)).utf8)
    }

    private mutating func hexDigits(_ count: Int, escapeAt start: Int) throws(YAMLError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard position < bytes.count, let digit = hexValue(bytes[position]) else {
                throw error("the escape needs \(count) hexadecimal digits", at: start)
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    // MARK: - Block scalars

    /// What happens to the line breaks at the end of a block scalar.
    private enum Chomping {
        /// One final line break (the default).
        case clip
        /// `-`: none.
        case strip
        /// `+`: all of them.
        case keep
    }

    /// `|` or `>` with optional chomping (`+`, `-`) and indentation (1-9) indicators, then the
    /// lines below indented right of `parentIndent`.
    mutating func parseBlockScalar(parentIndent: Int) throws(YAMLError) -> YAMLScalar {
        let literal = bytes[position] == .pipe
        position += 1
        var chomping = Chomping.clip
        var explicitIndent: Int?
        var sawChomping = false
        for _ in 0..<2 where position < bytes.count {
            let byte = bytes[position]
            if !sawChomping, byte == .plus || byte == .hyphen {
                chomping = byte == .plus ? .keep : .strip
                sawChomping = true
            } else if explicitIndent == nil, byte >= UInt8(ascii: "1"), byte <= UInt8(ascii: "9") {
                explicitIndent = Int(byte - UInt8(ascii: "0"))
            } else if byte == UInt8(ascii: "0") {
                throw error("a block scalar's indentation indicator must be 1 to 9")
            } else {
                break
            }
            position += 1
        }
        skipInlineSpace()
        guard atLineEndOrComment() else { throw error("unexpected text after the block scalar indicator") }
        while position < bytes.count, bytes[position] != .lineFeed { position += 1 }
        if position < bytes.count { position += 1 }

        let indent: Int
        if let explicitIndent {
            indent = parentIndent >= 0 ? parentIndent + explicitIndent : explicitIndent
        } else {
            indent = max(detectedIndent(), parentIndent + 1, 1)
        }

        var text: [UInt8] = []
        var emptyLines = 0
        var hasContent = false
        var previousMoreIndented = false
        var endsWithBreak = false
        while position < bytes.count {
            let lineStart = position
            var spaces = 0
            while spaces < indent, position < bytes.count, bytes[position] == .space {
                spaces += 1
                position += 1
            }
            if position >= bytes.count || bytes[position] == .lineFeed {
                emptyLines += 1
                if position < bytes.count { position += 1 }
                continue
            }
            if spaces < indent {
                if at(.tab) { throw error("a tab in indentation: YAML indents with spaces only") }
                position = lineStart  // a less indented line: the scalar is over
                break
            }
            let moreIndented = bytes[position] == .space || bytes[position] == .tab
            if hasContent {
                if !literal, !previousMoreIndented, !moreIndented {
                    if emptyLines == 0 {
                        text.append(.space)
                    } else {
                        text.append(contentsOf: repeatElement(UInt8.lineFeed, count: emptyLines))
                    }
                } else {
                    text.append(contentsOf: repeatElement(UInt8.lineFeed, count: emptyLines + 1))
                }
            } else {
                text.append(contentsOf: repeatElement(UInt8.lineFeed, count: emptyLines))
            }
            var lineEnd = position
            while lineEnd < bytes.count, bytes[lineEnd] != .lineFeed { lineEnd += 1 }
            text.append(contentsOf: bytes[position..<lineEnd])
            hasContent = true
            previousMoreIndented = moreIndented
            emptyLines = 0
            endsWithBreak = lineEnd < bytes.count
            position = endsWithBreak ? lineEnd + 1 : lineEnd
        }

        switch chomping {
        case .strip:
            break
        case .clip:
            if hasContent, endsWithBreak { text.append(.lineFeed) }
        case .keep:
            if hasContent, endsWithBreak { text.append(.lineFeed) }
            text.append(contentsOf: repeatElement(UInt8.lineFeed, count: emptyLines))
        }
        if !hasContent, chomping != .keep { text.removeAll() }
        return YAMLScalar(text: String(decoding: text, as: UTF8.self), style: literal ? .literal : .folded)
    }

    /// The indentation of a block scalar's first line with content (or of the longest empty line
    /// before it, as libyaml does).
    private func detectedIndent() -> Int {
        var cursor = position
        var indent = 0
        while cursor < bytes.count {
            var spaces = 0
            while cursor + spaces < bytes.count, bytes[cursor + spaces] == .space { spaces += 1 }
            indent = max(indent, spaces)
            let after = cursor + spaces
            guard after < bytes.count, bytes[after] == .lineFeed else { break }
            cursor = after + 1
        }
        return indent
    }
}
