import CoreTestSupport
import ExporterCore
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import Testing
@testable import swarm_ipvs_exporter

/// node_exporter's `collect[]` and `exclude[]` URL parameters: which collectors a scrape runs, and
/// which queries are refused.
@Suite struct ScrapeFilterTests {
    static let enabled = ["conntrack", "ipvs", "proc"]
    static let known = ["conntrack", "dns", "ipvs", "proc"]

    static func selection(_ query: String?) -> Result<ScrapeSelection, ScrapeFilter.Refusal> {
        ScrapeFilter.selection(query: query, enabled: enabled, known: known)
    }

    @Test(arguments: [
        (nil, ScrapeSelection.all),
        ("", .all),
        ("foo=bar", .all),
        ("collect[]=ipvs", .only(["ipvs"])),
        ("collect%5B%5D=ipvs", .only(["ipvs"])),
        ("collect%5b%5d=ipvs&collect[]=proc&collect[]=ipvs", .only(["ipvs", "proc"])),
        ("collect[]=i%70vs", .only(["ipvs"])),
        ("exclude[]=proc", .only(["conntrack", "ipvs"])),
        ("exclude%5B%5D=proc&exclude[]=conntrack", .only(["ipvs"])),
        ("exclude[]=dns", .all),
        ("exclude[]=ipvs&exclude[]=proc&exclude[]=conntrack", .only([])),
        ("collect[]=proc&collect[]=ipvs&collect[]=conntrack", .all),
    ] as [(String?, ScrapeSelection)])
    func selects(query: String?, expected: ScrapeSelection) throws {
        #expect(try Self.selection(query).get() == expected, "\(query ?? "nil")")
    }

    @Test(arguments: [
        ("collect[]=nope", "unknown collector \"nope\" in collect[]; enabled collectors: conntrack, ipvs, proc"),
        ("collect%5B%5D=nope&collect[]=ipvs&collect[]=zzz&collect[]=nope", "unknown collectors \"nope\", \"zzz\" in collect[]; enabled collectors: conntrack, ipvs, proc"),
        ("collect[]=dns", "collector \"dns\" in collect[] is not enabled; enabled collectors: conntrack, ipvs, proc"),
        ("collect[]=dns&collect[]=x", "unknown collector \"x\" in collect[]; collector \"dns\" in collect[] is not enabled; enabled collectors: conntrack, ipvs, proc"),
        ("collect[]=", "unknown collector \"\" in collect[]"),
        ("exclude[]=nope", "unknown collector \"nope\" in exclude[]; enabled collectors: conntrack, ipvs, proc"),
        ("collect[]=ipvs&exclude[]=proc", "collect[] and exclude[] cannot be used together"),
        ("collect%5B%5D=ipvs&exclude%5B%5D=ipvs", "collect[] and exclude[] cannot be used together"),
    ])
    func refuses(query: String, message: String) {
        switch Self.selection(query) {
        case .success(let selection): Issue.record("\(query): accepted as \(selection)")
        case .failure(let refusal): #expect(refusal.description.hasPrefix(message), "\(query): \(refusal)")
        }
    }

    @Test func queryItemsAreDecodedAsForms() {
        let items = URLQuery.items("a+b=c%20d&%zz=%4&&empty&x=1=2")
        #expect(items.map(\.name) == ["a b", "%zz", "empty", "x"])
        #expect(items.map(\.value) == ["c d", "%4", "", "1=2"])
    }
}

/// The same parameters through the scrape endpoint, in process, on fake namespaces: what the
/// answer holds, the status and the body of a refusal, and that a filtered scrape never shares
/// another selection's collection.
@Suite struct FilteredScrapeTests {
    struct Fixture {
        let script = CollectorScript()
        let pool = NIOThreadPool(numberOfThreads: 2)
        let endpoint: MetricsEndpoint

        init() {
            pool.start()
            let paths = ["/netns/ingress_sbox"]
            let scraper = Scraper(
                selector: NamespaceSelector(patterns: paths),
                namespaceCollectors: [ScriptedCollector(script: script), ConstantCollector()],
                globalCollectors: [ConstantGlobalCollector()],
                buildInfo: BuildInfo(version: "test", revision: "test"),
                logger: CapturedLog().logger, threadPool: pool, namespaces: FakeNamespaces(paths: paths))
            endpoint = MetricsEndpoint(
                scraper: scraper, maxConcurrentScrapes: 0, defaultTimeout: .seconds(300), timeoutOffset: .milliseconds(500),
                knownCollectors: ["constant", "constant-global", "scripted", "switched-off"], logger: CapturedLog().logger)
        }

