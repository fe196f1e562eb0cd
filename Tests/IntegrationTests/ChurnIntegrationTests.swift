import Foundation
import Testing

/// Namespaces deleted and re-created while the exporter is scraped: every answer is a 200, and
/// the exporter's open descriptors come back to where they started (no socket of a deleted
/// namespace is kept, so the kernel can free it).
@Suite(.serialized, .enabled(if: Shell.isRoot && Shell.exists("ip") && Shell.exists("curl"), "needs root, iproute2 and curl"))
struct ChurnIntegrationTests {
    static func descriptors(of pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    /// The descriptor count once it has stopped moving: the server closes a scrape's connection a
    /// moment after curl has its answer, so a count taken at once may include it.
    static func settledDescriptors(of pid: Int32) -> Int {
        var last = descriptors(of: pid)
        for _ in 0..<30 {
            usleep(100_000)
            let now = descriptors(of: pid)
            if now == last { return now }
            last = now
        }
        return last
    }

    @Test func thousandScrapesWhileNamespacesComeAndGo() throws {
        let tag = "sch\(getpid() % 10_000)"
        let stable = try TestNamespace("\(tag)-stable")
        let exporter = try ExporterProcess(["--namespace-path", "/run/netns/\(tag)-*", "--no-docker"])
        _ = try exporter.scrape()
        let before = Self.settledDescriptors(of: exporter.process.processIdentifier)

        // In the background: create and delete three namespaces over and over for the whole run.
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("churn-\(UUID().uuidString).sh").path
        let stop = script + ".stop"
        try """
            while [ ! -e \(stop) ]; do
              for n in 1 2 3; do ip netns add \(tag)-churn$n 2>/dev/null; ip -n \(tag)-churn$n link set lo up 2>/dev/null; done
              for n in 1 2 3; do ip netns del \(tag)-churn$n 2>/dev/null; done
            done
            for n in 1 2 3; do ip netns del \(tag)-churn$n 2>/dev/null; done
            rm -f \(stop)
            """.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        try Shell.run(["sh", "-c", "sh \(script) </dev/null >/dev/null 2>&1 &"])

        // 1,000 scrapes, ten at a time, through curl's own parallelism.
        let config = script + ".curl"
        try String(repeating: "url = \"\(exporter.url("/metrics"))\"\noutput = \"/dev/null\"\n", count: 1_000)
            .write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let output = try Shell.run(["curl", "-s", "--parallel", "--parallel-max", "10", "-K", config, "-w", "%{http_code}\n"])
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        for _ in 0..<100 where FileManager.default.fileExists(atPath: stop) { usleep(100_000) }

        let codes = output.stdout.split(separator: "\n")
        #expect(codes.count == 1_000)
        #expect(codes.allSatisfy { $0 == "200" }, "\(Dictionary(grouping: codes, by: { $0 }).mapValues(\.count))")
        #expect(exporter.process.isRunning)

        // The churned namespaces are gone: one more scrape releases their readers.
        let series = try exporter.scrape()
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": stable.name]) == "1")
        #expect(series.all("swarm_ipvs_exporter_netns_up").count == 1, "only the stable namespace is left")
        let after = Self.settledDescriptors(of: exporter.process.processIdentifier)
        #expect(after == before, "descriptors \(before) before, \(after) after")
    }
}
