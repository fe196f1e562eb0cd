import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing
@testable import SwarmDiscovery

/// A Docker Engine API for one test, on a unix socket or on a loopback TCP port: answers each
/// connection with what `respond` returns for its request target (nil: keep the connection open
/// and silent), and records the request heads.
final class FakeDockerSocket: @unchecked Sendable {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("docker-\(UUID().uuidString).sock").path
    /// The TCP port (127.0.0.1) when it listens on TCP.
    private(set) var port: Int?
    private let descriptor: Int32
    private let state = NIOLockedValueBox<(connections: [Int32], heads: [String])>(([], []))

    /// Every request head received so far (request line and headers).
    var heads: [String] { state.withLockedValue { $0.heads } }

    /// Where a client reaches it.
    var host: DockerHost { port.map { .tcp(host: "127.0.0.1", port: $0) } ?? .unix(path: path) }

    convenience init(response: String?) throws {
        try self.init { _ in response.map { Array($0.utf8) } }
    }

    /// - Parameter tcp: listen on 127.0.0.1 (a port the kernel picks) instead of a unix socket.
    init(tcp: Bool = false, respond: @escaping @Sendable (String) -> [UInt8]?) throws {
        if tcp {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var size = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, size) == 0 && getsockname(descriptor, $0, &size) == 0 }
            }
            guard bound, listen(descriptor, 8) == 0 else { throw CocoaError(.fileWriteUnknown) }
            port = Int(UInt16(bigEndian: address.sin_port))
        } else {
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
        }
        let listener = descriptor
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                var head: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !String(decoding: head, as: UTF8.self).contains("\r\n\r\n") {
                    let count = recv(connection, &buffer, buffer.count, 0)
                    if count <= 0 { break }
                    head += buffer[0..<count]
                }
                let text = String(decoding: head, as: UTF8.self)
                state.withLockedValue { $0.heads.append(text) }
                let target = text.split(separator: " ").dropFirst().first.map(String.init) ?? ""
                guard let response = respond(target) else {
                    state.withLockedValue { $0.connections.append(connection) }  // keep it open and silent
                    continue
                }
                _ = response.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(connection)
            }
        }
    }

    deinit {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
        for connection in state.withLockedValue({ $0.connections }) { close(connection) }
        if port == nil { unlink(path) }
    }
}

@Suite struct EngineHTTPClientTests {
    @Test func readsStatusAndBody() throws {
        let server = try FakeDockerSocket(response: "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n[{\"Id\":\"x\"}]")
        let response = try EngineHTTPClient(host: server.host, timeout: .seconds(2)).get("/networks")
        #expect(response.status == 200)
        #expect(String(decoding: response.body.array, as: UTF8.self) == "[{\"Id\":\"x\"}]")
    }

    @Test func aSilentDaemonCostsOnlyTheTimeout() throws {
        let server = try FakeDockerSocket(response: nil)
        let started = ContinuousClock.now
        #expect(throws: EngineHTTPClient.Failure.self) {
            try EngineHTTPClient(host: server.host, timeout: .milliseconds(300)).get("/networks")
        }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func garbageIsAClearError() throws {
        let server = try FakeDockerSocket(response: "nonsense without headers")
        do {
            _ = try EngineHTTPClient(host: server.host, timeout: .seconds(2)).get("/networks")
            Issue.record("accepted garbage")
        } catch {
            #expect(error.description.contains("malformed"))
        }
    }

    @Test func aFailingAPIKeepsTheLastGoodNamesAndCountsErrors() throws {
        let missing = DockerSwarmDirectory(socketPath: "/nonexistent/docker.sock", interval: .seconds(1), refreshTimeout: .seconds(5),
                                           requestTimeout: .seconds(1), logger: Logger(label: "t"))
        missing.refreshOnce()
        #expect(missing.apiErrors == 0, "no socket is not an error")
        #expect(missing.snapshot == nil)

        let broken = try FakeDockerSocket(response: "HTTP/1.0 500 Internal Server Error\r\n\r\n{\"message\":\"boom\"}")
        let directory = DockerSwarmDirectory(socketPath: broken.path, interval: .seconds(1), refreshTimeout: .seconds(5),
                                             requestTimeout: .seconds(1), logger: Logger(label: "t"))
        directory.refreshOnce()
        directory.refreshOnce()
        #expect(directory.apiErrors == 2)
        #expect(directory.snapshot == nil)
    }

    static func get(_ response: String, timeout: Duration = .seconds(2)) throws -> EngineHTTPClient.Response {
        let server = try FakeDockerSocket(response: response)
        return try withExtendedLifetime(server) { try EngineHTTPClient(host: server.host, timeout: timeout).get("/networks") }
    }

