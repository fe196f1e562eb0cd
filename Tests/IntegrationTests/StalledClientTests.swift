import Foundation
import Testing

/// Clients that ask for a large answer and never read it, and scrapes that arrive together (the
/// two servers of an HA Prometheus pair), against the real binary.
@Suite(.serialized, .enabled(if: getuid() == 0 && Shell.exists("curl"), "needs root (ip netns) and curl"))
struct StalledClientTests {
    /// 250 namespaces with every /proc/net field: an answer of about 7 MB, more than the kernel
    /// buffers between a stalled client and the exporter can hold, so the exporter's write
    /// really waits.
    static func largeAnswerExporter(_ farm: NamespaceFarm, _ extra: [String]) throws -> ExporterProcess {
        try ExporterProcess(["--namespace-path", farm.pattern, "--no-docker", "--collectors", "proc",
                             "--collector.proc.fields", ".*", "--web.max-requests", "4", "--web.idle-timeout", "5s"] + extra)
    }

    /// Connections that send `GET /metrics` with a 4 KiB receive buffer and then never read.
    static func stalledReaders(_ count: Int, port: Int) throws -> [RawConnection] {
        try (0..<count).map { _ in
            let connection = try RawConnection(port: port, readTimeout: .seconds(1), receiveBuffer: 4_096)
            connection.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            return connection
        }
    }

    /// What a stalled connection has in its receive buffer so far: the first bytes, peeked (not
    /// read, so the stall goes on).
    static func head(of connection: RawConnection) -> String {
        var bytes = [UInt8](repeating: 0, count: 12)
        let count = recv(connection.descriptor, &bytes, bytes.count, Int32(MSG_PEEK | MSG_DONTWAIT))
        return count > 0 ? String(decoding: bytes[..<count], as: UTF8.self) : ""
    }

