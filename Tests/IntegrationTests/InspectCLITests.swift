import Foundation
import Testing

/// `swarm-ipvs-exporter inspect` on this host, which has no IPVS: what can be checked without a
/// kernel table (usage errors, the "nothing compared" status, Docker's view over the fake engine).
/// The marks and every number against ipvsadm are checked in the VM swarm (Tests/vm/inside-mesh.sh).
@Suite(.serialized, .enabled(if: Shell.exists("python3") && Shell.exists("timeout"), "needs python3 and coreutils' timeout"))
struct InspectCLITests {
    typealias FakeEngine = SlowDockerIntegrationTests.FakeEngine

    static func inspect(_ arguments: [String]) throws -> Shell.Output {
        try Shell.run(["timeout", "-s", "KILL", "30", ExporterProcess.binary, "inspect"] + arguments, check: false)
    }

    static func document(_ output: Shell.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any], "\(output.stdout)")
    }

    @Test(arguments: [
        (["--interval", "0s"], "--interval"),
        (["--interval", "2h"], "--interval"),
        (["--docker.host", "http://x"], "--docker.host"),
        (["--docker.host", "tcp://127.0.0.1:1", "--docker.socket", "/x.sock"], "--docker.host and --docker.socket"),
        (["--namespace-include", "("], "--namespace-include"),
        (["--bogus"], "--bogus"),
    ])
    func usageErrorsExit2NamingTheFlag(arguments: [String], named: String) throws {
        let output = try Self.inspect(arguments)
        #expect(output.status == 2, "\(arguments): \(output.status) \(output.stderr)")
        #expect(output.stderr.contains(named), "\(arguments): \(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test func nothingToCompareIsStatus3AndNoVerdict() throws {
        let output = try Self.inspect(["--json", "--interval", "100ms", "--namespace-path", "/nonexistent/ns",
                                       "--docker.socket", "/nonexistent/docker.sock"])
        #expect(output.status == 3, "\(output.stdout) \(output.stderr)")
        let json = try Self.document(output)
        #expect(json["consistent"] is NSNull, "no verdict when nothing was compared: \(output.stdout)")
        #expect((json["docker_problem"] as? String)?.contains("no Docker Engine API at unix:///nonexistent/docker.sock") == true, "\(output.stdout)")
        let namespaces = try #require(json["namespaces"] as? [[String: Any]])
        #expect(namespaces.count == 1)
        #expect((namespaces.first?["error"] as? String)?.contains("No such file or directory") == true, "\(output.stdout)")
        let text = try Self.inspect(["--interval", "100ms", "--namespace-path", "/nonexistent/ns", "--docker.socket", "/nonexistent/docker.sock"])
        #expect(text.status == 3)
        #expect(text.stdout.contains("NOT COMPARED: no Docker Engine API") && text.stdout.contains("CANNOT READ"), "\(text.stdout)")
    }

    @Test func dockersViewIsReadOverTCPAndANamespaceWithoutIPVSIsSaidSo() throws {
        let engine = try FakeEngine(["--tcp"])
        let port = try #require(engine.port, "the fake engine did not listen")
        let output = try Self.inspect(["--json", "--interval", "100ms", "--namespace-path", "/proc/self/ns/net",
                                       "--docker.host", "tcp://127.0.0.1:\(port)"])
        #expect(output.status == 3, "\(output.stdout) \(output.stderr)")
        let json = try Self.document(output)
        #expect(json["docker_problem"] is NSNull, "the view loaded: \(output.stdout)")
        let paths = Set(engine.requests.map { String($0.split(separator: "?").first ?? "") })
        #expect(paths.contains("/networks") && paths.contains("/networks/ingressnetworkid012345678"), "\(engine.requests)")
        let namespace = try #require((json["namespaces"] as? [[String: Any]])?.first)
        #expect((namespace["error"] as? String)?.contains("no IPVS") == true, "this kernel has no IPVS: \(output.stdout)")
    }
}
