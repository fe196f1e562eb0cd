import Foundation
import Testing

/// Hostile clients against the real binary over raw TCP: malformed requests, idle and half-open
/// connections, a slowloris, and a burst of concurrent scrapes. After each, the process is alive
/// and a normal scrape succeeds.
@Suite(.serialized, .enabled(if: Shell.exists("curl"), "needs curl"))
struct HostileHTTPIntegrationTests {
    static let ownNamespace = "/proc/self/ns/net"

    static func expectHealthy(_ exporter: ExporterProcess, after what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(exporter.process.isRunning, "exporter died after \(what): \(exporter.log)", sourceLocation: sourceLocation)
        let series = try exporter.scrape()
        #expect(series.value("swarm_ipvs_exporter_build_info", [:]) == "1", "a normal scrape after \(what)", sourceLocation: sourceLocation)
    }

    /// Requests no well-behaved client sends. Each is answered with a 4xx, or the connection is
    /// closed; never a 200, a 5xx, a hang or a crash.
    static let malformed: [(name: String, bytes: [UInt8])] = {
        var junk = HostileBytes(seed: 0x4A55_4E4B)
        return [
            ("garbage request line", Array("GARBAGE\r\n\r\n".utf8)),
            ("spaces only", Array("      \r\n\r\n".utf8)),
            ("binary junk", (0..<4_096).map { _ in junk.next() }),
            ("NUL bytes", [UInt8](repeating: 0, count: 512)),
            ("HTTP/2 preface on the HTTP/1 port", Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]),
            ("TLS client hello", [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03] + [UInt8](repeating: 0x42, count: 160)),
            ("unknown method", Array("BREW /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
            ("absurd version", Array("GET /metrics HTTP/9.7\r\nHost: x\r\n\r\n".utf8)),
            ("oversized header", Array("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 200_000))\r\n\r\n".utf8)),
            ("too many headers", Array(("GET /metrics HTTP/1.1\r\nHost: x\r\n" + (0..<5_000).map { "X-H\($0): v\r\n" }.joined() + "\r\n").utf8)),
            ("header without colon", Array("GET /metrics HTTP/1.1\r\nHost x\r\n\r\n".utf8)),
            ("NUL in a header", Array("GET /metrics HTTP/1.1\r\nHost: x\r\nX-A: a".utf8) + [0] + Array("b\r\n\r\n".utf8)),
            ("negative Content-Length", Array("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n".utf8)),
            ("two different Content-Lengths", Array("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd".utf8)),
            ("broken chunked body", Array("POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n".utf8)),
            ("POST with a body", Array("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello=world".utf8)),
            ("DELETE", Array("DELETE /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)),
            ("path traversal", Array("GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)),
            ("absolute URI of another host", Array("GET http://example.invalid/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)),
        ]
    }()

    @Test func malformedRequestsGetAnErrorOrAClosedConnection() throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.ownNamespace, "--no-docker"])
        var outcomes: [String] = []
        for (name, bytes) in Self.malformed {
            let connection = try RawConnection(port: exporter.port, readTimeout: .seconds(10))
            connection.send(bytes)
            let (answer, end) = connection.readAll()
            let status = RawConnection.status(of: answer)
            outcomes.append("\(name): \(status.map(String.init) ?? "no status"), \(end)")
            if let status {
                #expect((400..<500).contains(status), "\(name): answered \(status)")
            } else {
                #expect(end == .closed, "\(name): neither an answer nor a closed connection")
            }
            try Self.expectHealthy(exporter, after: name)
        }
        print("malformed requests: \(outcomes.joined(separator: "; "))")
    }

    @Test func anOversizedURIIsRefused() throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.ownNamespace, "--no-docker"])
        for size in [100_000, 2_000_000] {
            let connection = try RawConnection(port: exporter.port, readTimeout: .seconds(10))
            // The server may close before the whole URI is sent; a failed send is one answer.
            connection.send("GET /metrics?\(String(repeating: "q", count: size)) HTTP/1.1\r\nHost: x\r\n\r\n")
            let (answer, end) = connection.readAll()
            let status = RawConnection.status(of: answer)
            #expect(status.map { (400..<500).contains($0) } ?? (end == .closed), "URI of \(size) bytes: \(status.map(String.init) ?? "no status"), \(end)")
            try Self.expectHealthy(exporter, after: "a URI of \(size) bytes")
        }
    }

    @Test(arguments: ["", "-1", "-0", "0", "NaN", "nan", "inf", "-inf", "1e308", "1e-320", "0x10", "9999999999999999999999", "1,5", "10s", String(repeating: "9", count: 4_000)])
    func absurdScrapeTimeoutHeadersStillGetAScrape(value: String) throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.ownNamespace, "--no-docker"])
        let connection = try RawConnection(port: exporter.port, readTimeout: .seconds(20))
        connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Prometheus-Scrape-Timeout-Seconds: \(value)\r\nConnection: close\r\n\r\n")
        let (answer, _) = connection.readAll()
        #expect(RawConnection.status(of: answer) == 200, "header \"\(value)\": \(String(decoding: answer.prefix(200), as: UTF8.self))")
        #expect(String(decoding: answer, as: UTF8.self).contains("swarm_ipvs_exporter_build_info"), "header \"\(value)\"")
        try Self.expectHealthy(exporter, after: "timeout header \"\(value)\"")
    }

    /// 500 connections that send half a request line and stall: a normal scrape still gets through,
    /// and the server closes every one of them once the idle timeout has passed.
    @Test func halfOpenConnectionsDoNotStarveScrapesAndAreClosed() throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.ownNamespace, "--no-docker", "--web.idle-timeout", "3s"])
        _ = try exporter.scrape()
        let descriptorsBefore = ChurnIntegrationTests.settledDescriptors(of: exporter.process.processIdentifier)
        var stalled: [RawConnection] = []
        for _ in 0..<500 {
            let connection = try RawConnection(port: exporter.port, readTimeout: .milliseconds(10))
            connection.send("GET /metr")
            stalled.append(connection)
        }
        let opened = Date()
        #expect(try exporter.get().status == 200, "a scrape while 500 connections stall")
        // Wait (bounded) for the server to close them: the idle timeout is 3 s.
        var open = stalled.count
        while open > 0, Date().timeIntervalSince(opened) < 30 {
            usleep(250_000)
            open = stalled.filter { !$0.isClosedByPeer }.count
        }
        let waited = Date().timeIntervalSince(opened)
        print("half-open: 500 stalled connections, \(open) still open after \(String(format: "%.1f", waited)) s; descriptors before \(descriptorsBefore)")
        #expect(open == 0, "\(open) of 500 stalled connections still open after \(waited) s (idle timeout 3 s)")
        stalled.removeAll()
        try Self.expectHealthy(exporter, after: "500 half-open connections")
        let descriptorsAfter = ChurnIntegrationTests.settledDescriptors(of: exporter.process.processIdentifier)
        #expect(descriptorsAfter <= descriptorsBefore + 2, "descriptors \(descriptorsBefore) before, \(descriptorsAfter) after")
    }

    /// A slowloris sends a header byte every 200 ms and never finishes the request. The server reads
    /// no complete request part, so the connection counts as idle from its start and is closed at the
    /// idle timeout even though bytes keep coming.
    @Test func aSlowlorisIsClosedAtTheIdleTimeout() throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.ownNamespace, "--no-docker", "--web.idle-timeout", "2s"])
        let connection = try RawConnection(port: exporter.port, readTimeout: .milliseconds(10))
        let started = Date()
        let header = Array("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: \(String(repeating: "z", count: 10_000))".utf8)
        var sent = 0
        var closedAfter: Double?
        while sent < header.count, Date().timeIntervalSince(started) < 20 {
            if connection.isClosedByPeer || !connection.send([header[sent]]) {
                closedAfter = Date().timeIntervalSince(started)
                break
            }
            sent += 1
            usleep(200_000)
        }
        print("slowloris: \(sent) bytes dribbled, closed after \(closedAfter.map { String(format: "%.1f s", $0) } ?? "never")")
        #expect(closedAfter != nil, "the server kept a slowloris open for 20 s (idle timeout 2 s)")
        #expect(closedAfter.map { $0 < 12 } ?? false, "closed only after \(closedAfter ?? -1) s with an idle timeout of 2 s")
        try Self.expectHealthy(exporter, after: "a slowloris")
    }

    /// A keep-alive client that got its answer and then dribbles the next request is closed too.
    @Test func aSlowSecondRequestOnAKeptAliveConnectionIsClosed() throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.ownNamespace, "--no-docker", "--web.idle-timeout", "2s"])
        let connection = try RawConnection(port: exporter.port, readTimeout: .seconds(10))
        connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        var first: [UInt8] = []
        connection.setReadTimeout(.milliseconds(500))
        while RawConnection.status(of: first) == nil || !String(decoding: first, as: UTF8.self).contains("</html>") {
            let (bytes, end) = connection.readAll()
            first += bytes
            if end == .closed || first.count > 1_000_000 { break }
        }
        #expect(RawConnection.status(of: first) == 200)
        connection.setReadTimeout(.milliseconds(10))
        let started = Date()
        var closedAfter: Double?
        for byte in Array("GET /metrics HTTP/1.1\r\nX-Slow: ".utf8) + [UInt8](repeating: 0x7A, count: 200) {
            if connection.isClosedByPeer || !connection.send([byte]) {
                closedAfter = Date().timeIntervalSince(started)
                break
            }
            usleep(100_000)
        }
        #expect(closedAfter != nil, "a dribbled second request kept the connection open for 20 s")
        try Self.expectHealthy(exporter, after: "a slow second request")
    }

    /// A request body sent a byte at a time (slow POST): each body part used to restart the idle
    /// timer, so the connection stayed open for as long as the client kept dribbling. A request
    /// must now be read whole within the idle timeout of its head.
    @Test(arguments: ["/metrics", "/nope"])
    func aDribbledRequestBodyIsClosedAtTheIdleTimeout(path: String) throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.ownNamespace, "--no-docker", "--web.idle-timeout", "2s"])
        let connection = try RawConnection(port: exporter.port, readTimeout: .milliseconds(10))
        connection.send("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
        let started = Date()
        var closedAfter: Double?
        while Date().timeIntervalSince(started) < 20 {
            if connection.isClosedByPeer || !connection.send("a") {
                closedAfter = Date().timeIntervalSince(started)
                break
            }
            usleep(200_000)
        }
        print("slow body to \(path): closed after \(closedAfter.map { String(format: "%.1f s", $0) } ?? "never")")
        #expect(closedAfter != nil, "a dribbled body kept the connection open for 20 s (idle timeout 2 s)")
        try Self.expectHealthy(exporter, after: "a dribbled request body")
    }

    /// 200 concurrent scrapes with the default limit of 40: every answer is a 200 or a 503, the
    /// process lives, and its resident memory after three bursts is close to what it was after the
    /// first (a queue or a leak would grow with every burst).
    @Test func twoHundredConcurrentScrapesWithTheDefaultLimit() throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.ownNamespace, "--no-docker", "--web.max-requests", "40"])
        _ = try exporter.scrape()
        let start = exporter.residentKilobytes
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("burst-\(UUID().uuidString)").path
        try String(repeating: "url = \"\(exporter.url("/metrics"))\"\noutput = \"/dev/null\"\n", count: 200)
            .write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        var afterBurst: [Int] = []
        var tally: [String: Int] = [:]
        for _ in 0..<3 {
            let output = try Shell.run(["curl", "-s", "--parallel", "--parallel-immediate", "--parallel-max", "200", "-K", config, "-w", "%{http_code}\n"])
            let codes = output.stdout.split(separator: "\n").map(String.init)
            #expect(codes.count == 200)
            for code in codes { tally[code, default: 0] += 1 }
            #expect(exporter.process.isRunning)
            afterBurst.append(exporter.residentKilobytes)
        }
        print("200 concurrent scrapes x3, --web.max-requests 40: \(tally); RSS \(start) kB before, \(afterBurst) kB after each burst")
        #expect(Set(tally.keys).isSubset(of: ["200", "503"]), "\(tally)")
        #expect(tally["200", default: 0] > 0, "some scrapes are admitted: \(tally)")
        #expect(start > 0 && afterBurst.allSatisfy { $0 > 0 })
        // Bounded: the third burst costs no more than 16 MB over the first (allocator slack), and the
        // whole process stays under 256 MB.
        #expect(afterBurst[2] - afterBurst[0] < 16_384, "RSS grew from \(afterBurst[0]) kB to \(afterBurst[2]) kB between bursts")
        #expect(afterBurst.max()! < 262_144, "RSS \(afterBurst) kB")
        try Self.expectHealthy(exporter, after: "600 concurrent scrapes")
    }
}

/// Deterministic bytes for junk requests (splitmix64).
struct HostileBytes {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt8 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt8(truncatingIfNeeded: z ^ (z >> 31))
    }
}
