import Foundation
import Testing

/// The HTTP server and the command line, over a real loopback socket with curl.
@Suite(.serialized, .enabled(if: Shell.exists("curl"), "needs curl"))
struct ServerIntegrationTests {
    /// A namespace path that exists on every Linux machine: the test process's own.
    static let ownNamespace = "/proc/self/ns/net"

    @Test func landingPageUnknownPathsAndMethods() throws {
        let exporter = try ExporterProcess(["--namespace-path", "/nonexistent/ingress_sbox"])
        let landing = try exporter.get("/")
        #expect(landing.status == 200)
        #expect(String(decoding: landing.body, as: UTF8.self).contains("href=\"/metrics\""))
        // Which node a page or a log line comes from (the stack sets the container's host name to the node's).
        let hostname = try Shell.run(["hostname"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(String(decoding: landing.body, as: UTF8.self).contains("host <code>\(hostname)</code>"))
        #expect(exporter.log.contains("hostname=\(hostname)"), "the start line names the host: \(exporter.log)")
        #expect(try exporter.get("/nope").status == 404)
        #expect(try exporter.get("/metrics/extra").status == 404)
        #expect(try exporter.get("/metrics", ["-X", "POST"]).status != 200)
        // An absent namespace: the exporter still serves and says so.
        let series = try exporter.scrape()
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": "ingress_sbox"]) == "0")
        #expect(series.value("swarm_ipvs_exporter_build_info", [:]) == "1")
        #expect(exporter.log.contains("namespace is absent"))
    }

    @Test func gzipWhenAcceptedAndPlainOtherwise() throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.ownNamespace])
        let compressed = try exporter.get("/metrics", ["-H", "Accept-Encoding: gzip"])
        #expect(compressed.status == 200)
        #expect(compressed.headers.lowercased().contains("content-encoding: gzip"))
        #expect(compressed.body.starts(with: [0x1F, 0x8B]), "a gzip stream")
        let decoded = try Self.gunzip(compressed.body)
        #expect(decoded.contains("# TYPE swarm_ipvs_exporter_build_info gauge"))

        let plain = try exporter.get("/metrics", ["-H", "Accept-Encoding: gzip;q=0, identity"])
        #expect(!plain.headers.lowercased().contains("content-encoding"))
        #expect(String(decoding: plain.body, as: UTF8.self).contains("swarm_ipvs_exporter_build_info"))
    }

    @Test func openMetricsWhenAskedForIt() throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.ownNamespace])
        let response = try exporter.get("/metrics", ["-H", "Accept: application/openmetrics-text;version=1.0.0;q=0.9,text/plain;q=0.5"])
        #expect(response.headers.lowercased().contains("content-type: application/openmetrics-text; version=1.0.0"))
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(text.hasSuffix("# EOF\n"))
        #expect(text.contains("# TYPE netns_network_receive_bytes counter"))
        #expect(text.contains("netns_network_receive_bytes_total{netns=\"net\",device=\"lo\"}"))
        let classic = try exporter.get("/metrics")
        #expect(classic.headers.lowercased().contains("content-type: text/plain; version=0.0.4"))
    }

    @Test(.enabled(if: Shell.exists("promtool"), "needs promtool (Debian package prometheus)"))
    func promtoolFindsNothingToComplainAbout() throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.ownNamespace, "--namespace-path", "/nonexistent/x"])
        let text = try exporter.scrapeText()
        #expect(text.contains("netns_network_receive_bytes_total"))
        let check = try Shell.run(["promtool", "check", "metrics"], input: text, check: false)
        #expect(check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty, "promtool: \(check.stdout)\(check.stderr)")
    }

    @Test(arguments: [
        (["--collectors", "interfaces,bogus"], "unknown collector \"bogus\"; valid collectors: conntrack, dial-latency, dns, interfaces"),
        (["--collector.bogus.x", "1"], "unknown collector \"bogus\""),
        (["--collector.interfaces.device-include", "("], "not a valid regular expression"),
        (["--web.listen-address", "nonsense"], "--web.listen-address"),
        (["--web.telemetry-path", "metrics"], "--web.telemetry-path"),
        (["--log.level", "loud"], "--log.level"),
        (["--scrape.timeout", "soon"], "--scrape.timeout"),
        (["--namespace-include", "(["], "--namespace-include"),
        (["--no-such-flag"], "no-such-flag"),
    ])
    func badFlagsExitWithStatusTwoAndSayWhy(arguments: [String], fragment: String) throws {
        let output = try Shell.run([ExporterProcess.binary] + arguments, check: false)
        #expect(output.status == 2, "\(arguments): exit \(output.status)")
        #expect(output.stderr.contains(fragment), "\(arguments): \(output.stderr)")
    }

    @Test func helpListsEveryCollectorAndVersionPrintsTheRevision() throws {
        let help = try Shell.run([ExporterProcess.binary, "--help"])
        for name in ["interfaces", "operstate"] { #expect(help.stdout.contains("  * \(name)")) }
        #expect(help.stdout.contains("--collector.interfaces.device-include"))
        let version = try Shell.run([ExporterProcess.binary, "--version"])
        #expect(version.stdout.hasPrefix("swarm-ipvs-exporter "))
        let metrics = try Shell.run([ExporterProcess.binary, "--print-metrics"])
        #expect(metrics.stdout.contains("netns_network_receive_bytes_total\tcounter\tinterfaces\tnetns,device\t"))
    }

    static func gunzip(_ data: Data) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gz-\(UUID().uuidString).gz").path
        _ = FileManager.default.createFile(atPath: path, contents: data)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try Shell.run(["gzip", "-dc", path]).stdout
    }
}

/// Load: more concurrent scrapes than `--web.max-requests` get 503 at once, the rest 200, and the
/// exporter keeps serving.
@Suite(.serialized, .enabled(if: Shell.exists("curl"), "needs curl"))
struct LoadIntegrationTests {
    @Test func concurrentScrapesBeyondTheLimitGet503() throws {
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--web.max-requests", "4"])
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("urls-\(UUID().uuidString)").path
        try String(repeating: "url = \"\(exporter.url("/metrics"))\"\noutput = \"/dev/null\"\n", count: 200)
            .write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let output = try Shell.run(["curl", "-s", "--parallel", "--parallel-immediate", "--parallel-max", "200", "-K", config, "-w", "%{http_code}\n"])
        let codes = output.stdout.split(separator: "\n").map(String.init)
        #expect(codes.count == 200)
        #expect(Set(codes).isSubset(of: ["200", "503"]), "\(Set(codes))")
        #expect(codes.contains("200"))
        #expect(try exporter.get().status == 200, "still serving")
        #expect(exporter.process.isRunning)
    }

    @Test func aScrapeHonoursPrometheusTimeoutHeaderEvenAbsurdOnes() throws {
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net"])
        for header in ["0.001", "1e30", "-5", "nan", "banana"] {
            let response = try exporter.get("/metrics", ["-H", "X-Prometheus-Scrape-Timeout-Seconds: \(header)"])
            #expect(response.status == 200, "header \(header)")
        }
        #expect(exporter.process.isRunning)
    }
}
