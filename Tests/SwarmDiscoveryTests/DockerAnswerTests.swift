import ExporterCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing
@testable import SwarmDiscovery

/// Engine API answers with one bad entry among good ones, hostile ids, and JSON edge cases.
@Suite struct DockerAnswerTests {
    static func detail(_ services: String, ingress: Bool = false) -> [UInt8] {
        Array(#"{"Name":"appnet","Id":"abc","Ingress":\#(ingress),"Containers":{"x":{"Name":"y"}},"Services":{\#(services)}}"#.utf8)
    }

    static let goodService = #""web":{"VIP":"10.0.1.2","Ports":[],"LocalLBIndex":256,"Tasks":[{"Name":"web.1.a","EndpointIP":"10.0.1.3","Info":{"Host IP":"192.168.77.1"}}]}"#

    @Test func aLocalLBIndexOutOfRangeSaysSoAndDropsOnlyItsService() throws {
        var problems: [String] = []
        let network = try DockerEngine.networkDetail(
            Self.detail(Self.goodService + #","big":{"LocalLBIndex":4294967296,"Tasks":[]},"half":{"LocalLBIndex":2.5}"#),
            id: "abc", problems: &problems)
        #expect(network.services?.keys.sorted() == ["web"])
        #expect(problems.count == 2)
        #expect(problems.contains(#"service "big" of network abc dropped: its LocalLBIndex (the firewall mark) 4294967296 is out of range (0…4294967295)"#), "\(problems)")
        #expect(problems.contains(#"service "half" of network abc dropped: its LocalLBIndex (the firewall mark) 2.5 is not a whole number"#), "\(problems)")
        #expect(!problems.joined().contains("not valid JSON"))
    }

    @Test func oneMalformedEntryIsDroppedAndTheOthersKept() throws {
        var problems: [String] = []
        let network = try DockerEngine.networkDetail(Self.detail(Self.goodService + #","api":{"LocalLBIndex":257,"Ports":[7,"Target: 80, Publish: 8080"],"Tasks":[{"Name":"api.1.a","EndpointIP":12},{"Name":"api.2.b","EndpointIP":"10.0.1.9","Info":null}]},"odd":[1,2]"#, ingress: true),
                                                     id: "abc", problems: &problems)
        #expect(network.services?.keys.sorted() == ["api", "web"])
        #expect(network.services?["api"]?.tasks?.map(\.endpointIP) == ["10.0.1.9"])
        #expect(network.services?["api"]?.ports == ["Target: 80, Publish: 8080"])
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains(#"task #0 of service "api" of network abc dropped: its EndpointIP is a number, not a string"#), "\(problems)")
        #expect(problems.contains(#"a port of service "api" of network abc dropped: it is a number, not a string"#), "\(problems)")
        #expect(problems.contains(#"service "odd" of network abc dropped: service "odd" of network abc is an array, not an object"#), "\(problems)")
        let snapshot = SwarmSnapshotBuilder.build(networks: [network], services: nil)
        #expect(snapshot.loadBalancers["ingress_sbox"]?.serviceByFirewallMark == [256: "web", 257: "api"])

        problems = []
        let networks = try DockerEngine.networks(Array(#"[{"Id":5},{"Name":"no id"},{"Id":"a\r\nb"},{"Id":".."},{"Id":"a/b"},{"Id":"good_1.x-y","Driver":"overlay"}]"#.utf8),
                                                 problems: &problems)
        #expect(networks.map(\.id) == ["good_1.x-y"])
        #expect(problems.count == 5, "\(problems)")
        #expect(problems.contains(#"network #2 of the list dropped: its Id "a\r\nb" has characters other than A-Z a-z 0-9 _ . -"#), "\(problems)")

        problems = []
        let services = try DockerEngine.services(Array(#"[{"Spec":{"Name":"web"},"Endpoint":{"Ports":[{"Protocol":"tcp","TargetPort":70000,"PublishedPort":8080},{"Protocol":"udp","TargetPort":53,"PublishedPort":53}]}},{"Spec":{}}]"#.utf8),
                                                 problems: &problems)
        #expect(services.map(\.spec.name) == ["web"])
        #expect(services.first?.endpoint?.ports?.map(\.protocolName) == ["udp"])
        #expect(problems.count == 2, "\(problems)")
    }

    @Test func textThatIsNotJSONFailsTheWholeAnswer() {
        for text in [#"{"Services":{"web":{"LocalLBIndex":01}}}"#, #"{"Services":{"web":{} "x":{}}}"#, #"{"Name":"a"} x"#,
                     #"{"Name":"a\q"}"#, #"{"Name":"\ud800"}"#, #"{"Name":"a"#, #"{"Other":[1,]}"#,
                     #"{"Other":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"] {
            var problems: [String] = []
            #expect(throws: JSONReader.SyntaxError.self, "\(text)") { try DockerEngine.networkDetail(Array(text.utf8), id: "abc", problems: &problems) }
        }
    }

    @Test func stringsAreUnescaped() throws {
        let text = Array(#"["plain", "a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "é"]"#.utf8)
        var values: [String] = []
        try text.withUnsafeBytes { bytes in
            var reader = JSONReader(bytes)
            try reader.beginArray()
            while try reader.nextElement() { values.append(try reader.string()) }
            try reader.end()
        }
        #expect(values == ["plain", "a\"b\\c/d\n\té😀", "é"])
    }

    /// A hostile network list: ids that would add a header, leave the path or hold spaces are
    /// never put into a request; the good network is read; each dropped entry is counted.
    @Test func hostileIdsAreRefusedAndTheRestRead() throws {
        let list = #"[{"Id":"evil\r\nX-Injected: 1","Driver":"overlay"},{"Id":"../../containers/json","Driver":"overlay"},{"Id":"a b","Driver":"overlay"},{"Id":"ihskyupbolvu5bw4kztm1klf3","Driver":"overlay","Ingress":false}]"#
        let server = try FakeDockerSocket { target in
            let body: String = switch target.split(separator: "?").first ?? "" {
            case "/networks": list
            case "/networks/ihskyupbolvu5bw4kztm1klf3": String(decoding: Self.detail(Self.goodService), as: UTF8.self)
            default: "[]"
            }
            return Array("HTTP/1.0 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        }
        let directory = DockerSwarmDirectory(socketPath: server.path, interval: .seconds(60), refreshTimeout: .seconds(5), logger: Logger(label: "t"))
        directory.refreshOnce()
        #expect(directory.snapshot?.loadBalancers["lb_ihskyupbo"]?.serviceByFirewallMark == [256: "web"])
        #expect(directory.apiErrors == 3, "three networks dropped")
        let requestLines = server.heads.map { String($0.prefix { $0 != "\r" }) }
        // The list, /services (a manager here: 200), /tasks, /nodes and the one good network.
        #expect(requestLines.count == 5, "\(requestLines)")
        #expect(!server.heads.contains { $0.contains("\r\nX-Injected") }, "no header was added")
        #expect(!requestLines.contains { $0.contains("..") || $0.contains("a b") }, "\(requestLines)")
    }

    /// A refresh cut by its deadline uses the networks it read and keeps the last good entries of
    /// the others; the next refresh asks the least recently read network first.
    @Test func aRefreshCutByItsDeadlineKeepsWhatItHasAndGoesOnWhereItStopped() throws {
        let list = #"[{"Id":"aaaaaaaaaaaa1","Driver":"overlay"},{"Id":"bbbbbbbbbbbb2","Driver":"overlay"}]"#
        // Per network, which of its detail requests are slow (2 s, over the 1 s deadline).
        let slow: [String: Set<Int>] = ["aaaaaaaaaaaa1": [1], "bbbbbbbbbbbb2": [0]]
        let asked = NIOLockedValueBox<[String: Int]>([:])
        let server = try FakeDockerSocket { target in
            let path = String(target.split(separator: "?").first ?? "")
            var body = "[]"
            if path == "/networks" { body = list }
            if path.hasPrefix("/networks/") {
                let id = String(path.dropFirst("/networks/".count))
                let count = asked.withLockedValue { counts in
                    defer { counts[id, default: 0] += 1 }
                    return counts[id, default: 0]
                }
                if slow[id]?.contains(count) == true { usleep(2_000_000) }
                body = String(decoding: Self.detail(Self.goodService), as: UTF8.self)
            }
            return Array("HTTP/1.0 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        }
        let directory = DockerSwarmDirectory(socketPath: server.path, interval: .seconds(60), refreshTimeout: .seconds(1), logger: Logger(label: "t"))
        directory.refreshOnce()
        #expect(directory.snapshot.map { Set($0.loadBalancers.keys) } == ["lb_aaaaaaaaa"], "the network read before the deadline is used")
        #expect(directory.apiErrors == 1)
        usleep(1_500_000)  // the fake engine ends its slow answer
        directory.refreshOnce()
        #expect(directory.snapshot.map { Set($0.loadBalancers.keys) } == ["lb_aaaaaaaaa", "lb_bbbbbbbbb"],
                "b read this time, a's entry kept from the last refresh")
        #expect(directory.apiErrors == 2)
        let details = server.heads.compactMap { head in
            head.split(separator: " ").dropFirst().first.flatMap { $0.hasPrefix("/networks/") ? String($0.dropFirst(10).prefix(1)) : nil }
        }
        #expect(details == ["a", "b", "b", "a"], "the second refresh asked b (never read) first")
    }

    /// Log lines, kept for a test.
    struct CapturingLogHandler: LogHandler {
        let lines: NIOLockedValueBox<[String]>
        var logLevel: Logger.Level = .debug
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
                 file: String, function: String, line: UInt) {
            lines.withLockedValue { $0.append("\(level) \(message) \(metadata ?? [:])") }
        }
    }

    /// A bad entry that comes back at every refresh is counted every time, logged as a warning once.
    @Test func aDroppedEntryIsCountedEachTimeAndLoggedOnce() throws {
        let list = #"[{"Id":"bad id","Driver":"overlay"},{"Id":"ihskyupbolvu5bw4kztm1klf3","Driver":"overlay"}]"#
        let server = try FakeDockerSocket { target in
            let body = target.hasPrefix("/networks?") ? list : target.hasPrefix("/networks/") ? String(decoding: Self.detail(Self.goodService), as: UTF8.self) : "[]"
            return Array("HTTP/1.0 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        }
        let lines = NIOLockedValueBox<[String]>([])
        let logger = Logger(label: "t") { _ in CapturingLogHandler(lines: lines) }
        let directory = DockerSwarmDirectory(socketPath: server.path, interval: .seconds(60), refreshTimeout: .seconds(5), logger: logger)
        for _ in 0..<3 { directory.refreshOnce() }
        #expect(directory.apiErrors == 3)
        #expect(directory.snapshot?.loadBalancers["lb_ihskyupbo"]?.serviceByFirewallMark == [256: "web"])
        let warnings = lines.withLockedValue { $0 }.filter { $0.hasPrefix("warning") }
        #expect(warnings.count == 1, "\(warnings)")
        #expect(warnings.first.map { $0.contains("bad id") && $0.contains("has characters other than") } == true, "\(warnings)")
    }

    /// Serving waits for the first refresh only as long as it is told; the refresh goes on, the
    /// background loop takes it over (no second request), and cancelling the loop ends a refresh in
    /// flight. The fake engine holds its network lists until the test lets them go, so the
    /// outcome does not depend on timing (other suites may keep the cooperative pool busy).
    @Test func theFirstRefreshIsWaitedForBrieflyThenTakenOver() async throws {
        // On a thread of its own: other suites' blocking tests can hold every thread of the
        // cooperative pool for seconds on 2 cores (seen: a 200 ms wait returned after 18 s).
        try await withTaskExecutorPreference(ThreadTaskExecutor.shared) { try await firstRefreshTakenOver() }
    }

    func firstRefreshTakenOver() async throws {
        let list = #"[{"Id":"ihskyupbolvu5bw4kztm1klf3","Driver":"overlay"}]"#
        let firstList = DispatchSemaphore(value: 0)
        let server = try FakeDockerSocket { target in
            var body = "[]"
            if target.hasPrefix("/networks?") {
                // Each list waits for the test to let it go (the second one only at the end).
                if firstList.wait(timeout: .now() + 30) == .timedOut { return nil }
                body = list
            }
            if target.hasPrefix("/networks/") { body = String(decoding: Self.detail(Self.goodService), as: UTF8.self) }
            return Array("HTTP/1.0 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        }
        let directory = DockerSwarmDirectory(socketPath: server.path, interval: .milliseconds(100), refreshTimeout: .seconds(20),
                                             requestTimeout: .seconds(10), logger: Logger(label: "t"))
        let started = ContinuousClock.now
        let finished = await directory.startFirstRefresh(waitingAtMost: .milliseconds(200))
        print("startFirstRefresh returned after \(ContinuousClock.now - started)")
        #expect(!finished, "it returned while the refresh was still waiting for Docker")
        #expect(directory.snapshot == nil)

        let loop = Task(executorPreference: ThreadTaskExecutor.shared) { await directory.run() }
        firstList.signal()
        var waited = 0
        while directory.snapshot == nil, waited < 100 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(directory.snapshot?.loadBalancers["lb_ihskyupbo"]?.serviceByFirewallMark == [256: "web"], "the names came when the refresh ended")

        // The next refresh waits for a list that never comes (10 s request timeout): cancel it.
        waited = 0
        while server.heads.filter({ $0.hasPrefix("GET /networks?") }).count < 2, waited < 100 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(server.heads.filter { $0.hasPrefix("GET /networks?") }.count == 2, "one list for the first refresh (taken over), one for the next")
        let cancelling = ContinuousClock.now
        loop.cancel()
        await loop.value
        let stopped = ContinuousClock.now - cancelling
        print("the refresh loop ended \(stopped) after it was cancelled")
        #expect(stopped < .seconds(5), "a cancelled refresh does not wait for its 10 s request timeout")
        firstList.signal()
    }
}

/// Runs the jobs of the tasks that prefer it on one thread of its own, away from the cooperative pool.
final class ThreadTaskExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = ThreadTaskExecutor()
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init() {
        Thread.detachNewThread { [self] in
            while true {
                condition.lock()
                while jobs.isEmpty { condition.wait() }
                let job = jobs.removeFirst()
                condition.unlock()
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }
}
