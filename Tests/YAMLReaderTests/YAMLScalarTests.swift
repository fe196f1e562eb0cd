import Testing
@testable import YAMLReader

@Suite struct YAMLScalarTests {
    static func scalars(_ text: String) throws -> [YAMLScalar] {
        guard case .mapping(let mapping) = try YAMLDocument.parse(text) else { return [] }
        return mapping.entries.compactMap { if case .scalar(let scalar) = $0.value { scalar } else { nil } }
    }

    @Test func plainBooleansInEverySpellingQuotedOnesAreText() throws {
        let values = try Self.scalars("a: true\nb: False\nc: YES\nd: off\ne: \"true\"\nf: 'no'\ng: truthy\n")
        #expect(values.map(\.bool) == [true, false, true, false, nil, nil, nil])
    }

    @Test func nullIsPlainEmptyTildeOrNull() throws {
        let values = try Self.scalars("a:\nb: ~\nc: null\nd: NULL\ne: \"\"\nf: 'null'\ng: nil\n")
        #expect(values.map(\.isNull) == [true, true, true, true, false, false, false])
    }

    @Test func anEmptyDocumentHasNoRoot() throws {
        #expect(try YAMLDocument.parse("") == nil)
        #expect(try YAMLDocument.parse("# just a comment\n\n") == nil)
        #expect(try YAMLDocument.parse("---\n...\n") == nil)
    }

    @Test func mappingsKeepTheirOrder() throws {
        guard case .mapping(let mapping) = try YAMLDocument.parse("z: 1\na: 2\nm: 3\n") else {
            Issue.record("not a mapping")
            return
        }
        #expect(mapping.keys == ["z", "a", "m"])
        #expect(mapping["a"] == .scalar(YAMLScalar(text: "2", style: .plain)))
        #expect(mapping["missing"] == nil)
    }
}
