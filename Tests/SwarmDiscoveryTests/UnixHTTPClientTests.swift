import Foundation
import Logging
import Testing
@testable import SwarmDiscovery

/// A unix-socket server for one test: answers every connection with `response`, or never answers.
final class FakeDockerSocket: @unchecked Sendable {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("docker-\(UUID().uuidString).sock").path
    private let descriptor: Int32
    private var connections: [Int32] = []

    init(response: String?) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
            raw[path.utf8.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else { throw CocoaError(.fileWriteUnknown) }
        let listener = descriptor
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = recv(connection, &buffer, buffer.count, 0)
                guard let response else {
                    connections.append(connection)  // keep it open and silent
                    continue
                }
                _ = Array(response.utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(connection)
            }
        }
    }

    deinit {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
        for connection in connections { close(connection) }
        unlink(path)
    }
}

@Suite struct UnixHTTPClientTests {
    @Test func readsStatusAndBody() throws {
        let server = try FakeDockerSocket(response: "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n[{\"Id\":\"x\"}]")
        let response = try UnixHTTPClient(socketPath: server.path, timeout: .seconds(2)).get("/networks")
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "[{\"Id\":\"x\"}]")
    }

    @Test func aSilentDaemonCostsOnlyTheTimeout() throws {
        let server = try FakeDockerSocket(response: nil)
        let started = ContinuousClock.now
        #expect(throws: UnixHTTPClient.Failure.self) {
            try UnixHTTPClient(socketPath: server.path, timeout: .milliseconds(300)).get("/networks")
        }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func garbageIsAClearError() throws {
        let server = try FakeDockerSocket(response: "nonsense without headers")
        do {
            _ = try UnixHTTPClient(socketPath: server.path, timeout: .seconds(2)).get("/networks")
            Issue.record("accepted garbage")
        } catch {
            #expect(error.description.contains("malformed"))
        }
    }

    @Test func aFailingAPIKeepsTheLastGoodNamesAndCountsErrors() throws {
        let missing = DockerSwarmDirectory(socketPath: "/nonexistent/docker.sock", interval: .seconds(1), timeout: .seconds(1), logger: Logger(label: "t"))
        missing.refreshOnce()
        #expect(missing.apiErrors == 0, "no socket is not an error")
        #expect(missing.snapshot == nil)

        let broken = try FakeDockerSocket(response: "HTTP/1.0 500 Internal Server Error\r\n\r\n{\"message\":\"boom\"}")
        let directory = DockerSwarmDirectory(socketPath: broken.path, interval: .seconds(1), timeout: .seconds(1), logger: Logger(label: "t"))
        directory.refreshOnce()
        directory.refreshOnce()
        #expect(directory.apiErrors == 2)
        #expect(directory.snapshot == nil)
    }
}