    /// `count` stalled connections that are each being answered with a 200 (its head peeked in
    /// the receive buffer): admitted, their answers in flight. A request that came while the slot
    /// of the scrape before it was not yet given back gets a small 503, which does not stall: it
    /// is replaced by a new one. At most 30 s.
    static func stalledAnswers(_ count: Int, port: Int) throws -> [RawConnection] {
        var connections = try stalledReaders(count, port: port)
        let started = Date()
        while Date().timeIntervalSince(started) < 30 {
            let heads = connections.map(head(of:))
            if heads.allSatisfy({ $0.hasPrefix("HTTP/1.1 200") }) { return connections }
            for (index, text) in heads.enumerated() where text.count >= 12 && !text.hasPrefix("HTTP/1.1 200") {
                connections[index] = try stalledReaders(1, port: port)[0]
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Shell.Failure(command: ["stalled readers"], output: .init(status: -1, stdout: "", stderr: "not all answered within 30 s: \(connections.map(head(of:)))"))
    }

    /// True once a scrape is answered 503 (the stalled requests have been read and admitted; on a
    /// busy machine that takes a moment), within 15 s.
    static func eventuallyUnavailable(_ exporter: ExporterProcess) throws -> Bool {
        let started = Date()
        while Date().timeIntervalSince(started) < 15 {
            if try exporter.get().status == 503 { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }

    @Test func aReaderThatStallsIsCutAtTheWriteTimeoutAndGivesBackItsSlotAndMemory() throws {
        let farm = try NamespaceFarm("stall", count: 250)
        let exporter = try Self.largeAnswerExporter(farm, ["--web.write-timeout", "3s"])
        let answer = try exporter.scrapeText()
        try #require(answer.utf8.count > 6_000_000, "the answer must outgrow the socket buffers for a stall to be real: \(answer.utf8.count) bytes")
        let restingKiB = exporter.residentKilobytes

        let stalled = try Self.stalledAnswers(4, port: exporter.port)
        // The four stalled answers hold the four slots of --web.max-requests 4 ...
        #expect(try Self.eventuallyUnavailable(exporter), "with every slot taken by a stalled answer")
        let stalledKiB = exporter.residentKilobytes

        // ... until the write timeout (3 s after each answer began) cuts them. Collection itself
        // takes a few seconds on a busy machine, so wait for the outcome rather than a fixed time.
        let waitStarted = Date()
        var status = 503
        while status != 200 && Date().timeIntervalSince(waitStarted) < 30 {
            Thread.sleep(forTimeInterval: 0.5)
            status = try exporter.get().status
        }
        let waited = Date().timeIntervalSince(waitStarted)
        #expect(status == 200, "a scrape once the stalled answers were cut (waited \(waited) s)")
        #expect(exporter.log.contains("answer not taken by the client within the write timeout"), "the cut is logged")
        // Each stalled client now reads what the kernel had buffered, then finds the connection
        // closed: it got a part of the answer, never all of it.
        for (index, connection) in stalled.enumerated() {
            let (bytes, end) = connection.readAll()
            #expect(end == .closed, "stalled connection \(index) is closed")
            #expect(bytes.count < answer.utf8.count, "stalled connection \(index) got \(bytes.count) bytes of \(answer.utf8.count)")
        }
        print("stalled readers: answer \(answer.utf8.count) bytes; RSS \(restingKiB / 1024) MiB at rest, \(stalledKiB / 1024) MiB with 4 stalled readers (+\((stalledKiB - restingKiB) / 1024) MiB, one shared collection), \(exporter.residentKilobytes / 1024) MiB after they were cut; a scrape was served again \(String(format: "%.1f", waited)) s after the first 503")
    }

    @Test func sigtermEndsTheProcessWithinTheGracePeriodWhileReadersStall() throws {
        let farm = try NamespaceFarm("stallterm", count: 250)
        let exporter = try Self.largeAnswerExporter(farm, ["--web.write-timeout", "5m"])
        _ = try exporter.scrapeText()
        let stalled = try Self.stalledAnswers(4, port: exporter.port)
        #expect(try Self.eventuallyUnavailable(exporter), "the stalled answers are in flight")

        let started = Date()
        let status = exporter.stop()
        let seconds = Date().timeIntervalSince(started)
        // The stack's stop_grace_period is 10 s, after which Swarm sends SIGKILL; `stop` itself
        // would send SIGKILL after 15 s.
        #expect(seconds < 8, "SIGTERM took \(seconds) s with 4 stalled readers")
        #expect(status == 0 || status == 1, "exit status \(status)")
        print("SIGTERM with 4 stalled readers: exited in \(String(format: "%.2f", seconds)) s, status \(status)")
        withExtendedLifetime(stalled) {}
    }

    @Test func simultaneousScrapesAllGetWholeAnswers() throws {
        let farm = try NamespaceFarm("hapair", count: 5)
        let exporter = try ExporterProcess(["--namespace-path", farm.pattern, "--no-docker",
                                            "--collectors", "interfaces,operstate,proc,conntrack"])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pair-\(UUID().uuidString)").path
        defer { for side in ["a", "b"] { try? FileManager.default.removeItem(atPath: "\(scratch).\(side)") } }
        var answers = 0
        var partial: [String] = []
        for round in 0..<60 {
            // Two requests started at the same moment, as two Prometheus servers do.
            let output = try Shell.run(["curl", "-s", "--parallel", "--parallel-immediate", "-w", "%{http_code}\n",
                                        exporter.url("/metrics"), "-o", "\(scratch).a", exporter.url("/metrics"), "-o", "\(scratch).b"])
            #expect(output.stdout.split(separator: "\n") == ["200", "200"], "round \(round): \(output.stdout)")
            for side in ["a", "b"] {
                let series = Exposition.parse((try? String(contentsOfFile: "\(scratch).\(side)", encoding: .utf8)) ?? "")
                answers += 1
                let failed = series.all("swarm_ipvs_exporter_scrape_collector_success").filter { $0.value != "1" }
                let up = series.all("swarm_ipvs_exporter_netns_up").filter { $0.value == "1" }.count
                if !failed.isEmpty || up != 5 { partial.append("round \(round)\(side): \(failed.count) failed collectors, \(up) namespaces up") }
            }
        }
        #expect(partial.isEmpty, "answers that were not whole: \(partial.prefix(5))")
        print("simultaneous scrape pairs: \(answers - partial.count) of \(answers) answers whole")
    }
}
