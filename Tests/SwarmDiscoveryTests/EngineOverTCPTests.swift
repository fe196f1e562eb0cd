import Foundation
import Logging
import Testing
@testable import SwarmDiscovery

/// The Engine API over TCP (a socket proxy): `--docker.host` values, the same answers read the same
/// way as over the unix socket, and what a TCP address that does not answer costs.
@Suite struct EngineOverTCPTests {
    @Test func dockerHostValues() throws {
        #expect(try DockerHost.parse("unix:///var/run/docker.sock") == .unix(path: "/var/run/docker.sock"))
        #expect(try DockerHost.parse("tcp://docker-api:2375") == .tcp(host: "docker-api", port: 2375))
        #expect(try DockerHost.parse("tcp://10.0.0.7:1") == .tcp(host: "10.0.0.7", port: 1))
        #expect(try DockerHost.parse("tcp://[fd00::7]:65535") == .tcp(host: "fd00::7", port: 65535))
        #expect(DockerHost.tcp(host: "fd00::7", port: 2375).description == "tcp://[fd00::7]:2375")
        #expect(DockerHost.unix(path: "/run/d.sock").description == "unix:///run/d.sock")
        let refused: [(String, String)] = [
            ("http://x", "TLS is not supported"), ("https://x:2376", "tcp://HOST:PORT"),
            ("tcp://nohost", "the port is needed"), ("tcp://h:99999", "from 1 to 65535"), ("tcp://h:0", "from 1 to 65535"),
            ("tcp://h:", "from 1 to 65535"), ("tcp://h:+80", "from 1 to 65535"), ("tcp://:2375", "is not tcp://HOST:PORT"),
            ("tcp://h:2375/v1.41", "from 1 to 65535"), ("tcp://user@h:2375", "is not tcp://HOST:PORT"),
            ("unix://", "absolute socket path"), ("unix://var/run/docker.sock", "absolute socket path"),
            ("/var/run/docker.sock", "unix:///var/run/docker.sock"), ("npipe:////./pipe/docker_engine", "is not unix:///PATH or tcp://HOST:PORT"),
            ("", "is not unix:///PATH or tcp://HOST:PORT"),
        ]
        for (text, reason) in refused {
            do {
                let host = try DockerHost.parse(text)
                Issue.record("\(text) was taken as \(host)")
            } catch {
                #expect(error.description.contains(reason), "\(text): \(error)")
            }
        }
    }

