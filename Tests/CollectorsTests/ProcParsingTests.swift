import ExporterCore
import Foundation
import Testing
@testable import Collectors

/// /proc/net files captured from a namespace on a 6.18 kernel (Tests/CollectorsTests/Fixtures/proc).
@Suite struct ProcParsingTests {
    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/proc/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The values of a paired table counted independently: every header word but the first.
    static func headerWords(_ text: String) -> Int {
        text.split(separator: "\n").enumerated().filter { $0.offset % 2 == 0 }.reduce(0) { $0 + $1.element.split(separator: " ").count - 1 }
    }

    @Test func snmpAndNetstatPairHeadersWithValues() throws {
        for file in ["snmp", "netstat"] {
            let text = try Self.fixture(file)
            let values = try ProcNetParsers.pairedTable(text, file: file)
            #expect(values.count == Self.headerWords(text))
            #expect(Set(values.map(\.name)).count == values.count, "no name twice")
        }
        let snmp = try ProcNetParsers.pairedTable(try Self.fixture("snmp"), file: "snmp")
        #expect(snmp.first { $0.name == "Tcp_MaxConn" }?.value == -1)
        #expect(snmp.first { $0.name == "Ip_DefaultTTL" }?.value == 64)
        #expect(snmp.contains { $0.name == "Udp_NoPorts" })
    }

    @Test func everyTableIsReadFromTheOpeningThreadsNamespace() {
        for source in ProcFields.Source.allCases {
            #expect(source.path == "/proc/thread-self/net/" + source.file)
        }
    }

    @Test func theDefaultFieldListSelectsExactlyItsFields() throws {
        let filter = NameFilter(include: try NamePattern(ProcFields.defaultPattern), exclude: nil)
        for field in ProcFields.defaultFields {
            #expect(filter.accepts(field))
            #expect(!filter.accepts(field + "X"))
            #expect(!filter.accepts(String(field.dropLast())))
        }
        #expect(!filter.accepts("TcpExt_TCPHPHits"))
        #expect(!filter.accepts(""))
    }

    @Test func snmp6HasOneValuePerLine() throws {
        let text = try Self.fixture("snmp6")
        let values = try ProcNetParsers.singleColumn(text, file: "snmp6")
        #expect(values.count == text.split(separator: "\n").count)
        #expect(values.first?.name == "Ip6InReceives")
    }

    @Test func sockstatPairsKeysWithValues() throws {
        let values = try ProcNetParsers.sockstat(try Self.fixture("sockstat") + (try Self.fixture("sockstat6")), file: "sockstat")
        // sockstat: "TCP: inuse 0 orphan 0 tw 0 alloc 1 mem 0"
        #expect(values.contains(ProcNetValue(name: "TCP_alloc", value: 1)))
        #expect(values.contains(ProcNetValue(name: "TCP_inuse", value: 0)))
        #expect(values.contains { $0.name == "sockets_used" })
        #expect(values.contains { $0.name == "FRAG6_memory" })
    }

    @Test(arguments: [
        "Ip: Forwarding DefaultTTL\nIp: 1\n",            // fewer values than names
        "Ip: Forwarding\nTcp: 1\n",                       // values of another protocol
        "Ip: Forwarding\nIp: x\n",                        // not a number
        "Ip: Forwarding\n",                               // header without values
    ])
    func malformedTablesAreRejected(text: String) {
        #expect(throws: ProcParseError.self) { try ProcNetParsers.pairedTable(text, file: "snmp") }
    }

    @Test(arguments: [
        ("Tcp_CurrEstab", "tcp_curr_estab"), ("TcpExt_TCPSynRetrans", "tcp_ext_tcp_syn_retrans"),
        ("Ip6InReceives", "ip6_in_receives"), ("TcpExt_TW", "tcp_ext_tw"), ("TCP_inuse", "tcp_inuse"),
        ("IpExt_InOctets", "ip_ext_in_octets"), ("TcpExt_TCPOFOQueue", "tcp_ext_tcpofo_queue"),
    ])
    func kernelNamesBecomeSnakeCase(kernel: String, metric: String) {
        #expect(ProcFields.snakeCase(kernel) == metric)
    }

    @Test func countersGaugesAndNames() {
        #expect(ProcFields.descriptor(source: .snmp, field: "Tcp_CurrEstab").name == "netns_snmp_tcp_curr_estab")
        #expect(ProcFields.descriptor(source: .snmp, field: "Tcp_CurrEstab").type == .gauge)
        #expect(ProcFields.descriptor(source: .snmp, field: "Tcp_InSegs").name == "netns_snmp_tcp_in_segs_total")
        #expect(ProcFields.descriptor(source: .snmp6, field: "Udp6NoPorts").name == "netns_snmp6_udp6_no_ports_total")
        #expect(ProcFields.descriptor(source: .sockstat6, field: "TCP6_inuse").name == "netns_sockstat_tcp6_inuse")
        #expect(ProcFields.documented.allSatisfy { MetricName.isValid($0.name) })
    }

    @Test func userFilesMapToTheNamespacesOwnProc() throws {
        #expect(try ProcCollector.customFile("ct=sys/net/netfilter/nf_conntrack_count").path == "/proc/sys/net/netfilter/nf_conntrack_count")
        #expect(try ProcCollector.customFile("ct=/proc/sys/net/ipv4/ip_forward").path == "/proc/sys/net/ipv4/ip_forward")
        #expect(try ProcCollector.customFile("x=net/stat/nf_conntrack").path == "/proc/thread-self/net/stat/nf_conntrack")
        #expect(try ProcCollector.customFile("forwarding=sys/net/ipv4/ip_forward").descriptor.name == "netns_proc_forwarding")
        for bad in ["novalue", "=sys/x", "bad-name=sys/x", "x=../etc/passwd", "x=sys/../../etc/passwd"] {
            #expect(throws: CollectorConfigurationError.self) { try ProcCollector.customFile(bad) }
        }
    }

    /// Names are stored 0-separated: a 0 byte inside one would split it in two and pair every
    /// later name with the value before its own (HostileInputTests compares whole mutated files).
    @Test func aZeroByteInANameIsRefusedNotMisaligned() throws {
        #expect(throws: ProcParseError.self) { try ProcNetParsers.pairedTable("Tcp: Rto\0Algorithm RtoMin\nTcp: 1 200\n", file: "snmp") }
        #expect(throws: ProcParseError.self) { try ProcNetParsers.singleColumn("Ip6In\0Receives 5\n", file: "snmp6") }
        #expect(throws: ProcParseError.self) { try ProcNetParsers.sockstat("TCP: in\0use 1 alloc 2\n", file: "sockstat") }
        #expect(try ProcNetParsers.pairedTable("Tcp: RtoAlgorithm RtoMin\nTcp: 1 200\n", file: "snmp")
                == [ProcNetValue(name: "Tcp_RtoAlgorithm", value: 1), ProcNetValue(name: "Tcp_RtoMin", value: 200)])
    }

    @Test func singleValuesMustBeOneNumber() throws {
        #expect(try ProcNetParsers.singleValue("262144\n", file: "f") == 262144)
        #expect(throws: ProcParseError.self) { try ProcNetParsers.singleValue("1 2\n", file: "f") }
        #expect(throws: ProcParseError.self) { try ProcNetParsers.singleValue("", file: "f") }
    }
}
