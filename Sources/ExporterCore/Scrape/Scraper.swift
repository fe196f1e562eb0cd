public import Logging
public import NIOPosix
import LinuxSystem
import NIOConcurrencyHelpers

/// One scrape: every selected namespace through every namespace collector, every global
/// collector, and the exporter's own metrics. Failures stay local: a missing namespace is
/// `netns_up 0`, a failing collector is `scrape_collector_success 0` and a log line, and every
/// other series still comes.
public final class Scraper: Sendable {
    private let selector: NamespaceSelector
    private let tracker: NamespaceTracker
    private let globalCollectors: [any GlobalCollector]
    /// Every enabled collector's name, sorted (inactive global ones included: they are enabled).
    public let collectorNames: [String]
    private let buildInfo: BuildInfo
    private let logger: Logger
    private let threadPool: NIOThreadPool
    private let metricSources: [any ExporterMetricSource]
    /// The last failure logged per collector and namespace: a failure that repeats every scrape
    /// is logged as an error once, then at debug level until it changes.
    private let loggedFailures = ReasonLog()
    /// The last failure logged per unreadable glob.
    private let loggedGlobs = ReasonLog()

    /// - Parameters:
    ///   - threadPool: where blocking reads run (never a thread that enters a namespace).
    ///   - metricSources: families about the exporter kept outside the core.
    ///   - namespaces: how namespace paths are identified and entered (the kernel's, but in tests).
    public init(
        selector: NamespaceSelector,
        namespaceCollectors: [any NamespaceCollector],
        globalCollectors: [any GlobalCollector],
        buildInfo: BuildInfo,
        logger: Logger,
        threadPool: NIOThreadPool,
        metricSources: [any ExporterMetricSource] = [],
        namespaces: any NamespaceAccess = KernelNamespaces()
    ) {
        self.metricSources = metricSources
        self.selector = selector
        self.tracker = NamespaceTracker(collectors: namespaceCollectors, namespaces: namespaces)
        self.globalCollectors = globalCollectors.filter(\.isActive)
        self.collectorNames = (namespaceCollectors.map { type(of: $0).name } + globalCollectors.map { type(of: $0).name }).sorted()
        self.buildInfo = buildInfo
        self.logger = logger
        self.threadPool = threadPool
    }

    /// Collects everything `selection` asks for, answering within `timeout` whatever the
    /// collectors do. Namespaces are refreshed and reported (`netns_up`) whatever the selection.
    public func scrape(timeout: Duration, selection: ScrapeSelection = .all) async -> MetricSink {
        let deadline = ScrapeDeadline(ContinuousClock.now + timeout)
        defer { deadline.cancel() }
        var sink = MetricSink()
        sink.add(ExporterMetrics.buildInfo, [buildInfo.version, buildInfo.revision, buildInfo.swiftVersion], UInt64(1))
        sink.declare(ExporterMetrics.netnsUp)
        sink.declare(ExporterMetrics.collectorSuccess)
        sink.declare(ExporterMetrics.collectorDuration)
        for source in metricSources { source.record(into: &sink) }
        if let open = FileDescriptors.openCount { sink.add(ExporterMetrics.openDescriptors, [], UInt64(open)) }
        if let limit = FileDescriptors.limit { sink.add(ExporterMetrics.maxDescriptors, [], UInt64(limit)) }
        if let stat = ProcessStat.current {
            sink.add(ExporterMetrics.cpuSeconds, [], stat.cpuSeconds)
            sink.add(ExporterMetrics.residentMemory, [], stat.residentBytes)
            sink.add(ExporterMetrics.virtualMemory, [], stat.virtualBytes)
            if let bootTime = BootTime.current { sink.add(ExporterMetrics.startTime, [], stat.startTimeSeconds(bootTime: bootTime)) }
        }

        let namespaces = selector.select()
        reportUnreadableGlobs(namespaces)
        // In label order, so a namespace's place in it is its rank when the families are sorted.
        let states = await tracker.refresh(namespaces.targets, logger: logger).sorted { $0.target.label < $1.target.label }
        await withTaskGroup(of: Harvest.self) { group in
            for (rank, state) in states.enumerated() {
                group.addTask {
                    var harvest = await self.collect(state, selection: selection, deadline: deadline)
                    harvest.rank = rank
                    return harvest
                }
            }
            for global in globalCollectors where selection.includes(type(of: global).name) {
                group.addTask { Harvest(status: await self.collect(global, deadline: deadline)) }
            }
            for await harvest in group {
                sink.merge(harvest.status)
                for collected in harvest.collected {
                    sink.merge(collected, prefixLabels: ["netns"], values: harvest.netns, rank: harvest.rank)
                }
            }
        }
        return sink
    }

    /// What one namespace (or global collector) produced. The namespace collectors' sinks are
    /// merged under the `netns` label once, straight into the scrape's sink: merging them into a
    /// sink of the namespace first would build every family's labelled descriptor again for each
    /// namespace and copy every run twice (a sixth of a 1,000-namespace scrape's CPU).
    private struct Harvest: Sendable {
        var status: MetricSink
        var netns: [String] = []
        var rank = -1
        var collected: [MetricSink] = []
    }