    /// The answers recorded in a real swarm (the fixtures of `SwarmSnapshotBuilderTests`), served
    /// by one fake engine on a unix socket and another on TCP: the directory builds the same names.
    @Test func recordedAnswersOverTCPGiveTheSameNamesAsOverTheSocket() throws {
        let answers: [String: [UInt8]] = try [
            "/networks": SwarmSnapshotBuilderTests.fixture("networks"),
            "/services": SwarmSnapshotBuilderTests.fixture("services"),
            // A manager with no task running (the tasks view itself is tested on its own recording).
            "/tasks": Array("[]".utf8),
            "/nodes": Array("[]".utf8),
            "/networks/ihskyupbolvu5bw4kztm1klf3": SwarmSnapshotBuilderTests.fixture("network-appnet-verbose"),
            "/networks/wmeio4869p6knuvi6mbh9kdbn": SwarmSnapshotBuilderTests.fixture("network-ingress-verbose"),
        ]
        let respond: @Sendable (String) -> [UInt8]? = { target in
            guard let body = answers[String(target.split(separator: "?").first ?? "")] else {
                return Array("HTTP/1.0 404 Not Found\r\nContent-Length: 2\r\n\r\n{}".utf8)
            }
            return Array("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
        }
        var snapshots: [SwarmSnapshot] = []
        var heads: [[String]] = []
        for tcp in [false, true] {
            let engine = try FakeDockerSocket(tcp: tcp, respond: respond)
            let directory = DockerSwarmDirectory(host: engine.host, interval: .seconds(60), refreshTimeout: .seconds(5), logger: Logger(label: "t"))
            directory.refreshOnce()
            #expect(directory.apiErrors == 0, "over \(engine.host)")
            let snapshot = try #require(directory.snapshot, "over \(engine.host)")
            #expect(snapshot.loadBalancers.values.allSatisfy { $0.readAt != nil }, "each network's view says when it was read")
            snapshots.append(snapshot.withoutReadTimes)
            heads.append(engine.heads)
        }
        #expect(snapshots[1] == snapshots[0])
        let recorded = try SwarmSnapshotBuilderTests.snapshot(withServices: true)
        #expect(snapshots[1].loadBalancers == recorded.loadBalancers, "the names the recorded answers give")
        #expect(snapshots[1].managerLoadBalancers.keys.sorted() == ["ingress_sbox", "lb_ihskyupbo"])
        #expect(snapshots[1].managerLoadBalancers.values.allSatisfy { $0.tasks.isEmpty })
        #expect(snapshots[1].loadBalancers["ingress_sbox"]?.serviceByFirewallMark == [257: "web"])
        let targets = heads.map { $0.map { String($0.split(separator: " ")[1]) }.sorted() }
        #expect(targets[1] == targets[0], "the same requests")
        #expect(heads[1].allSatisfy { $0.contains("\r\nHost: 127.0.0.1:") }, "over TCP the Host header names the address: \(heads[1])")
    }

    /// A name is resolved, and its addresses tried in turn: `localhost` may come as ::1 first, where
    /// nothing listens.
    @Test func aNameIsResolvedAndItsAddressesTried() throws {
        let engine = try FakeDockerSocket(tcp: true) { _ in Array("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n[]".utf8) }
        let port = try #require(engine.port)
        let response = try EngineHTTPClient(host: .tcp(host: "localhost", port: port), timeout: .seconds(2)).get("/networks")
        #expect(response.status == 200)
        do {
            _ = try EngineHTTPClient(host: .tcp(host: "nohost.invalid", port: port), timeout: .seconds(2)).get("/networks")
            Issue.record("an unknown name answered")
        } catch {
            #expect(error.description.hasPrefix("resolving nohost.invalid: "), "\(error)")
        }
    }

    /// Unlike a missing unix socket (no Docker here: no names, no error), a TCP address that
    /// refuses the connection is an error: it was named on purpose.
    @Test func aRefusedTCPConnectionIsCounted() throws {
        // A port bound but not listening: the kernel answers its SYNs with a reset.
        let bound = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(bound) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        try #require(withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(bound, $0, size) == 0 && getsockname(bound, $0, &size) == 0 }
        })
        let port = Int(UInt16(bigEndian: address.sin_port))
        let directory = DockerSwarmDirectory(host: .tcp(host: "127.0.0.1", port: port), interval: .seconds(1), refreshTimeout: .seconds(5),
                                             requestTimeout: .seconds(1), logger: Logger(label: "t"))
        #expect(directory.isReachable)
        directory.refreshOnce()
        directory.refreshOnce()
        #expect(directory.apiErrors == 2, "port \(port)")
        #expect(directory.snapshot == nil)
    }

    /// A listener whose queue is full drops further SYNs, so a connect to it stays in progress: the
    /// request ends at its timeout, not after the kernel's retries (about two minutes).
    @Test func aConnectThatHangsEndsAtTheTimeout() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, size) == 0 && getsockname(listener, $0, &size) == 0 }
        }
        try #require(bound && listen(listener, 0) == 0)
        // Fill the accept queue (never accepted).
        var fillers: [Int32] = []
        defer { fillers.forEach { close($0) } }
        for _ in 0..<3 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, size) } }
            fillers.append(filler)
        }
        usleep(100_000)
        let started = ContinuousClock.now
        do {
            _ = try EngineHTTPClient(host: .tcp(host: "127.0.0.1", port: Int(UInt16(bigEndian: address.sin_port))), timeout: .milliseconds(400)).get("/networks")
            Issue.record("a full listener answered")
        } catch {
            #expect(error.description == EngineHTTPClient.Failure.timeout.description, "\(error)")
        }
        let elapsed = ContinuousClock.now - started
        print("a TCP connect to a full listener gave up after \(elapsed) (timeout 400 ms)")
        #expect(elapsed < .seconds(2))
    }
}

extension SwarmSnapshot {
    /// The same names without the times each network was read (two reads never share one).
    var withoutReadTimes: SwarmSnapshot {
        var copy = self
        for label in copy.loadBalancers.keys { copy.loadBalancers[label]?.readAt = nil }
        for label in copy.managerLoadBalancers.keys { copy.managerLoadBalancers[label]?.readAt = nil }
        return copy
    }
}
