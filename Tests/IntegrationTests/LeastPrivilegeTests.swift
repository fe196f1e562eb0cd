import Foundation
import Testing

/// The exporter needs exactly CAP_SYS_ADMIN (setns) and CAP_NET_ADMIN (IPVS and conntrack dumps).
/// With only those two it reads everything; with none it starts, serves and says what it cannot read.
@Suite(.serialized, .enabled(if: Shell.isRoot && Shell.exists("setpriv") && Shell.exists("ip"), "needs root, setpriv and iproute2"))
struct LeastPrivilegeTests {
    static func scrape(boundingSet: String, _ namespace: TestNamespace) throws -> (series: [Series], log: String) {
        let port = ExporterProcess.randomPort()  // below the ephemeral range, where client ports would collide
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("lp-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let pid = try Shell.run(["sh", "-c", "setpriv --bounding-set=\(boundingSet) -- '\(ExporterProcess.binary)' --no-docker "
                                 + "--namespace-path \(namespace.path) --web.listen-address 127.0.0.1:\(port) >\(log) 2>&1 & echo $!"]).stdout
        defer { _ = try? Shell.run(["kill", pid.trimmingCharacters(in: .whitespacesAndNewlines)], check: false) }
        for _ in 0..<100 {
            let output = try Shell.run(["curl", "-s", "-f", "http://127.0.0.1:\(port)/metrics"], check: false)
            if output.status == 0 {
                return (Exposition.parse(output.stdout), (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
            }
            usleep(100_000)
        }
        throw Shell.Failure(command: ["exporter under setpriv"], output: .init(status: -1, stdout: "", stderr: (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
    }

    @Test func sysAdminAndNetAdminAreEnough() throws {
        let namespace = try TestNamespace("slp")
        let (series, log) = try Self.scrape(boundingSet: "-all,+sys_admin,+net_admin", namespace)
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": namespace.name]) == "1")
        for collector in ["interfaces", "operstate", "proc", "conntrack"] {
            #expect(series.value("swarm_ipvs_exporter_scrape_collector_success", ["collector": collector, "netns": namespace.name]) == "1", "\(collector)")
        }
        // ipvs: a success where the kernel has IPVS; on a host without it (like this one, the VM
        // suite covers the other case) the only failure allowed is that, never a permission error.
        let ipvs = series.value("swarm_ipvs_exporter_scrape_collector_success", ["collector": "ipvs", "netns": namespace.name])
        #expect(ipvs == "1" || (ipvs == "0" && log.contains("the kernel has no IPVS")), "ipvs: \(ipvs ?? "-"): \(log)")
        #expect(!log.contains("Operation not permitted"))
        #expect(series.value("netns_conntrack_entries", ["netns": namespace.name]) != nil, "conntrack read with CAP_NET_ADMIN")
    }

    @Test func withoutThemItServesAndSaysWhy() throws {
        let namespace = try TestNamespace("slq")
        let (series, log) = try Self.scrape(boundingSet: "-all", namespace)
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": namespace.name]) == "0")
        #expect(series.value("swarm_ipvs_exporter_build_info", [:]) == "1")
        #expect(log.contains("Operation not permitted"))
    }
}
