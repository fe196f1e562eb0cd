import Logging
#if canImport(Glibc)
import Glibc
#endif

/// One collector's reader in one namespace. One collection runs at a time; a scrape that finds a
/// collection in flight (an HA pair of Prometheus servers scraping at the same moment) waits for
/// it and shares its outcome instead of reading the same kernel tables a second time, or failing.
final class ReaderSlot: @unchecked Sendable {
    let collectorName: String
    let openError: String?
    // `reader` is only used by the caller that started the collection in flight (see `State`).
    private let reader: (any NamespaceReader)?
    private let monitor = Monitor()
    /// Guarded by `monitor`.
    private var state = State()

    private struct State {
        /// Collections started so far; the one in flight, if any, is number `started`.
        var started = 0
        var inFlight = false
        /// The outcome of collection number `finished` (the last one that ended).
        var finished = 0
        /// Scrapes waiting for the collection in flight.
        var waiting = 0
        /// The outcome of collection number `finished`, kept only while scrapes wait for it: held
        /// between scrapes it would double the memory of every namespace's samples.
        var outcome: CollectionOutcome?
    }

    init(collectorName: String, reader: any NamespaceReader) {
        self.collectorName = collectorName
        self.reader = reader
        self.openError = nil
    }

    init(collectorName: String, openError: String) {
        self.collectorName = collectorName
        self.reader = nil
        self.openError = openError
    }

    var isOpen: Bool { openError == nil }

    /// Scrapes waiting for the collection in flight now.
    var waiters: Int {
        monitor.lock()
        defer { monitor.unlock() }
        return state.waiting
    }

    /// Collects into a fresh sink, or, when a collection is already in flight, waits until
    /// `deadline` for it and returns its outcome. Blocking: call it from a thread that may block.
    /// A reader that throws keeps what it recorded before (`outcome.sink`) and fails the collector.
    func collect(logger: Logger, deadline: ContinuousClock.Instant) -> CollectionOutcome {
        guard let reader else { return CollectionOutcome(sink: MetricSink(), failure: CollectionFailure(openError ?? "not opened")) }
        monitor.lock()
        if state.inFlight {
            let awaited = state.started
            state.waiting += 1
            while state.finished < awaited {
                guard monitor.wait(until: deadline) else { break }
            }
            let shared = state.finished >= awaited ? state.outcome : nil
            state.waiting -= 1
            if state.waiting == 0 { state.outcome = nil }
            monitor.unlock()
            return shared ?? CollectionOutcome(
                sink: MetricSink(),
                failure: CollectionFailure("the collection in flight for another scrape did not finish before this scrape's deadline"))
        }
        state.started += 1
        state.inFlight = true
        let number = state.started
        monitor.unlock()

        var sink = MetricSink()
        let outcome: CollectionOutcome
        do {
            try reader.collect(into: &sink, logger: logger)
            outcome = CollectionOutcome(sink: sink, failure: nil)
        } catch {
            outcome = CollectionOutcome(sink: sink, failure: CollectionFailure("\(error)"))
        }

        monitor.lock()
        state.inFlight = false
        state.finished = number
        state.outcome = state.waiting > 0 ? outcome : nil
        monitor.broadcast()
        monitor.unlock()
        return outcome
    }
}

/// What one collector gave for one namespace: its series, and why it failed if it did.
struct CollectionOutcome: Sendable {
    let sink: MetricSink
    let failure: CollectionFailure?
}

/// Why one collector gave nothing for one namespace in one scrape.
public struct CollectionFailure: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
