import Testing
@testable import YAMLReader

/// What YAMLReader refuses, and how it says so: the features it does not implement by name, and
/// broken documents with the line and column of the fault.
@Suite struct YAMLRefusalTests {
    static func failure(_ text: String) -> YAMLError? {
        do {
            _ = try YAMLDocument.parse(text)
            return nil
        } catch {
            return error
        }
    }

    /// `text` is refused at `line`:`column` with a message containing `words`.
    static func expectRefusal(_ text: String, line: Int, column: Int, words: String,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try #require(failure(text), sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.column == column, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(words), "\(error)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        ("a: &anchor 1\n", 1, 4, "anchors"),
        ("a: &x 1\nb: *x\n", 1, 4, "anchors"),
        ("b: *x\n", 1, 4, "aliases"),
        ("a: !!str 1\n", 1, 4, "tags"),
        ("? complex\n: key\n", 1, 1, "explicit keys"),
        ("%YAML 1.2\n---\na: 1\n", 1, 1, "directives"),
        ("a: 1\n---\nb: 2\n", 2, 1, "several documents"),
        ("[a, b]: 1\n", 1, 1, "a key must be a single value"),
        ("a: 1\n? x\n: y\n", 2, 1, "explicit keys"),
    ])
    func unsupportedFeaturesAreRefusedByName(text: String, line: Int, column: Int, words: String) throws {
        // Valid YAML (Yams reads it, one document at a time) that this reader does not take.
        #expect(try YamsOracle.read(text) != .refused || text == "b: *x\n")
        try Self.expectRefusal(text, line: line, column: column, words: words)
    }

    @Test(arguments: [
        ("a: 1\na: 2\n", 2, 1, "duplicate key \"a\""),
        ("m: {a: 1, a: 2}\n", 1, 11, "duplicate key \"a\""),
        ("a:\n\tb: 1\n", 2, 1, "tab in indentation"),
        ("- \t- x\n", 1, 2, "tab after \"-\""),
        ("a: \"open\n", 1, 4, "not closed"),
        ("a: 'open\n", 1, 4, "not closed"),
        ("a: [1, 2\n", 1, 4, "never closed"),
        ("a: {b: 1\n", 1, 4, "never closed"),
        ("a: \"\\q\"\n", 1, 5, "unknown escape"),
        ("a: \"\\u12\"\n", 1, 5, "hexadecimal digits"),
        ("a: \"\\uD800\"\n", 1, 5, "not a character"),
        ("a: b: c\n", 1, 4, "a mapping cannot start on the same line"),
        ("a: - x\n", 1, 4, "a list cannot start on the same line"),
        ("a: 1\n  b: 2\n", 2, 4, "unexpected \":\""),
        ("a:\n  b: 1\n c: 2\n", 3, 2, "unexpected indentation"),
        ("a:\n  b: 1\n    c: 2\n", 3, 6, "unexpected \":\""),
        ("a:\n  - x\n  y: 1\n", 3, 3, "does not line up"),
        ("a: [1, 2] x\n", 1, 11, "unexpected text after the value"),
        ("a: [1,, 2]\n", 1, 7, "empty entry"),
        ("a: [x: 1]\n", 1, 6, "pairs inside [ ]"),
        ("a: {b\n  c: 1}\n", 1, 5, "on one line"),
        ("a: {b:c}\n", 1, 5, "must be quoted"),
        ("a: |0\n  x\n", 1, 5, "1 to 9"),
        ("a: | x\n", 1, 6, "after the block scalar indicator"),
        ("a: |\n  x\n\ty\n", 3, 1, "tab in indentation"),
        ("a: \"x\n---\ny\"\n", 2, 1, "document marker"),
        ("- a\nb: 1\n", 2, 1, "unexpected content"),
        ("a: @x\n", 1, 4, "quote the value"),
        ("a: ]\n", 1, 4, "quote the value"),
        // Whatever comes first in the text is reported, though explicit keys are found by a pass of their own.
        ("a: [1, 2] x\n? y\n: z\n", 1, 11, "unexpected text after the value"),
        ("? x\n: y\na: b: c\n", 1, 1, "explicit keys"),
        ("a: &x 1\n? y\n: z\n", 1, 4, "anchors"),
        // A second document without its "---"; a control character (refused in libyaml's words).
        ("a: 1\n...\nb: 2\n", 3, 1, "unexpected content"),
        ("a: \u{1}\n", 1, 4, "control characters are not allowed"),
    ])
    func brokenDocumentsSayWhereAndWhy(text: String, line: Int, column: Int, words: String) throws {
        try Self.expectRefusal(text, line: line, column: column, words: words)
    }

    @Test func deepNestingIsRefusedNotAStackOverflow() throws {
        let flow = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let flowError = try #require(Self.failure(flow))
        #expect(flowError.message.contains("nested more than"), "\(flowError)")
        let block = String(repeating: "- ", count: 10_000) + "x\n"
        let blockError = try #require(Self.failure(block))
        #expect(blockError.message.contains("nested more than"), "\(blockError)")
        let within = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect(Self.failure(within) == nil)
    }
}
