import Foundation
import Testing

/// `--docker.host tcp://…`: the real binary asks the Engine API over TCP (the fake engine of
/// Tests/fakes/docker-engine.py on a loopback port, where a socket proxy would be) for the same
/// GETs as over the socket; a TCP address that refuses is counted as an error, not taken for
/// "no Docker here".
@Suite(.serialized, .enabled(if: Shell.exists("curl") && Shell.exists("python3"), "needs curl and python3"))
struct DockerHostIntegrationTests {
    typealias FakeEngine = SlowDockerIntegrationTests.FakeEngine

    static func waitFor(_ condition: () -> Bool, seconds: Double = 20) {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition(), Date() < deadline { usleep(100_000) }
    }

    @Test func theEngineAPIOverTCP() throws {
        let engine = try FakeEngine(["--tcp", "--networks", "1"])
        let port = try #require(engine.port, "the fake engine did not listen")
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--docker.host", "tcp://127.0.0.1:\(port)"])
        Self.waitFor { engine.requests.filter { $0.hasPrefix("/networks/") }.count >= 2 }
        let paths = Set(engine.requests.map { String($0.split(separator: "?").first ?? "") })
        #expect(paths == ["/networks", "/services", "/tasks", "/nodes", "/networks/ingressnetworkid012345678", "/networks/ov00000000000000000000000"],
                "\(engine.requests)")
        let series = try exporter.scrape()
        #expect(series.value("swarm_ipvs_exporter_docker_api_errors_total", [:]) == "0", "\(exporter.log)")
        #expect(exporter.log.contains("msg=\"Swarm service names from the Docker Engine API\" host=tcp://127.0.0.1:\(port)"), "\(exporter.log)")
    }

    @Test func aRefusedTCPAddressIsAnError() throws {
        // A port nothing listens on: the fake engine's, after it is gone.
        let gone = try FakeEngine(["--tcp"])
        let port = try #require(gone.port)
        _ = try Shell.run(["kill", "-KILL", gone.pid], check: false)
        usleep(200_000)
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--docker.host", "tcp://127.0.0.1:\(port)",
                                            "--docker.refresh-interval", "1s"])
        Self.waitFor { ((try? exporter.scrape().value("swarm_ipvs_exporter_docker_api_errors_total", [:])).flatMap { $0.flatMap(Int.init) } ?? 0) >= 2 }
        let errors = try exporter.scrape().value("swarm_ipvs_exporter_docker_api_errors_total", [:]).flatMap(Int.init) ?? 0
        #expect(errors >= 2, "\(exporter.log)")
        let warnings = exporter.log.split(separator: "\n").filter { $0.contains("Docker Engine API request failed") }
        #expect(warnings.count == 1, "logged once: \(exporter.log)")
        #expect(warnings.first.map { $0.contains("Connection refused") && $0.contains("host=tcp://127.0.0.1:\(port)") } == true, "\(warnings)")
    }
}
