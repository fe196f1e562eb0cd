import NIOConcurrencyHelpers

/// Runs `operation` and returns its result, or nil once `deadline` passes, whichever comes first.
///
/// Unlike a task group this does not wait for the operation when the deadline wins: blocking work
/// (a netlink read) cannot be cancelled, and a scrape must answer on time all the same. The
/// operation runs on to its end and its late result is dropped.
func firstBeforeDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant,
    _ operation: @escaping @Sendable () async -> T
) async -> T? {
    await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
        let resumed = NIOLockedValueBox(false)
        @Sendable func finish(_ value: T?) -> Bool {
            let first = resumed.withLockedValue { done in
                defer { done = true }
                return !done
            }
            if first { continuation.resume(returning: value) }
            return first
        }
        let timer = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            if !Task.isCancelled { _ = finish(nil) }
        }
        Task {
            let value = await operation()
            if finish(value) { timer.cancel() }
        }
    }
}
