import Foundation
import Testing
@testable import Netlink

/// ctnetlink statistics replies recorded from a real kernel (Tests/vm/capture-conntrack-fixtures.sh,
/// in the VM) next to what `conntrack -S` and `conntrack -C` said about the same quiet namespace.
@Suite struct ConntrackStatisticsTests {
    /// The recorded datagrams of one request, in the order they arrived, as the messages a reader
    /// hands on (the dump's closing DONE is the socket's business, not the parser's).
    static func replies(_ context: String) throws -> [NetlinkMessage] {
        let directory = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("conntrack-") && $0.hasSuffix("-\(context).bin") }.sorted()
        #expect(!names.isEmpty, "no recorded \(context) reply")
        return try names.flatMap { try NetlinkMessage.split(Fixture.bytes($0)) }
            .filter { $0.type != NetlinkMessage.Control.done }
    }

    /// `conntrack -S`: one line per CPU, `cpu=N found=… invalid=… …`.
    static func conntrackS() throws -> [[String: UInt64]] {
        let text = String(decoding: try Fixture.bytes("conntrack.conntrack-S.txt"), as: UTF8.self)
        return text.split(separator: "\n").map { line in
            Dictionary(uniqueKeysWithValues: line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { field in
                let pair = field.split(separator: "=")
                return pair.count == 2 ? (String(pair[0]), UInt64(pair[1])!) : nil
            })
        }
    }

    static func number(_ fixture: String) throws -> UInt64 {
        try #require(UInt64(String(decoding: try Fixture.bytes(fixture), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test func perCPUCountersSumToWhatConntrackSReports() throws {
        let perCPU = try Self.replies("IPCTNL-MSG-CT-GET-STATS-CPU-dump")
        let statistics = try ConntrackStatistics(perCPU: perCPU, global: Self.replies("IPCTNL-MSG-CT-GET-STATS"))
        let cpus = try Self.conntrackS()
        #expect(perCPU.count == cpus.count, "one message per CPU, as conntrack -S prints one line per CPU")
        var sums: [String: UInt64] = [:]
        for cpu in cpus { for (name, value) in cpu where name != "cpu" { sums[name, default: 0] += value } }
        #expect(Set(statistics.counters.keys) == Set(sums.keys))
        for (name, value) in sums { #expect(statistics.counters[name] == value, "\(name)") }
        // a namespace that saw traffic: all-zero counters would let a parser that reads nothing pass
        // (kernels since 5.x no longer count insert or found here; invalid still moves)
        #expect(sums.values.contains { $0 > 0 })
        #expect(cpus.count > 1, "the capture must come from a machine with several CPUs, so the sum is tested")
    }

    @Test func globalRepliesGiveTheTableSizeAndLimit() throws {
        let statistics = try ConntrackStatistics(perCPU: [], global: Self.replies("IPCTNL-MSG-CT-GET-STATS"))
        #expect(statistics.entries == (try Self.number("conntrack.conntrack-C.txt")))
        #expect(statistics.maximumEntries == (try Self.number("conntrack.nf_conntrack_max.txt")))
        #expect(statistics.counters.isEmpty && (statistics.entries ?? 0) > 0)
    }

    @Test func aPayloadShorterThanNfgenmsgIsRefused() throws {
        var message = try #require(try Self.replies("IPCTNL-MSG-CT-GET-STATS").first)
        message = NetlinkMessage(type: message.type, flags: message.flags, sequence: message.sequence,
                                 portID: message.portID, payload: message.payload.prefix(3))
        #expect(throws: NetlinkError.self) { try ConntrackStatistics(perCPU: [message], global: []) }
    }
}
