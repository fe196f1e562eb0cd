import NIOConcurrencyHelpers

/// Scrapes that arrive while another one is collecting wait for that collection and share its
/// result, instead of reading every namespace a second time: the two servers of an HA Prometheus
/// pair scrape each target at nearly the same moment, and a burst of scrapes must cost one
/// collection, and one copy of its samples in memory, not one each.
///
/// A scrape joins only a collection that ends no later than its own deadline, so a joiner can
/// never be answered late; one with a tighter deadline collects for itself (and still shares the
/// readers' work in flight: see `ReaderSlot`).
///
/// An answer holds its result until it is sent (`Hold`), and a client that stops reading keeps it
/// held until `--web.write-timeout` cuts it. So that such clients cannot make every scrape pin a
/// result of its own (40 of them, one every 0.25 s, held 230 MB at 400 namespaces), at most
/// `maximumHeld` finished results are held at once: past that, a scrape that cannot join a
/// collection in flight is answered from the newest held result (at most the write timeout
/// old) instead of collecting anew.
public final class CollectionSharing<Value: Sendable>: Sendable {
    /// Where a scrape's value came from.
    public enum Source: Sendable, Equatable {
        /// A collection this scrape started.
        case collected
        /// The collection in flight when it arrived.
        case joined
        /// The newest result still held by answers in flight (too many results were held).
        case held
    }

    /// Keeps a result counted as held until `release()` (or deinit): call it once the answer made
    /// from it is sent or abandoned.
    public final class Hold: Sendable {
        private let sharing: CollectionSharing<Value>
        private let number: UInt64
        private let released = NIOLockedValueBox(false)

        fileprivate init(_ sharing: CollectionSharing<Value>, _ number: UInt64) {
            self.sharing = sharing
            self.number = number
        }

        public func release() {
            let first = released.withLockedValue { done in
                defer { done = true }
                return !done
            }
            if first { sharing.release(number) }
        }

        deinit { release() }
    }

    private enum Step {
        case await(Task<Value, Never>, UInt64, Source)
        case reuse(Value, UInt64)
    }

    private struct InFlight {
        let number: UInt64
        let deadline: ContinuousClock.Instant
        let task: Task<Value, Never>
    }

    private struct State {
        var started: UInt64 = 0
        var inFlight: InFlight?
        /// Finished results and how many answers hold each.
        var held: [UInt64: Int] = [:]
        /// The newest finished result, kept only while an answer holds it.
        var newest: (number: UInt64, value: Value)?
    }

    public let maximumHeld: Int
    private let state = NIOLockedValueBox(State())

    public init(maximumHeld: Int = 2) {
        self.maximumHeld = maximumHeld
    }

    /// The value of the collection in flight when it ends by `deadline`, of a new one started
    /// with `collect` (which must itself end by `deadline`), or, while `maximumHeld` results are
    /// held, the newest of them.
    public func value(deadline: ContinuousClock.Instant, collect: @escaping @Sendable () async -> Value)
        async -> (value: Value, source: Source, hold: Hold) {
        let step = state.withLockedValue { state -> Step in
            if let current = state.inFlight, current.deadline <= deadline { return .await(current.task, current.number, .joined) }
            if state.held.count >= maximumHeld, let newest = state.newest {
                state.held[newest.number, default: 0] += 1
                return .reuse(newest.value, newest.number)
            }
            state.started += 1
            let task = Task { await collect() }
            // A later deadline than the one in flight: this collection becomes the one to join.
            state.inFlight = InFlight(number: state.started, deadline: deadline, task: task)
            return .await(task, state.started, .collected)
        }
        switch step {
        case .reuse(let value, let number):
            return (value, .held, Hold(self, number))
        case .await(let task, let number, let source):
            let value = await task.value
            state.withLockedValue { state in
                if state.inFlight?.number == number { state.inFlight = nil }
                state.held[number, default: 0] += 1
                if number > state.newest?.number ?? 0 { state.newest = (number, value) }
            }
            return (value, source, Hold(self, number))
        }
    }

    /// Results held by answers in flight now.
    public var heldResults: Int { state.withLockedValue { $0.held.count } }

    private func release(_ number: UInt64) {
        state.withLockedValue { state in
            guard let count = state.held[number] else { return }
            if count > 1 {
                state.held[number] = count - 1
                return
            }
            state.held[number] = nil
            if state.newest?.number == number { state.newest = nil }
        }
    }
}
