import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The deadline of one scrape, shared by everything the scrape waits for.
///
/// `first(_:)` runs an operation and returns its result, or nil once the deadline passes,
/// whichever comes first. Unlike a task group this does not wait for the operation when the
/// deadline wins: blocking work (a netlink read) cannot be cancelled, and a scrape must answer on
/// time all the same. The operation runs on to its end and its late result is dropped.
///
/// One timer serves the whole scrape, and it is an event-loop timer because cancelling one
/// removes it at once. A cancelled `Task.sleep` stays queued, with its task, until its deadline:
/// with back-to-back scrapes and a long timeout that keeps every scrape of the last timeout's
/// worth alive, and a timer per namespace would multiply that by the namespaces
/// (docs/benchmarks.md, "Figures behind design choices").
final class ScrapeDeadline: Sendable {
    let instant: ContinuousClock.Instant
    private let waiting = NIOLockedValueBox(Waiting())
    private let timer = NIOLockedValueBox<Scheduled<Void>?>(nil)

    private struct Waiting {
        var passed = false
        var next = 0
        var expire: [Int: @Sendable () -> Void] = [:]
    }

    init(_ instant: ContinuousClock.Instant, on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any()) {
        self.instant = instant
        let (seconds, attoseconds) = ContinuousClock.now.duration(to: instant).components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let nanoseconds = overflow ? Int64.max : scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
        let scheduled = eventLoop.scheduleTask(in: .nanoseconds(max(0, nanoseconds))) { [weak self] () -> Void in self?.pass() }
        timer.withLockedValue { $0 = scheduled }
    }

    /// Ends the timer (the scrape is over).
    func cancel() {
        timer.withLockedValue { $0?.cancel() }
    }

    func first<T: Sendable>(_ operation: @escaping @Sendable () async -> T) async -> T? {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            let resumed = NIOLockedValueBox(false)
            @Sendable func finish(_ value: T?) {
                let first = resumed.withLockedValue { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: value) }
            }
            let ticket = waiting.withLockedValue { waiting -> Int? in
                guard !waiting.passed else { return nil }
                waiting.next += 1
                waiting.expire[waiting.next] = { finish(nil) }
                return waiting.next
            }
            guard let ticket else {
                finish(nil)
                return
            }
            Task {
                let value = await operation()
                finish(value)
                _ = self.waiting.withLockedValue { $0.expire.removeValue(forKey: ticket) }
            }
        }
    }

    private func pass() {
        let expired = waiting.withLockedValue { waiting in
            waiting.passed = true
            defer { waiting.expire = [:] }
            return Array(waiting.expire.values)
        }
        for expire in expired { expire() }
    }
}
