/// A pull reader of JSON text that builds nothing but what its caller asks for.
///
/// The Docker Engine API's network answers describe every task of every service; the exporter
/// needs five fields of each. A tree decoder (`JSONDecoder`) indexes the whole document and then
/// builds every nested dictionary, which cost several times the answer's size (see
/// docs/benchmarks.md). This reader walks the bytes once: the caller asks for an object's keys,
/// reads the values it wants and skips the rest, so memory is the answer itself plus the values
/// kept.
///
/// Two kinds of error: `JSONReader.SyntaxError` (the text is not JSON; nothing of it can be
/// trusted) and `JSONReader.ValueError` (valid JSON, but a value is not what the caller asked for;
/// the caller can `skip()` that one value from a `Mark` and go on with the next).
struct JSONReader {
    struct SyntaxError: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "not valid JSON at byte \(offset): \(reason)" }
    }

    struct ValueError: Error, CustomStringConvertible {
        let description: String
    }

    /// What the next value is.
    enum Kind: String {
        case object, array, string, number, bool, null
    }

    /// A position to come back to (`restore`), taken before a value.
    struct Mark {
        fileprivate let position: Int
        fileprivate let depth: Int
        fileprivate let afterOpen: Bool
    }

    /// How deeply objects and arrays may nest (a hostile answer must not exhaust the stack).
    static let maximumDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private var depth = 0
    /// Right after `{` or `[`: the next key or element comes without a comma.
    private var afterOpen = false

    /// - Parameter bytes: must stay valid while the reader is used.
    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var mark: Mark { Mark(position: position, depth: depth, afterOpen: afterOpen) }

    mutating func restore(_ mark: Mark) {
        position = mark.position
        depth = mark.depth
        afterOpen = mark.afterOpen
    }

    // MARK: Structure

    /// The kind of the next value (whitespace skipped), without consuming it.
    mutating func peek() throws(SyntaxError) -> Kind {
        skipWhitespace()
        guard position < bytes.count else { throw syntax("the text ends where a value should be") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw syntax("unexpected character \(describe(bytes[position]))")
        }
    }

    /// Enters the object that comes next; then `nextKey()` until it returns nil.
    mutating func beginObject(_ what: @autoclosure () -> String = "value") throws -> Void {
        try expect(.object, what())
        try open()
    }

    /// Enters the array that comes next; then `nextElement()` until it returns false.
    mutating func beginArray(_ what: @autoclosure () -> String = "value") throws -> Void {
        try expect(.array, what())
        try open()
    }

    /// The next key of the current object, positioned on its value; nil at the object's end.
    mutating func nextKey() throws(SyntaxError) -> String? {
        guard try nextMember(closing: UInt8(ascii: "}")) else { return nil }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw syntax("expected a key") }
        let key = try stringContent()
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw syntax("expected \":\" after a key") }
        position += 1
        return key
    }

    /// Whether the current array has another element (then positioned on it).
    mutating func nextElement() throws(SyntaxError) -> Bool {
        try nextMember(closing: UInt8(ascii: "]"))
    }

    /// Skips the next value whatever it is, checking its syntax.
    mutating func skip() throws(SyntaxError) {
        switch try peek() {
        case .object:
            try open()
            while try nextKey() != nil { try skip() }
        case .array:
            try open()
            while try nextElement() { try skip() }
        case .string:
            try skipString()
        case .number:
            _ = try numberText()
        case .bool, .null:
            _ = try literal()
        }
    }

    /// After the top-level value: nothing but whitespace may follow.
    mutating func end() throws(SyntaxError) {
        skipWhitespace()
        guard position == bytes.count else { throw syntax("text after the end of the value") }
    }

    // MARK: Values

    mutating func string(_ what: @autoclosure () -> String = "value") throws -> String {
        try expect(.string, what())
        return try stringContent()
    }

    /// A string, or nil for `null`.
    mutating func optionalString(_ what: @autoclosure () -> String = "value") throws -> String? {
        if try peek() == .null { _ = try literal(); return nil }
        return try string(what())
    }

    mutating func bool(_ what: @autoclosure () -> String = "value") throws -> Bool {
        try expect(.bool, what())
        return try literal() == .some(true)
    }

    /// A whole number from `range`; anything else (a fraction, an exponent, out of range) is a
    /// `ValueError` that says so.
    mutating func integer<T: FixedWidthInteger>(_ what: @autoclosure () -> String, in range: ClosedRange<T>) throws -> T {
        let start = mark
        try expect(.number, what())
        let text = try numberText()
        guard let value = T(text), range.contains(value) else {
            restore(start)
            let whole = !text.contains { $0 == "." || $0 == "e" || $0 == "E" }
            throw ValueError(description: whole
                ? "\(what()) \(text) is out of range (\(range.lowerBound)…\(range.upperBound))"
                : "\(what()) \(text) is not a whole number")
        }
        return value
    }

    // MARK: Internals

    private func syntax(_ reason: String) -> SyntaxError { SyntaxError(offset: position, reason: reason) }

    private func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "\"\(Character(Unicode.Scalar(byte)))\"" : "0x\(String(byte, radix: 16))"
    }

    private mutating func expect(_ kind: Kind, _ what: String) throws {
        let found = try peek()
        guard found == kind else { throw ValueError(description: "\(what) is \(article(found)), not \(article(kind))") }
    }

    private func article(_ kind: Kind) -> String {
        switch kind {
        case .object, .array: "an \(kind.rawValue)"
        case .null: "null"
        default: "a \(kind.rawValue)"
        }
    }

    private mutating func open() throws(SyntaxError) {
        guard depth < Self.maximumDepth else { throw syntax("nested more than \(Self.maximumDepth) levels deep") }
        depth += 1
        position += 1
        afterOpen = true
    }

    private mutating func nextMember(closing: UInt8) throws(SyntaxError) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw syntax("the text ends inside an object or array") }
        if bytes[position] == closing {
            position += 1
            depth -= 1
            afterOpen = false
            return false
        }
        if afterOpen {
            afterOpen = false
        } else {
            guard bytes[position] == UInt8(ascii: ",") else { throw syntax("expected \",\" or \"\(Character(Unicode.Scalar(closing)))\"") }
            position += 1
            skipWhitespace()
        }
        return true
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// true, false or null (nil).
    private mutating func literal() throws(SyntaxError) -> Bool? {
        for (text, value) in [("true", true as Bool?), ("false", false), ("null", nil)] {
            let word = Array(text.utf8)
            if bytes.count - position >= word.count, bytes[position..<position + word.count].elementsEqual(word) {
                position += word.count
                return value
            }
        }
        throw syntax("unexpected character \(describe(bytes[position]))")
    }

    /// The text of a number, checked against JSON's grammar.
    private mutating func numberText() throws(SyntaxError) -> String {
        let start = position
        func digits() -> Int {
            let first = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - first
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integral = position
        let count = digits()
        guard count > 0 else { throw syntax("a number without digits") }
        guard count == 1 || bytes[integral] != UInt8(ascii: "0") else { throw syntax("a number with a leading zero") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw syntax("a number without digits after \".\"") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw syntax("a number without digits in its exponent") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func skipString() throws(SyntaxError) {
        _ = try stringContent(keep: false)
    }

    /// The string at the position (on its opening quote), unescaped.
    private mutating func stringContent(keep: Bool = true) throws(SyntaxError) -> String {
        position += 1
        let start = position
        // The common case: no escapes, read straight from the bytes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                defer { position += 1 }
                return keep ? String(decoding: bytes[start..<position], as: UTF8.self) : ""
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw syntax("a control character inside a string") }
            position += 1
        }
        var scalars = String.UnicodeScalarView()
        if keep { scalars.append(contentsOf: String(decoding: bytes[start..<position], as: UTF8.self).unicodeScalars) }
        var plain = position
        func flush(_ end: Int) {
            if keep, plain < end { scalars.append(contentsOf: String(decoding: bytes[plain..<end], as: UTF8.self).unicodeScalars) }
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                flush(position)
                position += 1
                return String(scalars)
            }
            guard byte >= 0x20 else { throw syntax("a control character inside a string") }
            guard byte == UInt8(ascii: "\\") else { position += 1; continue }
            flush(position)
            position += 1
            guard position < bytes.count else { break }
            let escaped = bytes[position]
            position += 1
            let simple: Unicode.Scalar? = switch escaped {
            case UInt8(ascii: "\""): "\""
            case UInt8(ascii: "\\"): "\\"
            case UInt8(ascii: "/"): "/"
            case UInt8(ascii: "b"): "\u{08}"
            case UInt8(ascii: "f"): "\u{0C}"
            case UInt8(ascii: "n"): "\n"
            case UInt8(ascii: "r"): "\r"
            case UInt8(ascii: "t"): "\t"
            default: nil
            }
            if let simple {
                scalars.append(simple)
            } else if escaped == UInt8(ascii: "u") {
                var value = try hex4()
                if (0xD800..<0xDC00).contains(value) {
                    // A high surrogate must be followed by an escaped low one.
                    guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                        throw syntax("a lone surrogate in a \\u escape")
                    }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw syntax("a lone surrogate in a \\u escape") }
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(value) {
                    throw syntax("a lone surrogate in a \\u escape")
                }
                scalars.append(Unicode.Scalar(value)!)
            } else {
                throw syntax("an unknown escape \\\(describe(escaped))")
            }
            plain = position
        }
        throw syntax("the text ends inside a string")
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw syntax("a \\u escape without 4 hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = UInt32(String(Unicode.Scalar(bytes[position])), radix: 16) else { throw syntax("a \\u escape without 4 hex digits") }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
