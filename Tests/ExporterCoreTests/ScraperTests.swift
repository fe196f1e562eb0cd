import CoreTestSupport
import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import Testing
@testable import ExporterCore

/// A whole scrape in process: the tracker, the reader slots, the deadline and the meta series,
/// on namespaces that are paths and inode numbers (`FakeNamespaces`), so no root is needed.
///
/// No assertion here depends on how fast the machine is (the suite shares two cores with QEMU
/// guests in CI): deadlines that are not the subject are minutes long, and a reader that "misses
/// the deadline" blocks until the test releases it.
@Suite struct ScraperTests {
    static let success = "swarm_ipvs_exporter_scrape_collector_success"
    static let up = "swarm_ipvs_exporter_netns_up"
    static let inode = "test_namespace_inode"

    /// A scraper of `paths` (labelled by their base names) with one scripted collector, and the
    /// pool its reads run on.
    struct Fixture {
        let namespaces: FakeNamespaces
        let script = CollectorScript()
        let log = CapturedLog()
        let pool = NIOThreadPool(numberOfThreads: 4)
        let scraper: Scraper

        init(paths: [String]) {
            namespaces = FakeNamespaces(paths: paths)
            pool.start()
            scraper = Scraper(
                selector: NamespaceSelector(patterns: paths),
                namespaceCollectors: [ScriptedCollector(script: script)],
                globalCollectors: [],
                buildInfo: BuildInfo(version: "test", revision: "test"),
                logger: log.logger,
                threadPool: pool,
                namespaces: namespaces)
        }

        func scrape(timeout: Duration = .seconds(300)) async -> [String: String] {
            ExpositionSeries.of(await scraper.scrape(timeout: timeout))
        }

        func end() async throws {
            script.release()
            try await pool.shutdownGracefully()
        }
    }

    /// `collect[]`/`exclude[]`: a selection runs only the collectors it names, per namespace and
    /// global, while the exporter's own series (namespaces up, build info) stay.
    @Test func aSelectionRunsOnlyTheCollectorsItNamesAndKeepsTheExportersOwnSeries() async throws {
        let paths = ["/netns/a"]
        let script = CollectorScript()
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let scraper = Scraper(
            selector: NamespaceSelector(patterns: paths),
            namespaceCollectors: [ScriptedCollector(script: script), ConstantCollector()],
            globalCollectors: [ConstantGlobalCollector()],
            buildInfo: BuildInfo(version: "test", revision: "test"),
            logger: CapturedLog().logger, threadPool: pool, namespaces: FakeNamespaces(paths: paths))
        #expect(scraper.collectorNames == ["constant", "constant-global", "scripted"])
        let success = { (collector: String, netns: String) in "\(Self.success){collector=\"\(collector)\",netns=\"\(netns)\"}" }
        let buildInfo = "swarm_ipvs_exporter_build_info"

        let all = await ExpositionSeries.of(scraper.scrape(timeout: .seconds(300)))
        #expect(all["test_constant{netns=\"a\"}"] == "7")
        #expect(all["\(Self.inode){netns=\"a\"}"] != nil)
        #expect(all["test_global_constant"] == "3")
        #expect([success("scripted", "a"), success("constant", "a"), "\(Self.success){collector=\"constant-global\"}"].allSatisfy { all[$0] == "1" })

        let some = await ExpositionSeries.of(scraper.scrape(timeout: .seconds(300), selection: .only(["constant", "constant-global"])))
        #expect(some["test_constant{netns=\"a\"}"] == "7")
        #expect(some["test_global_constant"] == "3")
        #expect(some["\(Self.inode){netns=\"a\"}"] == nil, "scripted was not selected")
        #expect(some[success("scripted", "a")] == nil)
        #expect(some[success("constant", "a")] == "1")
        #expect(some["\(Self.up){netns=\"a\"}"] == "1")
        #expect(some.keys.contains { $0.hasPrefix(buildInfo) })

        let none = await ExpositionSeries.of(scraper.scrape(timeout: .seconds(300), selection: .only([])))
        #expect(none["\(Self.up){netns=\"a\"}"] == "1")
        #expect(none.keys.contains { $0.hasPrefix(buildInfo) })
        #expect(!none.keys.contains { $0.hasPrefix("test_") || $0.hasPrefix(Self.success) }, "\(none.keys.sorted())")
        script.release()
        try await pool.shutdownGracefully()
    }

    @Test func aNamespaceThatMissesTheDeadlineFailsAloneAndTheOthersAreKept() async throws {
        let fixture = Fixture(paths: ["/netns/fast", "/netns/slow"])
        // Blocked past the deadline: had the scrape waited for it, its sample would be there. The
        // deadline is long so that the fast namespace is read in time even on a starved machine.
        fixture.script.block("slow", atMost: .seconds(180))
        let series = await fixture.scrape(timeout: .seconds(60))
        try await fixture.end()

        #expect(series["\(Self.inode){netns=\"fast\"}"] == "\(fixture.namespaces.inode(of: "/netns/fast")!)")
        #expect(series["\(Self.success){collector=\"scripted\",netns=\"fast\"}"] == "1")
        #expect(series["\(Self.inode){netns=\"slow\"}"] == nil)
        #expect(series["\(Self.success){collector=\"scripted\",netns=\"slow\"}"] == "0")
        #expect(series["\(Self.up){netns=\"slow\"}"] == "1", "the namespace is there; its collector was slow")
        let late = fixture.log.lines("collector did not finish before the scrape deadline")
        #expect(late.map { $0.metadata["netns"] } == ["slow"])
        #expect(late.allSatisfy { $0.level == .error })
    }

