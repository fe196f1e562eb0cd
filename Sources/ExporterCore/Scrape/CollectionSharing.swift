import NIOConcurrencyHelpers

/// Scrapes that arrive while another one is collecting wait for that collection and share its
/// result, instead of reading every namespace a second time: the two servers of an HA Prometheus
/// pair scrape each target at nearly the same moment, and a burst of scrapes must cost one
/// collection, and one copy of its samples in memory, not one each.
///
/// A scrape joins only a collection that ends no later than its own deadline, so a joiner can
/// never be answered late; one with a tighter deadline collects for itself (and still shares the
/// readers' work in flight: see `ReaderSlot`).
public final class CollectionSharing<Value: Sendable>: Sendable {
    private struct InFlight {
        let number: UInt64
        let deadline: ContinuousClock.Instant
        let task: Task<Value, Never>
    }

    private struct State {
        var started: UInt64 = 0
        var inFlight: InFlight?
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// The value of the collection in flight when it ends by `deadline`, or of a new one started
    /// with `collect` (which must itself end by `deadline`). `shared` says which.
    public func value(deadline: ContinuousClock.Instant, collect: @escaping @Sendable () async -> Value) async -> (value: Value, shared: Bool) {
        // The task to await, and its number when this scrape started it (nil: it joins).
        let (task, led) = state.withLockedValue { state -> (Task<Value, Never>, UInt64?) in
            if let current = state.inFlight, current.deadline <= deadline { return (current.task, nil) }
            state.started += 1
            let task = Task { await collect() }
            // A later deadline than the one in flight: this collection becomes the one to join.
            state.inFlight = InFlight(number: state.started, deadline: deadline, task: task)
            return (task, state.started)
        }
        let value = await task.value
        guard let led else { return (value, true) }
        state.withLockedValue { state in
            if state.inFlight?.number == led { state.inFlight = nil }
        }
        return (value, false)
    }
}
