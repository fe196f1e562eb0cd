public import Logging
public import NIOPosix

/// One scrape: every selected namespace through every namespace collector, every global
/// collector, and the exporter's own metrics. Failures stay local: a missing namespace is
/// `netns_up 0`, a failing collector is `scrape_collector_success 0` and a log line, and every
/// other series still comes.
public final class Scraper: Sendable {
    private let selector: NamespaceSelector
    private let tracker: NamespaceTracker
    private let namespaceCollectorNames: [String]
    private let globalCollectors: [any GlobalCollector]
    private let buildInfo: BuildInfo
    private let logger: Logger
    private let threadPool: NIOThreadPool
    private let swarm: (any SwarmDirectory)?

    /// - Parameters:
    ///   - threadPool: where blocking reads run (never a thread that enters a namespace).
    public init(
        selector: NamespaceSelector,
        namespaceCollectors: [any NamespaceCollector],
        globalCollectors: [any GlobalCollector],
        buildInfo: BuildInfo,
        logger: Logger,
        threadPool: NIOThreadPool,
        swarm: (any SwarmDirectory)? = nil
    ) {
        self.swarm = swarm
        self.selector = selector
        self.tracker = NamespaceTracker(collectors: namespaceCollectors)
        self.namespaceCollectorNames = namespaceCollectors.map { type(of: $0).name }
        self.globalCollectors = globalCollectors
        self.buildInfo = buildInfo
        self.logger = logger
        self.threadPool = threadPool
    }

    /// Collects everything, answering within `timeout` whatever the collectors do.
    public func scrape(timeout: Duration) async -> MetricSink {
        let deadline = ContinuousClock.now + timeout
        var sink = MetricSink()
        sink.add(ExporterMetrics.buildInfo, [buildInfo.version, buildInfo.revision, buildInfo.swiftVersion], UInt64(1))
        sink.declare(ExporterMetrics.netnsUp)
        sink.declare(ExporterMetrics.collectorSuccess)
        sink.declare(ExporterMetrics.collectorDuration)
        if let swarm { sink.add(ExporterMetrics.dockerAPIErrors, [], swarm.apiErrors) }

        let states = await tracker.refresh(selector.targets(), logger: logger)
        await withTaskGroup(of: MetricSink.self) { group in
            for state in states {
                group.addTask { await self.collect(state, deadline: deadline) }
            }
            for global in globalCollectors {
                group.addTask { await self.collect(global, deadline: deadline) }
            }
            for await partial in group { sink.merge(partial) }
        }
        return sink
    }

    private func collect(_ state: NamespaceState, deadline: ContinuousClock.Instant) async -> MetricSink {
        var sink = MetricSink()
        switch state {
        case .down(let target, _):
            sink.add(ExporterMetrics.netnsUp, [target.label], UInt64(0))
        case .up(let target, let slots):
            sink.add(ExporterMetrics.netnsUp, [target.label], UInt64(1))
            let started = ContinuousClock.now
            let pool = threadPool
            let logger = self.logger
            let outcomes = await firstBeforeDeadline(deadline) {
                try? await pool.runIfActive {
                    slots.map { slot -> (Result<MetricSink, CollectionFailure>, Duration) in
                        let start = ContinuousClock.now
                        let result = slot.collect(logger: logger)
                        return (result, ContinuousClock.now - start)
                    }
                }
            }
            for (index, slot) in slots.enumerated() {
                let labels = [slot.collectorName, target.label]
                let outcome = outcomes.flatMap { $0?[index] }
                switch outcome {
                case (.success(let families), let duration)?:
                    sink.merge(families, prefixLabels: ["netns"], values: [target.label])
                    sink.add(ExporterMetrics.collectorSuccess, labels, UInt64(1))
                    sink.add(ExporterMetrics.collectorDuration, labels, duration.seconds)
                case (.failure(let failure), let duration)?:
                    logger.error("collector failed", metadata: ["collector": "\(slot.collectorName)", "netns": "\(target.label)", "error": "\(failure)"])
                    sink.add(ExporterMetrics.collectorSuccess, labels, UInt64(0))
                    sink.add(ExporterMetrics.collectorDuration, labels, duration.seconds)
                case nil:
                    logger.error("collector did not finish before the scrape deadline", metadata: ["collector": "\(slot.collectorName)", "netns": "\(target.label)"])
                    sink.add(ExporterMetrics.collectorSuccess, labels, UInt64(0))
                    sink.add(ExporterMetrics.collectorDuration, labels, (ContinuousClock.now - started).seconds)
                }
            }
        }
        return sink
    }

    private func collect(_ collector: any GlobalCollector, deadline: ContinuousClock.Instant) async -> MetricSink {
        let name = type(of: collector).name
        let started = ContinuousClock.now
        let result: Result<MetricSink, any Error>? = await firstBeforeDeadline(deadline) {
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

extension Duration {
    /// The duration in seconds as a Double.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