    @Test func aFailingCollectorKeepsWhatItReadAndIsLoggedOncePerReason() async throws {
        let fixture = Fixture(paths: ["/netns/a"])
        let inode = fixture.namespaces.inode(of: "/netns/a")!
        let successKey = "\(Self.success){collector=\"scripted\",netns=\"a\"}"
        fixture.script.fail("a", "table unreadable")

        var series = await fixture.scrape()
        #expect(series["\(Self.inode){netns=\"a\"}"] == "\(inode)", "what it recorded before it threw is kept")
        #expect(series[successKey] == "0")
        series = await fixture.scrape()
        #expect(series[successKey] == "0")
        #expect(fixture.log.lines("collector failed").map { $0.metadata["error"] } == ["table unreadable"],
                "an error once for a failure that repeats")
        #expect(fixture.log.lines("collector still failing").map(\.level) == [.debug])

        fixture.script.fail("a", "another reason")
        _ = await fixture.scrape()
        #expect(fixture.log.lines("collector failed").map { $0.metadata["error"] } == ["table unreadable", "another reason"])

        fixture.script.fail("a", nil)
        series = await fixture.scrape()
        #expect(series[successKey] == "1")
        #expect(fixture.log.lines("collector recovered").count == 1)
        _ = await fixture.scrape()
        #expect(fixture.log.lines("collector recovered").count == 1)
        try await fixture.end()
    }

    @Test func aNamespaceReplacedBetweenScrapesIsReopened() async throws {
        let fixture = Fixture(paths: ["/netns/lb_x"])
        let first = fixture.namespaces.inode(of: "/netns/lb_x")!
        #expect(await fixture.scrape()["\(Self.inode){netns=\"lb_x\"}"] == "\(first)")
        #expect(await fixture.scrape()["\(Self.inode){netns=\"lb_x\"}"] == "\(first)")
        #expect(fixture.namespaces.entries(of: "/netns/lb_x") == 1, "the same inode keeps its readers")

        let second = fixture.namespaces.replace("/netns/lb_x")
        let series = await fixture.scrape()
        #expect(series["\(Self.inode){netns=\"lb_x\"}"] == "\(second)", "read in the new namespace")
        #expect(series["\(Self.up){netns=\"lb_x\"}"] == "1")
        #expect(fixture.namespaces.entries(of: "/netns/lb_x") == 2)
        #expect(fixture.script.readersAlive == 1, "the old namespace's reader is closed")
        let changed = fixture.log.lines("namespace changed at path; re-opening")
        #expect(changed.map { $0.metadata["old"] } == ["inode \(first)"])
        #expect(changed.map { $0.metadata["new"] } == ["inode \(second)"])
        try await fixture.end()
    }

    @Test func aNamespaceThatVanishesIsDownItsReadersClosedAndItIsLoggedOnce() async throws {
        let fixture = Fixture(paths: ["/netns/gone", "/netns/stays"])
        _ = await fixture.scrape()
        #expect(fixture.script.readersAlive == 2)

        fixture.namespaces.vanish("/netns/gone")
        var series = await fixture.scrape()
        #expect(series["\(Self.up){netns=\"gone\"}"] == "0")
        #expect(series["\(Self.inode){netns=\"gone\"}"] == nil)
        #expect(series["\(Self.success){collector=\"scripted\",netns=\"gone\"}"] == nil, "no collector ran there")
        #expect(series["\(Self.up){netns=\"stays\"}"] == "1")
        #expect(fixture.script.readersAlive == 1, "the vanished namespace's reader is closed")
        series = await fixture.scrape()
        #expect(series["\(Self.up){netns=\"gone\"}"] == "0")
        #expect(fixture.log.lines("namespace vanished; readers closed").count == 1)
        let down = fixture.log.lines("namespace is down")
        #expect(down.map { $0.metadata["reason"] } == ["stat: No such file or directory (ENOENT)"], "once per reason")

        let back = fixture.namespaces.create("/netns/gone")
        series = await fixture.scrape()
        #expect(series["\(Self.up){netns=\"gone\"}"] == "1")
        #expect(series["\(Self.inode){netns=\"gone\"}"] == "\(back)")
        #expect(fixture.namespaces.entries(of: "/netns/gone") == 2)
        try await fixture.end()
    }
}

@Suite struct ScrapeDeadlineTests {
    @Test func anOperationPastTheDeadlineIsNotWaitedFor() async {
        let deadline = ScrapeDeadline(.now + .milliseconds(100))
        defer { deadline.cancel() }
        let script = CollectorScript()
        // Held until the test releases it (or a minute, when `first` waits for it and gets 1).
        script.block("operation")
        let result = await deadline.first { () async -> Int in
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    script.wait("operation")
                    continuation.resume()
                }
            }
            return 1
        }
        script.release()
        #expect(result == nil)
    }

    @Test func anOperationWithinTheDeadlineGivesItsResult() async {
        let deadline = ScrapeDeadline(.now + .seconds(300))
        defer { deadline.cancel() }
        #expect(await deadline.first { 42 } == 42)
    }

    @Test func afterTheDeadlineNothingNewStarts() async throws {
        let deadline = ScrapeDeadline(.now + .milliseconds(20))
        defer { deadline.cancel() }
        // Until the timer has fired (its event loop may be slow to get the CPU), an instant
        // operation still gives its value.
        let started = ContinuousClock.now
        while await deadline.first({ 0 }) != nil, ContinuousClock.now - started < .seconds(60) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let ran = NIOLockedValueBox(false)
        let result = await deadline.first { () async -> Int in
            ran.withLockedValue { $0 = true }
            return 1
        }
        #expect(result == nil)
        #expect(!ran.withLockedValue { $0 })
    }
}
