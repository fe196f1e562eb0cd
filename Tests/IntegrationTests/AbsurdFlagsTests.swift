import Foundation
import Testing

/// Absurd command lines against the real binary. Each is either refused at once (exit 2, the
/// first line of standard error says which flag and why) or has a documented, sane behaviour
/// (the exporter starts and serves); never a crash, a stack dump or a hang.
@Suite(.serialized, .enabled(if: Shell.exists("curl") && Shell.exists("timeout"), "needs curl and coreutils' timeout"))
struct AbsurdFlagsTests {
    /// Runs the binary with a hard limit (a hang is killed and shows as status 137).
    static func run(_ arguments: [String]) throws -> Shell.Output {
        try Shell.run(["timeout", "-s", "KILL", "20", ExporterProcess.binary, "--no-docker"] + arguments, check: false)
    }

    static func expectNoCrash(_ output: Shell.Output, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(output.status != 137, "\(arguments): hung (killed after 20 s)", sourceLocation: sourceLocation)
        #expect(output.status < 128, "\(arguments): died of signal \(output.status - 128)", sourceLocation: sourceLocation)
        for trace in ["Fatal error", "Stack dump", "Current stack trace", "Illegal instruction", "Segmentation fault"] {
            #expect(!output.stderr.contains(trace), "\(arguments): \(output.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [
        (["--web.idle-timeout", "99999999h"], "--web.idle-timeout"),
        (["--web.idle-timeout", "-5s"], "--web.idle-timeout"),
        (["--web.idle-timeout", ""], "--web.idle-timeout"),
        (["--web.idle-timeout", "1ms"], "--web.idle-timeout"),
        (["--scrape.timeout", "1e308"], "--scrape.timeout"),
        (["--scrape.timeout", "nan"], "--scrape.timeout"),
        (["--scrape.timeout", "inf"], "--scrape.timeout"),
        (["--scrape.timeout", "0"], "--scrape.timeout"),
        (["--scrape.timeout", "99999999999999999999999999999999999999s"], "--scrape.timeout"),
        (["--scrape.timeout", "1.7976931348623157e308ms"], "--scrape.timeout"),
        (["--scrape.timeout", "10x"], "--scrape.timeout"),
        (["--scrape.timeout-offset", "-1s"], "--scrape.timeout-offset"),
        (["--docker.refresh-interval", "0s"], "--docker.refresh-interval"),
        (["--docker.refresh-interval", "25h"], "--docker.refresh-interval"),
        (["--docker.timeout", "0s"], "--docker.timeout"),
        (["--docker.timeout", "25h"], "--docker.timeout"),
        (["--web.max-requests", "-1"], "--web.max-requests"),
        (["--web.max-requests", "100001"], "--web.max-requests"),
        (["--web.max-requests", "99999999999999999999"], "--web.max-requests"),
        (["--web.max-requests", ""], "--web.max-requests"),
        (["--web.max-requests", "4.5"], "--web.max-requests"),
        (["--web.max-requests"], "--web.max-requests"),
        (["--web.listen-address", ""], "--web.listen-address"),
        (["--web.listen-address", ":99999"], "--web.listen-address"),
        (["--web.listen-address", ":65536"], "--web.listen-address"),
        (["--web.listen-address", ":-1"], "--web.listen-address"),
        (["--web.listen-address", "[::1"], "--web.listen-address"),
        (["--web.listen-address", "::1:80"], "--web.listen-address"),
        (["--web.listen-address", "host:port"], "--web.listen-address"),
        (["--web.listen-address", ":10118", "--web.listen-address", ":10118"], "--web.listen-address :10118 is given twice"),
        (["--docker.host", "http://x"], "--docker.host"),
        (["--docker.host", "tcp://nohost"], "--docker.host"),
        (["--docker.host", "tcp://h:99999"], "--docker.host"),
        (["--docker.host", "unix://var/run/docker.sock"], "--docker.host"),
        (["--docker.host", "unix://"], "--docker.host"),
        (["--docker.host", "tcp://127.0.0.1:2375", "--docker.socket", "/var/run/docker.sock"], "--docker.host and --docker.socket"),
        (["--web.telemetry-path", ""], "--web.telemetry-path"),
        (["--web.telemetry-path", "/"], "--web.telemetry-path"),
        (["--web.telemetry-path", "/me trics"], "--web.telemetry-path"),
        (["--web.telemetry-path", "/metrics?x=1"], "--web.telemetry-path"),
        (["--namespace-path", ""], "--namespace-path"),
        (["--namespace-include", "(["], "--namespace-include"),
        (["--namespace-exclude", "(?<"], "--namespace-exclude"),
        (["--collectors", "proc,nope"], "unknown collector \"nope\""),
        (["--collector.nope.x", "1"], "unknown collector \"nope\""),
        (["--collector.proc.nope", "1"], "--collector.proc.nope"),
        (["--collector.proc.file", ""], "--collector.proc.file"),
        (["--collector.interfaces.device-include", "a{99999999}"], "--collector.interfaces.device-include"),
        (["--log.level", ""], "--log.level"),
        (["--log.level", "LOUD"], "--log.level"),
        (["--log.format", "xml"], "--log.format"),
        (["--config.file", "/nonexistent/config.yml"], "--config.file"),
        (["--config.file", "/etc/passwd"], "--config.file"),
        (["--config.file", ""], "--config.file"),
        ([String(repeating: "-", count: 3) + "web.max-requests", "1"], "web.max-requests"),
        ([String(repeating: "x", count: 100_000)], "x"),
    ])
    func refusedAtOnceWithExitTwo(arguments: [String], fragment: String) throws {
        let output = try Self.run(arguments)
        Self.expectNoCrash(output, arguments)
        #expect(output.status == 2, "\(arguments.map { $0.prefix(40) }): exit \(output.status), \(output.stderr.prefix(300))")
        let first = output.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("swarm-ipvs-exporter: "), "\(arguments.map { $0.prefix(40) }): \(output.stderr.prefix(300))")
        #expect(first.contains(fragment), "\(arguments.map { $0.prefix(40) }): the first line does not name \(fragment.prefix(40)): \(first.prefix(300))")
        #expect(output.stderr.split(separator: "\n").count <= 4, "a short message, not a dump: \(output.stderr.prefix(600))")
    }

    /// Flags are converted when the command line is parsed; a refusal still reads as the
    /// exporter words it (flag, value, why), not as ArgumentParser's "The value '…' is invalid".
    @Test(arguments: [
        (["--web.idle-timeout", "1ms"], "--web.idle-timeout must be at least 100ms, not \"1ms\""),
        (["--scrape.timeout", "10x"], "--scrape.timeout \"10x\" is not a duration such as 500ms, 10s or 1m (under a day)"),
        (["--web.listen-address", "host:port"], "--web.listen-address \"host:port\" is not :PORT, HOST:PORT or [IPv6]:PORT with a port from 0 to 65535"),
        (["--log.level", "LOUD"], "--log.level must be debug, info, warn or error, not \"LOUD\""),
        (["--docker.host", "tcp://nohost"], "--docker.host \"tcp://nohost\" is not tcp://HOST:PORT (the port is needed: Docker's own 2375 is never assumed)"),
        (["--docker.host", "http://x"], "--docker.host \"http://x\" is not unix:///PATH or tcp://HOST:PORT: the Engine API over TCP is written tcp://HOST:PORT (plain HTTP; TLS is not supported)"),
        (["--docker.host", "unix://docker.sock"], "--docker.host \"unix://docker.sock\" needs an absolute socket path: unix:///var/run/docker.sock (three slashes)"),
        (["--namespace-exclude", "("], "--namespace-exclude is not a valid regular expression: expected ')'"),
        (["--collectors", "nope"], "--collectors: unknown collector \"nope\"; valid collectors: conntrack, dial-latency, dns, interfaces, ipvs, operstate, proc"),
        (["--collector.dial-latency.port", "0"], "--collector.dial-latency.port expects a whole number from 1 to 65535, not \"0\""),
        // The older spelling still works; the refusal names the flag as documented.
        (["--collector.dial.port", "0"], "--collector.dial-latency.port expects a whole number from 1 to 65535, not \"0\""),
    ])
    func refusalsReadAsTheExporterWordsThem(arguments: [String], message: String) throws {
        let output = try Self.run(arguments)
        #expect(output.status == 2)
        let lines = output.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "swarm-ipvs-exporter: Error: \(message)", "\(output.stderr)")
        #expect(lines.dropFirst().first == "Usage: swarm-ipvs-exporter <options>", "\(output.stderr)")
    }

    /// An address that parses but cannot be bound (no such host, not an IP) is a runtime failure:
    /// exit 1 with the resolver's error on one line, after a bounded time.
    @Test(arguments: [("nohost.invalid:10118", "nohost.invalid"), ("999.1.1.1:80", "999.1.1.1"), ("[zz::1]:80", "zz::1")])
    func anUnbindableAddressExitsWithOne(address: String, host: String) throws {
        let output = try Self.run(["--namespace-path", "/proc/self/ns/net", "--web.listen-address", address])
        Self.expectNoCrash(output, [address])
        #expect(output.status == 1, "\(address): exit \(output.status): \(output.stderr)")
        let last = output.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("swarm-ipvs-exporter: ") && last.contains(host), "\(address): \(last)")
    }

    @Test func aPortInUseExitsWithOne() throws {
        let first = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--no-docker"])
        let output = try Self.run(["--namespace-path", "/proc/self/ns/net", "--web.listen-address", "127.0.0.1:\(first.port)"])
        Self.expectNoCrash(output, ["port in use"])
        #expect(output.status == 1, "exit \(output.status): \(output.stderr)")
        #expect(output.stderr.lowercased().contains("address already in use"), "\(output.stderr)")
        #expect(first.process.isRunning)
    }

    /// Accepted values at the edges, each with its documented behaviour; the exporter serves.
    @Test(arguments: [
        ["--web.max-requests", "0"],                       // no limit
        ["--web.max-requests", "100000"],                  // the largest limit
        ["--web.max-requests", "1", "--web.max-requests", "7"],  // a repeated flag: the last wins
        ["--web.idle-timeout", "100ms"],                   // the shortest idle timeout
        ["--web.idle-timeout", "86399s"],                  // just under a day
        ["--scrape.timeout", "100ms"],
        ["--scrape.timeout-offset", "1h"],                 // the deadline is clamped to 100 ms, not negative
        ["--collectors", ""],                              // no collector: only the exporter's own series
        ["--collectors", ",,,"],
        ["--collectors", "proc,proc,proc"],                // named twice: run once
        ["--namespace-include", ""],                       // empty is unset: every namespace
        ["--namespace-exclude", ""],
        ["--namespace-path", "/nonexistent/ns"],           // absent: netns_up 0
        ["--namespace-path", "/nonexistent/*"],            // a glob matching nothing: no namespace
        ["--docker.socket", ""],                           // never exists: no names
        ["--docker.socket", "/etc/passwd"],                // not a socket: counted as a failed refresh
    ])
    func acceptedEdgesServe(arguments: [String]) throws {
        let namespaceGiven = arguments.contains("--namespace-path")
        let dockerGiven = arguments.contains("--docker.socket")
        let exporter = try ExporterProcess((namespaceGiven ? [] : ["--namespace-path", "/proc/self/ns/net"]) + (dockerGiven ? [] : ["--no-docker"]) + arguments)
        let series = try exporter.scrape()
        #expect(series.value("swarm_ipvs_exporter_build_info", [:]) == "1", "\(arguments)")
        switch arguments {
        case ["--collectors", ""], ["--collectors", ",,,"]:
            #expect(series.all("swarm_ipvs_exporter_scrape_collector_success").isEmpty)
        case ["--collectors", "proc,proc,proc"]:
            #expect(series.all("swarm_ipvs_exporter_scrape_collector_success").count == 1)
        case ["--namespace-path", "/nonexistent/*"]:
            #expect(series.all("swarm_ipvs_exporter_netns_up").isEmpty)
        case ["--namespace-path", "/nonexistent/ns"]:
            #expect(series.all("swarm_ipvs_exporter_netns_up").map(\.value) == ["0"])
        case ["--scrape.timeout-offset", "1h"]:
            let response = try exporter.get("/metrics", ["-H", "X-Prometheus-Scrape-Timeout-Seconds: 10"])
            #expect(response.status == 200)
        default:
            #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": "net"]) == "1", "\(arguments)")
        }
        #expect(exporter.process.isRunning)
        #expect(exporter.stop() == 0)
    }
}