        func get(_ path: String) async throws -> (status: HTTPResponse.Status, text: String) {
            let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: path, headerFields: [:]),
                                  body: RequestBody(buffer: ByteBuffer()))
            let response = await endpoint.respond(to: request)
            return (response.status, MetricsEndpointTests.text(try await MetricsEndpointTests.body(of: response)))
        }

        func end() async throws {
            script.release()
            try await pool.shutdownGracefully()
        }
    }

    static let inode = "test_namespace_inode{netns=\"ingress_sbox\"}"
    static let constant = "test_constant{netns=\"ingress_sbox\"}"
    static let global = "test_global_constant"
    static let up = "swarm_ipvs_exporter_netns_up{netns=\"ingress_sbox\"}"
    static let success = "swarm_ipvs_exporter_scrape_collector_success"

    @Test func collectRestrictsTheFamiliesAndKeepsTheExportersOwn() async throws {
        let fixture = Fixture()
        for path in ["/metrics?collect[]=constant", "/metrics?collect%5B%5D=constant", "/metrics?collect%5B%5D=constant&collect%5B%5D=constant"] {
            let (status, text) = try await fixture.get(path)
            let series = ExpositionSeries.parse(text)
            #expect(status == .ok, "\(path)")
            #expect(series[Self.constant] == "7", "\(path)")
            #expect(series[Self.inode] == nil && series[Self.global] == nil, "\(path): \(series.keys.sorted())")
            #expect(Set(series.keys.filter { $0.hasPrefix(Self.success + "{") }) == ["\(Self.success){collector=\"constant\",netns=\"ingress_sbox\"}"])
            #expect(series[Self.up] == "1")
            #expect(series.keys.contains { $0.hasPrefix("swarm_ipvs_exporter_build_info{") })
            #expect(!text.contains("# HELP test_namespace_inode"), "no family of a collector not run, not even declared")
        }
        let (_, two) = try await fixture.get("/metrics?collect[]=constant-global&collect[]=scripted")
        let series = ExpositionSeries.parse(two)
        #expect(series[Self.inode] != nil && series[Self.global] == "3" && series[Self.constant] == nil)
        try await fixture.end()
    }

    @Test func excludeRemovesTheCollectorsNamed() async throws {
        let fixture = Fixture()
        let (status, text) = try await fixture.get("/metrics?exclude[]=scripted&exclude%5B%5D=constant-global")
        let series = ExpositionSeries.parse(text)
        #expect(status == .ok)
        #expect(series[Self.constant] == "7")
        #expect(series[Self.inode] == nil && series[Self.global] == nil)
        #expect(series[Self.up] == "1")
        let (_, all) = try await fixture.get("/metrics?exclude[]=switched-off")
        #expect(ExpositionSeries.parse(all)[Self.inode] != nil, "a known collector that is not enabled excludes nothing")
        try await fixture.end()
    }

    @Test(arguments: [
        ("/metrics?collect[]=nope", "unknown collector \"nope\" in collect[]; enabled collectors: constant, constant-global, scripted\n"),
        ("/metrics?collect%5B%5D=switched-off", "collector \"switched-off\" in collect[] is not enabled; enabled collectors: constant, constant-global, scripted\n"),
        ("/metrics?exclude[]=nope", "unknown collector \"nope\" in exclude[]; enabled collectors: constant, constant-global, scripted\n"),
        ("/metrics?collect[]=constant&exclude[]=scripted", "collect[] and exclude[] cannot be used together\n"),
    ])
    func refusedWith400NamingWhy(path: String, body: String) async throws {
        let fixture = Fixture()
        let (status, text) = try await fixture.get(path)
        #expect(status == .badRequest)
        #expect(text == body)
        try await fixture.end()
    }

    /// A scrape of other collectors arriving while an unfiltered collection is in flight collects
    /// for itself: joining would answer it with families it did not ask for (and make it wait).
    @Test func aFilteredScrapeNeverJoinsAnUnfilteredCollection() async throws {
        let fixture = Fixture()
        // The unfiltered scrape waits on the scripted reader until released (at most 60 s).
        fixture.script.block("ingress_sbox", atMost: .seconds(60))
        let unfiltered = Task { try await fixture.get("/metrics") }
        try await Task.sleep(for: .milliseconds(200))
        // However slow the machine, a scrape that collects for itself never has the inode; one that
        // joined could only come back after the release, with it.
        let (status, text) = try await fixture.get("/metrics?collect[]=constant")
        #expect(status == .ok)
        #expect(ExpositionSeries.parse(text)[Self.inode] == nil, "answered from the unfiltered collection")
        #expect(ExpositionSeries.parse(text)[Self.constant] == "7")
        fixture.script.release()
        let whole = ExpositionSeries.parse(try await unfiltered.value.text)
        #expect(whole[Self.inode] != nil && whole[Self.constant] == "7" && whole[Self.global] == "3")
        try await fixture.end()
    }
}
