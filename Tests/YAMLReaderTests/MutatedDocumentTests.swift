import Testing
import TestSupport
@testable import YAMLReader

/// Generated documents with random damage (bytes replaced, inserted, lines cut): YAMLReader must
/// return or throw — never crash or hang — and whenever both it and Yams accept a damaged document
/// they must read it the same way.
@Suite struct MutatedDocumentTests {
    static let damage: [UInt8] = Array(" \n\t:-#'\"[]{},|>?&*!%@`\\x0".utf8)

    static func mutate(_ text: String, _ generator: inout SeededGenerator) -> String {
        var bytes = Array(text.utf8)
        for _ in 0..<Int.random(in: 1...3, using: &generator) where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: bytes[index] = damage.randomElement(using: &generator)!
            case 1: bytes.insert(damage.randomElement(using: &generator)!, at: index)
            default: bytes.remove(at: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func damagedDocumentsAreReadAsYamsReadsThemOrRefused() throws {
        var generator = SeededGenerator(state: 0x4441_4d41_4745)
        var texts: [String] = []
        for _ in 0..<4_000 {
            var writer = RandomDocumentWriter(generator: generator)
            let original = writer.document()
            generator = writer.generator
            texts.append(Self.mutate(original, &generator))
        }
        var bothRead = 0
        var onlyOursRead: [String] = []
        for (text, yams) in zip(texts, try YamsOracle.read(texts)) {
            guard let ours = try? YAMLDocument.parse(text) else { continue }
            guard let theirs = yams.composed else {
                onlyOursRead.append(text)
                continue
            }
            bothRead += 1
            let mine = TreeRendering.line(ours)
            #expect(mine == theirs, "\n\(text)\nYAMLReader: \(mine)\nYams:       \(theirs)")
        }
        #expect(bothRead > 500)
        // YAMLReader is libyaml underneath, with refusals of its own on top: it reads nothing
        // that Yams's libyaml refuses.
        #expect(onlyOursRead.isEmpty, "read by YAMLReader only:\n\(onlyOursRead.prefix(5).joined(separator: "\n----\n"))")
    }
}
