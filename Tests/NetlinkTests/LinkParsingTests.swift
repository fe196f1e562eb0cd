import Foundation
import Testing
@testable import Netlink
import TestSupport

/// RTM_GETLINK replies recorded from a real kernel (with SWARM_IPVS_EXPORTER_RECORD_NETLINK),
/// next to `ip -s -d -j link` taken in the same namespace at the same moment.
@Suite struct LinkParsingTests {
    @Test func parsesEveryLinkExactlyAsIpReportsIt() throws {
        let messages = try NetlinkMessage.split(Fixture.bytes("rtm-getlink-dump.bin"))
        let links = try messages.map(Link.init(message:))
        let expected = try #require(Fixture.json("rtm-getlink-dump.ip-s-d-j-link.json") as? [[String: Any]])
        #expect(links.count == expected.count)
        for device in expected {
            let name = try #require(device["ifname"] as? String)
            let link = try #require(links.first { $0.name == name }, "no link \(name)")
            #expect(Int(link.index) == device["ifindex"] as? Int)
            #expect(link.mtu.map(Int.init) == device["mtu"] as? Int)
            #expect(link.operationalState?.name == (device["operstate"] as? String)?.lowercased())
            #expect(link.formattedAddress == device["address"] as? String)
            let kind = (device["linkinfo"] as? [String: Any])?["info_kind"] as? String
            #expect(link.kind == kind)
            let stats = try #require(link.statistics)
            let stats64 = try #require(device["stats64"] as? [String: [String: Any]])
            let rx = try #require(stats64["rx"]), tx = try #require(stats64["tx"])
            #expect(stats.receiveBytes == (rx["bytes"] as? NSNumber)?.uint64Value)
            #expect(stats.receivePackets == (rx["packets"] as? NSNumber)?.uint64Value)
            #expect(stats.receiveErrors == (rx["errors"] as? NSNumber)?.uint64Value)
            #expect(stats.receiveDropped == (rx["dropped"] as? NSNumber)?.uint64Value)
            #expect(stats.multicast == (rx["multicast"] as? NSNumber)?.uint64Value)
            #expect(stats.transmitBytes == (tx["bytes"] as? NSNumber)?.uint64Value)
            #expect(stats.transmitPackets == (tx["packets"] as? NSNumber)?.uint64Value)
            #expect(stats.transmitErrors == (tx["errors"] as? NSNumber)?.uint64Value)
            #expect(stats.transmitDropped == (tx["dropped"] as? NSNumber)?.uint64Value)
            #expect(stats.transmitCarrierErrors == (tx["carrier_errors"] as? NSNumber)?.uint64Value)
            #expect(stats.collisions == (tx["collisions"] as? NSNumber)?.uint64Value)
        }
    }

    @Test func theDumpEndsWithADoneMessage() throws {
        let messages = try NetlinkMessage.split(Fixture.bytes("rtm-getlink-done.bin"))
        #expect(messages.map(\.type) == [NetlinkMessage.Control.done])
    }

    @Test func everyTruncationIsRejectedOrParsedNeverACrash() throws {
        let bytes = try Fixture.bytes("rtm-getlink-dump.bin")
        var rejected = 0
        for length in 0..<bytes.count {
            do {
                let messages = try NetlinkMessage.split(bytes[0..<length])
                _ = try messages.map(Link.init(message:))
            } catch {
                rejected += 1
            }
        }
        // Every cut inside a message header or attribute must be caught; only cuts at message
        // boundaries (and the empty buffer) parse.
        #expect(rejected >= bytes.count - 3)
    }

