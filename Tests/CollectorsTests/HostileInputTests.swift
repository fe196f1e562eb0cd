import Foundation
import Testing
@testable import Collectors
import TestSupport

/// Seeded random mutations of real inputs: the /proc parsers and the DNS answer parser either
/// parse or throw, never crash or hang.
@Suite struct HostileInputTests {
    static func mutate(_ bytes: [UInt8], _ generator: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        switch Int.random(in: 0..<3, using: &generator) {
        case 0 where !out.isEmpty:
            out = Array(out.prefix(Int.random(in: 0..<out.count, using: &generator)))
        case 1:
            out.insert(contentsOf: (0..<Int.random(in: 1...8, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) },
                       at: Int.random(in: 0...out.count, using: &generator))
        default:
            for _ in 0..<Int.random(in: 1...8, using: &generator) where !out.isEmpty {
                out[Int.random(in: 0..<out.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
        }
        return out
    }

    @Test func procParsersAgreeWithAPlainReadingOfMutatedFiles() throws {
        var generator = SeededGenerator(state: 0x5052_4f43)
        var outcomes = (parsed: 0, rejected: 0)
        for name in ["snmp", "snmp6", "netstat", "sockstat", "sockstat6"] {
            let original = Array(try ProcParsingTests.fixture(name).utf8)
            for _ in 0..<1_000 {
                let text = String(decoding: Self.mutate(original, &generator), as: UTF8.self)
                let parsed: [ProcNetValue]?
                do {
                    switch name {
                    case "snmp", "netstat": parsed = try ProcNetParsers.pairedTable(text, file: name)
                    case "snmp6": parsed = try ProcNetParsers.singleColumn(text, file: name)
                    default: parsed = try ProcNetParsers.sockstat(text, file: name)
                    }
                    outcomes.parsed += 1
                } catch let error as ProcParseError {
                    #expect(error.file == name && error.line >= 1)
                    parsed = nil
                    outcomes.rejected += 1
                }
                let reference = PlainProcReading.read(text, layout: name == "snmp6" ? .singleColumn : name.hasPrefix("sockstat") ? .sockstat : .paired)
                #expect(parsed == reference, "\(name): \(text.debugDescription.prefix(200))")
            }
        }
        #expect(outcomes.parsed > 0 && outcomes.rejected > 0)
    }

    @Test func dnsParserSurvivesMutatedAnswers() throws {
        // A real-shaped answer: web.test A 10.1.2.3 with a compressed name pointer.
        var answer = try DNSMessage.query(id: 0x1234, name: "web.test", type: .a)
        answer[2] = 0x85; answer[3] = 0x80; answer[7] = 1
        answer += [0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3]
        let parsed = try DNSMessage.parse(answer)
        #expect(parsed.addresses == ["10.1.2.3"] && parsed.id == 0x1234 && parsed.responseCode == 0)

        var generator = SeededGenerator(state: 0x444e_53)
        var outcomes = (parsed: 0, rejected: 0)
        for _ in 0..<5_000 {
            do {
                _ = try DNSMessage.parse(Self.mutate(answer, &generator))
                outcomes.parsed += 1
            } catch {
                outcomes.rejected += 1
            }
        }
        #expect(outcomes.parsed > 0 && outcomes.rejected > 0)
        // A compression loop must be refused, not followed forever.
        var loop = answer
        loop[loop.count - 16] = 0xC0
        loop[loop.count - 15] = UInt8(loop.count - 16)
        #expect(throws: DNSMessage.ParseError.self) { try DNSMessage.parse(loop) }
    }

    @Test func ringSelectionSkipsItselfAndWraps() {
        let peers = ["10.0.0.9", "10.0.0.10", "10.0.0.2", "10.0.0.3"]
        #expect(PeerRing.select(peers, own: ["10.0.0.3"], neighbours: 2) == ["10.0.0.9", "10.0.0.10"])
        #expect(PeerRing.select(peers, own: ["10.0.0.10"], neighbours: 2) == ["10.0.0.2", "10.0.0.3"])
        #expect(PeerRing.select(peers, own: ["10.0.0.3"], neighbours: 0) == ["10.0.0.2", "10.0.0.9", "10.0.0.10"])
        #expect(PeerRing.select(peers, own: [], neighbours: 1) == ["10.0.0.2"])
    }
}
