import CompressNIO
import CoreTestSupport
import ExporterCore
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import swarm_ipvs_exporter

/// The scrape endpoint called in process, the way the router calls it: format negotiation, gzip,
/// the admission limit and Prometheus' timeout header, on a scraper of fake namespaces. The
/// default scrape timeout is minutes long: no assertion depends on how fast the machine is.
@Suite struct MetricsEndpointTests {
    static let openMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8"
    static let text = "text/plain; version=0.0.4; charset=utf-8"

    /// An endpoint over one namespace read by a scripted collector.
    struct Fixture {
        let script = CollectorScript()
        let log = CapturedLog()
        let pool = NIOThreadPool(numberOfThreads: 2)
        let endpoint: MetricsEndpoint

        init(maxConcurrentScrapes: Int = 0, namespaces: [String] = ["/netns/ingress_sbox"]) {
            pool.start()
            let scraper = Scraper(
                selector: NamespaceSelector(patterns: namespaces),
                namespaceCollectors: [ScriptedCollector(script: script)],
                globalCollectors: [],
                buildInfo: BuildInfo(version: "test", revision: "test"),
                logger: log.logger,
                threadPool: pool,
                namespaces: FakeNamespaces(paths: namespaces))
            endpoint = MetricsEndpoint(
                scraper: scraper, maxConcurrentScrapes: maxConcurrentScrapes, defaultTimeout: .seconds(300),
                timeoutOffset: .milliseconds(500), logger: log.logger)
        }

        func end() async throws {
            script.release()
            try await pool.shutdownGracefully()
        }
    }

    static func request(_ fields: HTTPFields = [:]) -> Request {
        Request(head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/metrics", headerFields: fields),
                body: RequestBody(buffer: ByteBuffer()))
    }

    /// Collects a body as the server would send it.
    struct Collected: ResponseBodyWriter {
        let bytes = NIOLockedValueBox(ByteBuffer())
        mutating func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            bytes.withLockedValue { $0.writeBuffer(&buffer) }
        }
        mutating func write(contentsOf buffers: some Sequence<ByteBuffer>) async throws {
            for buffer in buffers { try await write(buffer) }
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    static func body(of response: Response) async throws -> ByteBuffer {
        let writer = Collected()
        try await response.body.write(writer)
        return writer.bytes.withLockedValue { $0 }
    }

    static func text(_ buffer: ByteBuffer) -> String { String(buffer: buffer) }

    /// The series that do not change between two scrapes (durations and open descriptors do).
    static func stableSeries(_ text: String) -> [String: String] {
        ExpositionSeries.parse(text).filter { !$0.key.contains("_duration_seconds") && !$0.key.hasPrefix("process_") }
    }

    @Test func theFormatFollowsTheAcceptHeader() async throws {
        let fixture = Fixture()
        let cases: [(accept: String?, type: String)] = [
            (nil, Self.text),
            ("application/openmetrics-text; version=1.0.0", Self.openMetrics),
            ("application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", Self.openMetrics),
            ("application/openmetrics-text;q=0.5,text/plain;q=0.9", Self.text),
            ("application/openmetrics-text; version=2.0.0", Self.text),
        ]
        for (accept, type) in cases {
            var fields: HTTPFields = [:]
            if let accept { fields[.accept] = accept }
            let response = await fixture.endpoint.respond(to: Self.request(fields))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == type, "Accept: \(accept ?? "none")")
            #expect(response.headers[.vary] == "Accept, Accept-Encoding")
            #expect(response.headers[.contentEncoding] == nil)
            let body = Self.text(try await Self.body(of: response))
            #expect(body.hasSuffix("# EOF\n") == (type == Self.openMetrics), "Accept: \(accept ?? "none")")
            #expect(body.contains("test_namespace_inode{netns=\"ingress_sbox\"}"))
        }
        try await fixture.end()
    }

