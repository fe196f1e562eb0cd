import Foundation
import Testing
@testable import Netlink
import TestSupport

/// IPVS replies recorded from Debian's 6.1 kernel in the VM (Tests/vm/capture-fixtures.sh), with
/// ipvsadm's listings of the same table taken at the same time.
@Suite struct IPVSParsingTests {
    static let fixtureNames = (1...12).map { number in
        let kinds = [1: "GET-SERVICE-dump", 2: "GET-SERVICE-dump", 11: "GET-INFO", 12: "GET-CONFIG"]
        return String(format: "ipvs-%02d-IPVS-CMD-%@.bin", number, kinds[number] ?? "GET-DEST-dump")
    }

    /// The table rebuilt from the datagrams in the order the client asked for them.
    static func recordedTable() throws -> IPVSTable {
        try IPVSTable(replaying: fixtureNames.map(Fixture.bytes))
    }

    static func key(_ service: IPVSService) -> String {
        if let mark = service.firewallMark { return "FWM \(mark)" }
        let address = service.address!.family == 10 ? "[\(service.address!)]" : "\(service.address!)"
        return "\(service.protocolName.uppercased()) \(address):\(service.port!)"
    }

    static func key(_ destination: IPVSDestination) -> String {
        let address = destination.address.family == 10 ? "[\(destination.address)]" : "\(destination.address)"
        return "-> \(address):\(destination.port)"
    }

    @Test func countersEqualIpvsadmStatsExact() throws {
        let table = try Self.recordedTable()
        let expected = IPVSAdmOutput.rows(String(decoding: try Fixture.bytes("ipvs.ipvsadm-Ln-stats-exact.txt"), as: UTF8.self))
        var rows: [IPVSAdmOutput.Row] = []
        func row(_ key: String, _ s: IPVSStatistics) -> IPVSAdmOutput.Row {
            IPVSAdmOutput.Row(key: key, columns: [s.connections, s.incomingPackets, s.outgoingPackets, s.incomingBytes, s.outgoingBytes].map(String.init))
        }
        for entry in table.entries {
            rows.append(row(Self.key(entry.service), entry.service.statistics))
            #expect(entry.service.statistics.is64Bit, "the 6.1 kernel sends STATS64")
            for destination in entry.destinations { rows.append(row(Self.key(destination), destination.statistics)) }
        }
        #expect(IPVSAdmOutput.keyed(rows) == IPVSAdmOutput.keyed(expected))
        #expect(rows.count == expected.count)
        #expect(rows.contains { $0.columns[1] == "5" && $0.columns[3] == "250" }, "the recorded UDP traffic is there")
    }

    @Test func schedulersPersistenceWeightsAndConnectionsEqualIpvsadmList() throws {
        let table = try Self.recordedTable()
        let text = String(decoding: try Fixture.bytes("ipvs.ipvsadm-Ln.txt"), as: UTF8.self)
        var rows: [IPVSAdmOutput.Row] = []
        let forwardNames = ["masq": "Masq", "local": "Local", "tunnel": "Tunnel", "route": "Route", "bypass": "Bypass"]
        for entry in table.entries {
            let service = entry.service
            rows.append(IPVSAdmOutput.Row(key: Self.key(service), columns: [service.scheduler] + (service.isPersistent ? ["persistent", String(service.timeout)] : [])))
            for destination in entry.destinations {
                rows.append(IPVSAdmOutput.Row(key: Self.key(destination), columns: [
                    forwardNames[destination.forwarding?.name ?? ""] ?? "?", String(destination.weight),
                    String(destination.activeConnections), String(destination.inactiveConnections),
                ]))
            }
        }
        #expect(IPVSAdmOutput.keyed(rows) == IPVSAdmOutput.keyed(IPVSAdmOutput.rows(text)))
        #expect(rows.count == IPVSAdmOutput.rows(text).count)
        #expect(table.configuration.connectionTableSize == IPVSAdmOutput.tableSize(text))
        #expect(table.configuration.version == 0x010201)
    }

    @Test func thresholdsPersistentConnectionsAndTimeoutsEqualIpvsadm() throws {
        let table = try Self.recordedTable()
        let thresholds = IPVSAdmOutput.keyed(IPVSAdmOutput.rows(String(decoding: try Fixture.bytes("ipvs.ipvsadm-Ln-thresholds.txt"), as: UTF8.self)))
        let persistent = IPVSAdmOutput.keyed(IPVSAdmOutput.rows(String(decoding: try Fixture.bytes("ipvs.ipvsadm-Ln-persistent-conn.txt"), as: UTF8.self)))
        var compared = 0
        for entry in table.entries {
            for destination in entry.destinations {
                let key = "\(Self.key(entry.service)) \(Self.key(destination))"
                // --thresholds columns: Uthreshold Lthreshold ActiveConn InActConn
                #expect(thresholds[key].map { Array($0.prefix(2)) } == [String(destination.upperThreshold), String(destination.lowerThreshold)], "\(key)")
                // --persistent-conn columns: Weight PersistConn ActiveConn InActConn
                #expect(persistent[key]?[1] == String(destination.persistentConnections), "\(key)")
                compared += 1
            }
        }
        #expect(compared == 5)
        let timeouts = IPVSAdmOutput.timeouts(String(decoding: try Fixture.bytes("ipvs.ipvsadm-Ln-timeout.txt"), as: UTF8.self))
        let configuration = table.configuration
        #expect(timeouts == [configuration.tcpTimeout, configuration.tcpFinTimeout, configuration.udpTimeout])
    }

    @Test func everyKindOfServiceIsThere() throws {
        let services = try Self.recordedTable().entries.map(\.service)
        #expect(services.contains { $0.firewallMark == 256 && $0.protocolName == "" })
        #expect(services.contains { $0.protocolName == "udp" })
        #expect(services.contains { $0.address?.description == "2001:db8::1" && $0.isPersistent && $0.timeout == 600 })
    }

    @Test func mutatedIPVSRepliesAreRejectedOrParsedNeverACrash() throws {
        let originals = try Self.fixtureNames.map(Fixture.bytes)
        var generator = SeededGenerator(state: 0x1975)
        var outcomes = (parsed: 0, rejected: 0)
        for round in 0..<3_000 {
            var bytes = originals[round % originals.count]
            let cut = Int.random(in: 0...bytes.count, using: &generator)
            if round % 3 == 0 { bytes = Array(bytes.prefix(cut)) }
            for _ in 0..<Int.random(in: 0...6, using: &generator) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            do {
                for message in try NetlinkMessage.split(bytes) where message.type > NetlinkMessage.Control.overrun {
                    let generic = try GenericNetlinkMessage(message)
                    if generic.attributes.contains(1) { _ = try IPVSService(message: generic) }
                    if generic.attributes.contains(2) { _ = try IPVSDestination(message: generic, serviceFamily: 2) }
                }
                outcomes.parsed += 1
            } catch {
                outcomes.rejected += 1
            }
        }
        #expect(outcomes.parsed > 0 && outcomes.rejected > 0)
    }
}