    @Test func aBodyShorterThanItsContentLengthIsAnError() throws {
        // Valid JSON, but 12 of the 40 bytes announced: the answer was cut.
        do {
            let response = try Self.get("HTTP/1.0 200 OK\r\nContent-Length: 40\r\n\r\n[{\"Id\":\"x\"}]")
            Issue.record("took a short body: \(String(decoding: response.body.array, as: UTF8.self))")
        } catch {
            #expect("\(error)".contains("cut short") && "\(error)".contains("12 of the 40"), "\(error)")
        }
        // Bytes after the announced length are not part of the body.
        let exact = try Self.get("HTTP/1.0 200 OK\r\ncontent-length:  4 \r\n\r\n[42]garbage")
        #expect(String(decoding: exact.body.array, as: UTF8.self) == "[42]")
        #expect(throws: EngineHTTPClient.Failure.self) { try Self.get("HTTP/1.0 200 OK\r\nContent-Length: 4x\r\n\r\n[42]") }
        #expect(throws: EngineHTTPClient.Failure.self) { try Self.get("HTTP/1.0 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n[42]") }
    }

    @Test func chunkedBodiesAreDecoded() throws {
        let response = try Self.get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
            + "5\r\n[{\"Id\r\n" + "3;name=value;other=\"x;y\"\r\n\":\"\r\n" + "A \r\nabcdefghij\r\n" + "3\r\n\"}]\r\n"
            + "0;last\r\nX-Trailer: 1\r\n\r\n")
        #expect(String(decoding: response.body.array, as: UTF8.self) == "[{\"Id\":\"abcdefghij\"}]")
        // Cut before the last chunk, or a chunk longer than its size: errors.
        #expect(throws: EngineHTTPClient.Failure.self) { try Self.get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n[42]\r\n") }
        #expect(throws: EngineHTTPClient.Failure.self) { try Self.get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[42]\r\n0\r\n\r\n") }
        #expect(throws: EngineHTTPClient.Failure.self) { try Self.get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n[42]\r\n0\r\n\r\n") }
        #expect(throws: EngineHTTPClient.Failure.self) { try Self.get("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n[42]") }
    }

    @Test func chunksSplitAnywhereDecodeTheSame() throws {
        let wire = Array("1;a=b\r\n[\r\n10\r\n0123456789abcdef\r\n1\r\n]\r\n0\r\nTrailer: x\r\n\r\n".utf8)
        for size in [1, 2, 3, 7, wire.count] {
            var decoder = ChunkedDecoder()
            let body = try ResponseBody(capacity: 100)
            var finished = false
            for start in stride(from: 0, to: wire.count, by: size) {
                finished = try decoder.feed(wire[start..<min(start + size, wire.count)], into: body)
            }
            #expect(finished, "pieces of \(size)")
            #expect(String(decoding: body.array, as: UTF8.self) == "[0123456789abcdef]", "pieces of \(size)")
        }
    }

    @Test func pathSegmentsAreEscapedAndUnsafeTargetsNeverSent() throws {
        #expect(EngineHTTPClient.escapedPathSegment("abc-1.2_x~") == "abc-1.2_x~")
        #expect(EngineHTTPClient.escapedPathSegment("a b/c\r\nd%?é") == "a%20b%2Fc%0D%0Ad%25%3F%C3%A9")
        let server = try FakeDockerSocket(response: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n[]")
        let client = EngineHTTPClient(host: server.host, timeout: .seconds(2))
        for target in ["/networks/x\r\nX-Injected: 1", "/networks/a b", "/networks/\u{7F}"] {
            #expect(throws: EngineHTTPClient.Failure.self) { try client.get(target) }
        }
        _ = try client.get("/networks")
        #expect(server.heads.count == 1, "only the safe target reached the socket: \(server.heads)")
    }

    @Test func aCancelledRequestEndsAtOnce() throws {
        let server = try FakeDockerSocket(response: nil)
        let cancellation = EngineHTTPClient.Cancellation()
        let started = ContinuousClock.now
        Thread.detachNewThread {
            usleep(200_000)
            cancellation.cancel()
        }
        do {
            _ = try EngineHTTPClient(host: server.host, timeout: .seconds(20)).get("/networks", cancellation: cancellation)
            Issue.record("a silent daemon answered")
        } catch {
            #expect(error.description == "cancelled")
        }
        let elapsed = ContinuousClock.now - started
        print("a request cancelled after 0.2 s returned after \(elapsed)")
        #expect(elapsed < .milliseconds(600))
    }
}
