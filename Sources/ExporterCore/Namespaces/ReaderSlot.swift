import Logging
import NIOConcurrencyHelpers

/// One collector's reader in one namespace, used by one scrape at a time.
///
/// A collection that is still running when the next scrape comes (a hung socket) makes that
/// scrape report the collector as failed at once instead of queueing behind it.
final class ReaderSlot: @unchecked Sendable {
    let collectorName: String
    private let lock = NIOLock()
    // `reader` is only used by the thread that set `busy` (guarded by `lock`).
    private let reader: (any NamespaceReader)?
    private var busy = false
    let openError: String?

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

    /// Collects into a fresh sink. Blocking: call it from a thread that may block.
    /// A reader that throws keeps what it recorded before (`outcome.sink`) and fails the collector.
    func collect(logger: Logger) -> CollectionOutcome {
        if let openError { return CollectionOutcome(sink: MetricSink(), failure: CollectionFailure(openError)) }
        let claimed: (any NamespaceReader)? = lock.withLock {
            guard !busy else { return nil }
            busy = true
            return reader
        }
        guard let claimed else {
            return CollectionOutcome(sink: MetricSink(), failure: CollectionFailure("the previous collection has not finished yet"))
        }
        defer { lock.withLock { busy = false } }
        var sink = MetricSink()
        do {
            try claimed.collect(into: &sink, logger: logger)
            return CollectionOutcome(sink: sink, failure: nil)
        } catch {
            return CollectionOutcome(sink: sink, failure: CollectionFailure("\(error)"))
        }
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