    @Test func gzipWhenTheClientAcceptsIt() async throws {
        let fixture = Fixture()
        let plain = Self.text(try await Self.body(of: await fixture.endpoint.respond(to: Self.request())))
        for accept in ["gzip", "deflate, gzip;q=0.5", "*", "x-gzip"] {
            let response = await fixture.endpoint.respond(to: Self.request([.acceptEncoding: accept]))
            #expect(response.headers[.contentEncoding] == "gzip", "Accept-Encoding: \(accept)")
            var body = try await Self.body(of: response)
            #expect(body.readableBytesView.prefix(2).elementsEqual([0x1F, 0x8B]), "a gzip stream")
            let unpacked = Self.text(try body.decompress(with: .gzip()))
            #expect(Self.stableSeries(unpacked) == Self.stableSeries(plain))
            #expect(!Self.stableSeries(unpacked).isEmpty)
        }
        for accept in ["gzip;q=0", "identity", "deflate, *;q=0"] {
            let response = await fixture.endpoint.respond(to: Self.request([.acceptEncoding: accept]))
            #expect(response.headers[.contentEncoding] == nil, "Accept-Encoding: \(accept)")
            #expect(Self.stableSeries(Self.text(try await Self.body(of: response))) == Self.stableSeries(plain))
        }
        try await fixture.end()
    }

    @Test func scrapesBeyondTheLimitAre503UntilAnAnswerIsWritten() async throws {
        let fixture = Fixture(maxConcurrentScrapes: 1)
        // The first answer is not written yet: its body holds the only admission.
        var first: Response? = await fixture.endpoint.respond(to: Self.request())
        #expect(first?.status == .ok)
        let refused = await fixture.endpoint.respond(to: Self.request())
        #expect(refused.status == .serviceUnavailable)
        #expect(refused.headers[.retryAfter] == "1")
        #expect(Self.text(try await Self.body(of: refused)) == "too many concurrent scrapes (--web.max-requests 1)\n")
        #expect(fixture.log.lines("too many concurrent scrapes; answering 503").count == 1)

        _ = try await Self.body(of: first!)
        first = nil
        let next = await fixture.endpoint.respond(to: Self.request())
        #expect(next.status == .ok, "the written answer gave its admission back")
        _ = try await Self.body(of: next)
        try await fixture.end()
    }

    @Test func noLimitAdmitsEveryScrape() async throws {
        let fixture = Fixture(maxConcurrentScrapes: 0)
        var held: [Response] = []
        for _ in 0..<5 { held.append(await fixture.endpoint.respond(to: Self.request())) }
        #expect(held.allSatisfy { $0.status == .ok })
        for response in held { _ = try await Self.body(of: response) }
        try await fixture.end()
    }

    @Test func theScrapeTimeoutIsPrometheusHeaderLessTheOffset() async throws {
        let fixture = Fixture()
        let timeout = { (value: String?) -> Duration in
            var fields: HTTPFields = [:]
            if let value { fields[MetricsEndpoint.scrapeTimeoutHeader] = value }
            return fixture.endpoint.timeout(for: Self.request(fields))
        }
        #expect(timeout(nil) == .seconds(300))
        #expect(timeout("5") == .milliseconds(4500))
        #expect(timeout("0.2") == .milliseconds(100), "never below 100 ms")
        #expect(timeout("1e12") == .seconds(3600) - .milliseconds(500), "an absurd header is clamped")
        for unusable in ["0", "-3", "nan", "inf", "soon"] {
            #expect(timeout(unusable) == .seconds(300), "\(unusable)")
        }
        try await fixture.end()
    }

    @Test func aScrapeAnswersAtItsDeadlineWhenACollectorHangs() async throws {
        let fixture = Fixture()
        // Blocked past the deadline: had the answer waited for it, its sample would be there.
        fixture.script.block("ingress_sbox")
        let response = await fixture.endpoint.respond(to: Self.request([MetricsEndpoint.scrapeTimeoutHeader: "1"]))
        let series = ExpositionSeries.parse(Self.text(try await Self.body(of: response)))
        #expect(response.status == .ok)
        #expect(series["test_namespace_inode{netns=\"ingress_sbox\"}"] == nil)
        #expect(series["swarm_ipvs_exporter_scrape_collector_success{collector=\"scripted\",netns=\"ingress_sbox\"}"] == "0")
        try await fixture.end()
    }
}
