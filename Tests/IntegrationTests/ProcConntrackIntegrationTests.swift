import Foundation
import Testing

/// The proc and conntrack collectors against the kernel's own files and `conntrack -C` / `-S`,
/// run inside each namespace. Two namespaces with different traffic: a value read from the host's
/// /proc, or from the wrong namespace, cannot match.
@Suite(.serialized, .enabled(if: Shell.isRoot && Shell.exists("ip") && Shell.exists("conntrack") && Shell.exists("iptables"),
                             "needs root, iproute2, conntrack and iptables"))
struct ProcConntrackIntegrationTests {
    /// snmp-style tables parsed the simple way, as an independent oracle: "Proto_Field" → value.
    static func table(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        let lines = text.split(separator: "\n")
        for index in stride(from: 0, to: lines.count - 1, by: 2) {
            let names = lines[index].split(separator: " "), numbers = lines[index + 1].split(separator: " ")
            for (name, number) in zip(names.dropFirst(), numbers.dropFirst()) { values["\(names[0].dropLast())_\(name)"] = String(number) }
        }
        return values
    }

    static func snake(_ name: String) -> String {
        var out = ""
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1], next = index + 1 < characters.count ? characters[index + 1] : nil
                if previous != "_" && (previous.isLowercase || previous.isNumber || (previous.isUppercase && next?.isLowercase == true)) { out += "_" }
            }
            out += character.lowercased()
        }
        return out
    }

    @Test func procValuesAreEachNamespacesOwn() throws {
        let a = try TestNamespace("spa"), b = try TestNamespace("spb")
        try TestNamespace.connect(a, b, subnet: 202)
        try a.sendUDP(to: "10.202.0.2", count: 37, size: 64)   // to a closed port: 37 Udp NoPorts in b
        let exporter = try ExporterProcess(["--namespace-path", a.path, "--namespace-path", b.path, "--collectors", "proc",
                                            "--collector.proc.fields", ".*", "--collector.proc.file", "forwarding=sys/net/ipv4/ip_forward"])
        try a.exec(["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])
        let series = try exporter.scrape()
        for namespace in [a, b] {
            let kernel = Self.table(try namespace.exec(["cat", "/proc/net/snmp"]).stdout)
            var compared = 0
            for (field, value) in kernel where ["Udp_NoPorts", "Udp_InDatagrams", "Ip_DefaultTTL", "Ip_Forwarding", "Udp_OutDatagrams", "Icmp_OutMsgs"].contains(field) {
                let metric = "netns_snmp_\(Self.snake(field))" + (["Ip_DefaultTTL", "Ip_Forwarding"].contains(field) ? "" : "_total")
                #expect(series.value(metric, ["netns": namespace.name]) == value, "\(namespace.name) \(metric)")
                compared += 1
            }
            #expect(compared == 6)
            let forward = try namespace.exec(["cat", "/proc/sys/net/ipv4/ip_forward"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(series.value("netns_proc_forwarding", ["netns": namespace.name]) == forward)
        }
        #expect(series.value("netns_snmp_udp_no_ports_total", ["netns": b.name]) == "37")
        #expect(series.value("netns_snmp_udp_no_ports_total", ["netns": a.name]) == "0")
        #expect(series.value("netns_snmp_udp_out_datagrams_total", ["netns": a.name]) == "37")
        #expect(series.value("netns_proc_forwarding", ["netns": a.name]) == "1")
        #expect(series.value("netns_proc_forwarding", ["netns": b.name]) == "0")
        #expect(series.value("netns_sockstat_udp_inuse", ["netns": a.name]) != nil)
        #expect(series.value("swarm_ipvs_exporter_scrape_collector_success", ["collector": "proc", "netns": a.name]) == "1")
    }

    @Test func anUnreadableFileFailsTheCollectorButKeepsTheRest() throws {
        let a = try TestNamespace("spf")
        let exporter = try ExporterProcess(["--namespace-path", a.path, "--collectors", "proc", "--collector.proc.file", "missing=net/no_such_file"])
        let series = try exporter.scrape()
        #expect(series.value("swarm_ipvs_exporter_scrape_collector_success", ["collector": "proc", "netns": a.name]) == "0")
        #expect(series.all("netns_proc_missing").isEmpty, "no fake value")
        let forwarding = Self.table(try a.exec(["cat", "/proc/net/snmp"]).stdout)["Ip_Forwarding"]
        #expect(forwarding != nil && series.value("netns_snmp_ip_forwarding", ["netns": a.name]) == forwarding)
        #expect(exporter.log.contains("no_such_file"))
    }

    /// `conntrack -S` summed over CPUs, by field name.
    static func conntrackStatistics(_ namespace: TestNamespace) throws -> [String: UInt64] {
        var sums: [String: UInt64] = [:]
        for token in try namespace.exec(["conntrack", "-S"]).stdout.split(whereSeparator: \.isWhitespace) {
            let pair = token.split(separator: "=")
            guard pair.count == 2, pair[0] != "cpu", let value = UInt64(pair[1]) else { continue }
            sums[String(pair[0]), default: 0] += value
        }
        return sums
    }

    @Test func conntrackEqualsTheConntrackToolInEachNamespace() throws {
        let a = try TestNamespace("sca"), b = try TestNamespace("scb")
        try TestNamespace.connect(a, b, subnet: 203)
        // A stateful rule in b only: b tracks connections, a does not.
        try b.exec(["iptables", "-A", "INPUT", "-m", "conntrack", "--ctstate", "NEW,ESTABLISHED", "-j", "ACCEPT"])
        for port in 1...23 {
            try a.exec(["python3", "-c", "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('10.203.0.2', \(1000 + port)))"])
        }
        let exporter = try ExporterProcess(["--namespace-path", a.path, "--namespace-path", b.path, "--collectors", "conntrack"])
        let series = try exporter.scrape()
        let countB = try b.exec(["conntrack", "-C"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let countA = try a.exec(["conntrack", "-C"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(countB) ?? 0 >= 23)
        #expect(series.value("netns_conntrack_entries", ["netns": b.name]) == countB)
        #expect(series.value("netns_conntrack_entries", ["netns": a.name]) == countA)
        #expect(countA != countB)
        let limit = try b.exec(["cat", "/proc/sys/net/netfilter/nf_conntrack_max"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(series.value("netns_conntrack_entries_limit", ["netns": b.name]) == limit)
        for namespace in [a, b] {
            let statistics = try Self.conntrackStatistics(namespace)
            #expect(statistics.count >= 8)
            for (name, value) in statistics {
                #expect(series.value("netns_conntrack_stat_\(name)_total", ["netns": namespace.name]) == String(value), "\(namespace.name) \(name)")
            }
        }
        #expect(series.value("swarm_ipvs_exporter_scrape_collector_success", ["collector": "conntrack", "netns": a.name]) == "1")
    }
}

/// `--config.file`: the same collector options from YAML.
@Suite(.serialized, .enabled(if: Shell.isRoot && Shell.exists("ip"), "needs root and iproute2"))
struct ConfigFileIntegrationTests {
    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func procFilesFromTheConfigFile() throws {
        let a = try TestNamespace("scf")
        let path = try Self.write("""
            collectors:
              proc:
                file:
                  - forwarding=sys/net/ipv4/ip_forward
                  - ttl=sys/net/ipv4/ip_default_ttl
                fields: "Tcp_CurrEstab"
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try a.exec(["sysctl", "-q", "-w", "net.ipv4.ip_default_ttl=77"])
        let exporter = try ExporterProcess(["--config.file", path, "--namespace-path", a.path, "--collectors", "proc"])
        let series = try exporter.scrape()
        #expect(series.value("netns_proc_ttl", ["netns": a.name]) == "77")
        #expect(series.value("netns_proc_forwarding", ["netns": a.name]) == "0")
        #expect(series.value("netns_snmp_tcp_curr_estab", ["netns": a.name]) != nil)
        #expect(series.all("netns_snmp_tcp_in_segs_total").isEmpty, "fields from the file apply")
    }

    @Test(arguments: [
        ("collectors: [1, 2]", "must be a mapping"),
        ("collectors:\n  nope:\n    x: 1", "unknown collector \"nope\""),
        ("collectors:\n  proc:\n    nope: 1", "has no option \"nope\""),
        ("listen: x", "unknown key \"listen\""),
        ("collectors: {proc: {file: [{a: b}]}}", "must be a value or a list"),
        ("collectors: {proc: {file: [a: b]}}", "pairs inside [ ] are not supported"),
        ("\t: : :", "not valid YAML"),
    ])
    func badConfigFilesExitWithStatusTwo(text: String, fragment: String) throws {
        let path = try Self.write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try Shell.run([ExporterProcess.binary, "--config.file", path], check: false)
        #expect(output.status == 2)
        #expect(output.stderr.contains(fragment), "\(output.stderr)")
        let missing = try Shell.run([ExporterProcess.binary, "--config.file", path + ".missing"], check: false)
        #expect(missing.status == 2 && missing.stderr.contains("cannot read"))
    }
}
