/// libyaml's reasons put in words that say what to fix (a tab in indentation, an unclosed quote or
/// bracket, a value that is a key too, …), at the place that explains them; users and their
/// scripts already know these messages. A reason without such words is passed on as libyaml gives it.
extension YAMLError {
    /// - Parameter depth: how many collections were open when libyaml stopped (1: the document's top one).
    init(_ failure: LibYAMLParser.Failure, text: String, bytes: [UInt8], depth: Int) {
        switch failure.stage {
        case .memory:
            self.init("out of memory", at: .start)
        case .reader:
            // A reader failure has a byte offset, no mark.
            let before = String(decoding: bytes[..<min(failure.offset, bytes.count)], as: UTF8.self)
            self.init(failure.problem, at: YAMLSource(text).mark(of: YAMLSource(before).count))
        case .scanner, .parser:
            let source = YAMLSource(text)
            let (message, mark) = Self.explain(failure, source: source, depth: depth)
                ?? (Self.inLibYAMLWords(failure), failure.problemMark)
            self.init(message, at: mark)
        }
    }

    private static func inLibYAMLWords(_ failure: LibYAMLParser.Failure) -> String {
        guard let context = failure.context else { return failure.problem }
        let mark = failure.contextMark
        return "\(failure.problem) (\(context) at line \(mark.line + 1), column \(mark.column + 1))"
    }

    // The checks are on libyaml's problem texts (scanner.c, parser.c of libyaml 0.2.5); a text
    // that changes in a later libyaml falls through to libyaml's own words, it is not misread.
    private static func explain(_ failure: LibYAMLParser.Failure, source: YAMLSource, depth: Int) -> (String, YAMLMark)? {
        let problem = failure.problem
        let at = failure.problemMark
        let context = failure.context ?? ""
        switch problem {
        case "found character that cannot start any token":
            return unexpectedCharacter(at: at, source: source)
        case "found a tab character where an indentation space is expected",
             "found a tab character that violates indentation":
            return ("a tab in indentation: YAML indents with spaces only", at)
        case "found unexpected end of stream" where context == "while scanning a quoted scalar":
            let double = source[failure.contextMark.index] == "\""
            return (double ? "a double-quoted string is not closed" : "a single-quoted string is not closed", failure.contextMark)
        case "found unexpected document indicator" where context == "while scanning a quoted scalar":
            return ("a document marker inside a quoted string", at)
        case "found unknown escape character":
            let code = source[at.index + 1].map { String($0) } ?? ""
            return ("unknown escape \"\\\(code)\" in a double-quoted string", at)
        case "did not find expected hexdecimal number", "found invalid Unicode character escape code":
            return badEscape(digitAt: at, source: source, invalidCode: problem.hasPrefix("found invalid"))
        case "mapping values are not allowed in this context":
            if let value = source.valueStartBefore(at) {
                return ("a mapping cannot start on the same line as its key; start it on the next line, indented", value)
            }
            return ("unexpected \":\": a value cannot be a key too; a nested mapping starts on its own line, indented (or quote the value)", at)
        case "block sequence entries are not allowed in this context":
            return ("a list cannot start on the same line as its key; start it on the next line", at)
        case "did not find expected key" where context == "while parsing a block mapping":
            guard source.startsItsLine(at) else { return ("unexpected text after the value", at) }
            if at.column == failure.contextMark.column {
                return ("expected \"key: value\" here: the lines above at this indentation are a mapping", at)
            }
            return (notLinedUp, at)
        case "could not find expected ':'" where context == "while scanning a simple key":
            return ("expected \"key: value\" here: the lines above at this indentation are a mapping", failure.contextMark)
        case "did not find expected '-' indicator" where depth > 1 && source.startsItsLine(at):
            return (notLinedUp, at)
        case "did not find expected '-' indicator", "did not find expected <document start>":
            return ("unexpected content (is this line indented less than the block it belongs to?)", at)
        case "did not find expected ',' or ']'", "did not find expected ',' or '}'":
            return unfinishedFlow(failure, source: source)
        case "did not find expected node content":
            guard let character = source[at.index] else { return nil }
            if character == "," { return ("an empty entry (two commas in a row)", at) }
            return ("unexpected \"\(character)\"; quote the value if it is meant as text", at)
        case "found an indentation indicator equal to 0":
            return ("a block scalar's indentation indicator must be 1 to 9", at)
        case "did not find expected comment or line break" where context == "while scanning a block scalar":
            return ("unexpected text after the block scalar indicator", at)
        default:
            return nil
        }
    }

    private static let notLinedUp = "unexpected indentation: this line does not line up with the keys or list entries above it"

    /// A character no token starts with: a tab where YAML wants spaces, or an indicator that
    /// cannot start a plain value.
    private static func unexpectedCharacter(at mark: YAMLMark, source: YAMLSource) -> (String, YAMLMark)? {
        guard let character = source[mark.index] else { return nil }
        if character == "\t" {
            if source.startsItsLine(mark) { return ("a tab in indentation: YAML indents with spaces only", mark) }
            let blanks = source.blanks(before: mark)
            if source[mark.index - blanks - 1] == "-" {
                return ("a tab after \"-\": YAML indents with spaces only", mark.back(blanks))
            }
        }
        if character == "@" || character == "`" || character == "%" {
            return ("a value cannot start with \"\(character)\"; quote the value", mark)
        }
        return ("unexpected \"\(character)\"; quote the value if it is meant as text", mark)
    }

    /// `\x`, `\u` or `\U` without its hexadecimal digits, or with digits that name no character;
    /// reported at the backslash.
    private static func badEscape(digitAt mark: YAMLMark, source: YAMLSource, invalidCode: Bool) -> (String, YAMLMark)? {
        var backslash = mark.index
        while backslash > 0, source[backslash] != "\\" { backslash -= 1 }
        guard let letter = source[backslash + 1] else { return nil }
        let width = letter == "x" ? 2 : letter == "u" ? 4 : 8
        let start = mark.back(mark.index - backslash)
        guard invalidCode else { return ("the escape needs \(width) hexadecimal digits", start) }
        let digits = (0..<width).compactMap { source[backslash + 2 + $0] }.map { String($0) }.joined()
        return ("escape for U+\(digits.uppercased()), which is not a character", start)
    }

    /// A flow collection with something other than `,` or its closing bracket after an entry.
    private static func unfinishedFlow(_ failure: LibYAMLParser.Failure, source: YAMLSource) -> (String, YAMLMark) {
        let opened = failure.contextMark
        let isList = source[opened.index] == "["
        if source[failure.problemMark.index] == nil {
            let closing = isList ? "]" : "}"
            return ("\"\(isList ? "[" : "{")\" is never closed (missing \"\(closing)\")", opened)
        }
        if !isList, source[failure.problemMark.index] == ":" {
            return ("a key inside { } must be on one line, together with its \":\"", source.entryStart(before: failure.problemMark))
        }
        let what = isList ? "\",\" or \"]\" in the list" : "\",\" or \"}\" in the mapping"
        return ("expected \(what) opened at line \(opened.line + 1)", failure.problemMark)
    }
}