    private func collect(_ state: NamespaceState, selection: ScrapeSelection, deadline: ScrapeDeadline) async -> Harvest {
        var sink = MetricSink()
        var harvest = Harvest(status: MetricSink())
        switch state {
        case .down(let target, _):
            sink.add(ExporterMetrics.netnsUp, [target.label], UInt64(0))
        case .up(let target, let allSlots):
            let slots = allSlots.filter { selection.includes($0.collectorName) }
            harvest.netns = [target.label]
            harvest.collected.reserveCapacity(slots.count)
            sink.add(ExporterMetrics.netnsUp, [target.label], UInt64(1))
            let started = ContinuousClock.now
            let pool = threadPool
            let logger = self.logger
            let instant = deadline.instant
            let outcomes = await deadline.first {
                try? await pool.runIfActive {
                    slots.map { slot -> (CollectionOutcome, Duration) in
                        let start = ContinuousClock.now
                        // Work that only got a thread after the deadline would hold the reader for
                        // nothing and make the next scrape fail too.
                        guard start < instant else {
                            return (CollectionOutcome(sink: MetricSink(), failure: CollectionFailure("the scrape deadline passed before it could start")), .zero)
                        }
                        let result = slot.collect(logger: logger, deadline: instant)
                        return (result, ContinuousClock.now - start)
                    }
                }
            }
            for (index, slot) in slots.enumerated() {
                let labels = [slot.collectorName, target.label]
                let outcome = outcomes.flatMap { $0?[index] }
                switch outcome {
                case let (result, duration)?:
                    // What a failing collector read before it failed is kept: one unreadable value
                    // must not hide the others.
                    harvest.collected.append(result.sink)
                    noteFailure(result.failure, collector: slot.collectorName, netns: target.label)
                    sink.add(ExporterMetrics.collectorSuccess, labels, UInt64(result.failure == nil ? 1 : 0))
                    sink.add(ExporterMetrics.collectorDuration, labels, duration.seconds)
                case nil:
                    logger.error("collector did not finish before the scrape deadline", metadata: ["collector": "\(slot.collectorName)", "netns": "\(target.label)"])
                    sink.add(ExporterMetrics.collectorSuccess, labels, UInt64(0))
                    sink.add(ExporterMetrics.collectorDuration, labels, (ContinuousClock.now - started).seconds)
                }
            }
        }
        harvest.status = sink
        return harvest
    }

    private func collect(_ collector: any GlobalCollector, deadline: ScrapeDeadline) async -> MetricSink {
        let name = type(of: collector).name
        let started = ContinuousClock.now
        let result: Result<MetricSink, any Error>? = await deadline.first {
            do {
                var partial = MetricSink()
                try await collector.collect(into: &partial)
                return .success(partial)
            } catch {
                return .failure(error)
            }
        }
        var sink = MetricSink()
        let labels = [name, ""]
        switch result {
        case .success(let partial)?:
            sink.merge(partial)
            sink.add(ExporterMetrics.collectorSuccess, labels, UInt64(1))
        case .failure(let error)?:
            logger.error("collector failed", metadata: ["collector": "\(name)", "error": "\(error)"])
            sink.add(ExporterMetrics.collectorSuccess, labels, UInt64(0))
        case nil:
            logger.error("collector did not finish before the scrape deadline", metadata: ["collector": "\(name)"])
            sink.add(ExporterMetrics.collectorSuccess, labels, UInt64(0))
        }
        sink.add(ExporterMetrics.collectorDuration, labels, (ContinuousClock.now - started).seconds)
        return sink
    }
}

extension Scraper {
    fileprivate func reportUnreadableGlobs(_ selection: NamespaceSelector.Selection) {
        let failed = Dictionary(selection.unreadable.map { ($0.pattern, $0.error.description) }) { first, _ in first }
        for pattern in selector.patterns where NamespaceSelector.isGlob(pattern) {
            let reason = failed[pattern]
            guard loggedGlobs.record(reason, for: pattern) else { continue }
            if let reason {
                logger.error("cannot expand a --namespace-path glob; keeping the namespaces it matched last", metadata: ["pattern": "\(pattern)", "error": "\(reason)"])
            } else {
                logger.info("--namespace-path glob readable again", metadata: ["pattern": "\(pattern)"])
            }
        }
    }

    fileprivate func noteFailure(_ failure: CollectionFailure?, collector: String, netns: String) {
        let message = failure?.description
        let changed = loggedFailures.record(message, for: "\(collector)\u{0}\(netns)")
        guard let message else {
            if changed { logger.info("collector recovered", metadata: ["collector": "\(collector)", "netns": "\(netns)"]) }
            return
        }
        if changed {
            logger.error("collector failed", metadata: ["collector": "\(collector)", "netns": "\(netns)", "error": "\(message)"])
        } else {
            logger.debug("collector still failing", metadata: ["collector": "\(collector)", "netns": "\(netns)", "error": "\(message)"])
        }
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
