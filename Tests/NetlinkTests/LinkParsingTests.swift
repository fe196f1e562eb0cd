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
        #expect(parsed + rejected == 5_000)
        #expect(parsed > 0 && rejected > 0)
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