    @Test func randomMutationsNeverCrashTheParser() throws {
        let original = try Fixture.bytes("rtm-getlink-dump.bin")
        var generator = SeededGenerator(state: 0x5157_4152_4d5f)
        var parsed = 0, rejected = 0
        for _ in 0..<5_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            do {
                for message in try NetlinkMessage.split(bytes) where message.type == 16 {
                    _ = try Link(message: message)
                }
                parsed += 1
            } catch {
                rejected += 1
            }
        }
        // Surviving is the property here (a crash ends the test run); both outcomes must occur,
        // or the mutations reached nothing.
        #expect(parsed > 0 && rejected > 0)
    }

    /// `struct rtnl_link_stats64` (linux/if_link.h), the 21 leading u64 fields the parser reads,
    /// in the kernel's order: written out here independently of LinkStatistics' reader.
    static var stats64Fields: [WritableKeyPath<LinkStatistics, UInt64>] { [
        \.receivePackets, \.transmitPackets, \.receiveBytes, \.transmitBytes, \.receiveErrors,
        \.transmitErrors, \.receiveDropped, \.transmitDropped, \.multicast, \.collisions,
        \.receiveLengthErrors, \.receiveOverErrors, \.receiveCRCErrors, \.receiveFrameErrors,
        \.receiveFIFOErrors, \.receiveMissedErrors, \.transmitAbortedErrors, \.transmitCarrierErrors,
        \.transmitFIFOErrors, \.transmitHeartbeatErrors, \.transmitWindowErrors,
    ] }

    /// Byte offsets of each message's IFLA_STATS64 payload in a dump, found by walking the headers
    /// here rather than through the parser under test.
    static func stats64Offsets(_ bytes: [UInt8]) -> [(message: Int, payload: Int)] {
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        var found: [(Int, Int)] = []
        var message = 0, index = 0
        while message + 16 <= bytes.count {
            let end = message + u32(message)
            var attribute = message + 16 + Link.headerSize
            while attribute + 4 <= end {
                let length = u16(attribute)
                if length < 4 { break }
                if u16(attribute + 2) & 0x3FFF == 23 /* IFLA_STATS64 */ { found.append((index, attribute + 4)) }
                attribute += (length + 3) & ~3
            }
            message += (u32(message) + 3) & ~3
            index += 1
        }
        return found
    }

    @Test func aChangedStats64FieldChangesThatCounterAndNothingElse() throws {
        let original = try Fixture.bytes("rtm-getlink-dump.bin")
        let baseline = try NetlinkMessage.split(original).map(Link.init(message:))
        let targets = Self.stats64Offsets(original)
        #expect(targets.count == baseline.filter { $0.statistics != nil }.count && !targets.isEmpty)
        var generator = SeededGenerator(state: 0x5354_4154_5336_34)
        for _ in 0..<2_000 {
            let target = targets[Int.random(in: 0..<targets.count, using: &generator)]
            let field = Int.random(in: 0..<Self.stats64Fields.count, using: &generator)
            let value = UInt64.random(in: 0...UInt64.max, using: &generator)
            var bytes = original
            for byte in 0..<8 { bytes[target.payload + field * 8 + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte))) }
            let links = try NetlinkMessage.split(bytes).map(Link.init(message:))
            var expected = try #require(baseline[target.message].statistics)
            expected[keyPath: Self.stats64Fields[field]] = value
            #expect(links[target.message].statistics == expected, "message \(target.message) field \(field)")
            for (index, link) in links.enumerated() where index != target.message {
                #expect(link == baseline[index])
            }
            #expect(links[target.message].name == baseline[target.message].name)
        }
    }

    @Test func attributesRejectLengthsThatRunPastTheBuffer() {
        // type 3 (IFLA_IFNAME), length 12 but only 8 bytes present
        let bytes: [UInt8] = [12, 0, 3, 0, 0x6c, 0x6f, 0, 0]
        #expect(throws: NetlinkError.self) { try NetlinkAttributes(parsing: bytes) }
        // a length shorter than the header itself
        #expect(throws: NetlinkError.self) { try NetlinkAttributes(parsing: [2, 0, 3, 0]) }
    }

    @Test func attributesStripFlagBitsAndReadNetworkOrder() throws {
        // type 0x8002 (nested flag set), a be16 port 8080 = 0x1F90
        let attributes = try NetlinkAttributes(parsing: [6, 0, 0x02, 0x80, 0x1F, 0x90, 0, 0])
        #expect(attributes.be16(2) == 8080)
        #expect(attributes.u16(2) == 0x901F)
    }

    @Test func errorMessagesCarryThePositiveErrno() throws {
        // nlmsghdr(len 36, type 2, flags 0, seq 7, pid 0) + int32 -2 (ENOENT) + 16-byte original header
        var bytes: [UInt8] = [36, 0, 0, 0, 2, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF]
        bytes += [UInt8](repeating: 0, count: 16)
        let message = try #require(try NetlinkMessage.split(bytes).first)
        #expect(message.errorCode == 2)
        #expect(message.sequence == 7)
    }
}
