import NIOConcurrencyHelpers

/// Scrapes that arrive while another one is collecting wait for that collection and share its
/// result, instead of reading every namespace a second time: the two servers of an HA Prometheus
/// pair scrape each target at nearly the same moment, and a burst of scrapes must cost one
/// collection, and one copy of its samples in memory, not one each.
///
/// A scrape joins only a collection of the same key (the same collectors: a scrape filtered with
/// `collect[]` must not be answered with another selection's families) that ends no later than its
/// own deadline, so a joiner can never be answered late; one with a tighter deadline collects for
/// itself (and still shares the readers' work in flight: see `ReaderSlot`).
///
/// An answer holds its result until it is sent (`Hold`), and a client that stops reading keeps it
/// held until `--web.write-timeout` cuts it. So that such clients cannot make every scrape pin a
/// result of its own (40 of them, one every 0.25 s, held 230 MB at 400 namespaces), at most
/// `maximumHeld` finished results are held at once: past that, a scrape that cannot join a
/// collection in flight is answered from the newest held result of its key (at most the write
/// timeout old) instead of collecting anew. A key with no result held still collects, so each key
/// in use can add one held result beyond the limit: one for every distinct `collect[]` selection
/// being answered at that moment, each no larger than an unfiltered one, and never more than the
/// admission limit (`--web.max-requests`) answers in flight.
public final class CollectionSharing<Key: Hashable & Sendable, Value: Sendable>: Sendable {
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
        private let sharing: CollectionSharing<Key, Value>
        private let key: Key
        private let number: UInt64
        private let released = NIOLockedValueBox(false)

        fileprivate init(_ sharing: CollectionSharing<Key, Value>, _ key: Key, _ number: UInt64) {
            self.sharing = sharing
            self.key = key
            self.number = number
        }

        public func release() {
            let first = released.withLockedValue { done in
                defer { done = true }
                return !done
            }
            if first { sharing.release(key, number) }
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
        /// The collection to join, per key.
        var inFlight: [Key: InFlight] = [:]
        /// Finished results (of every key) and how many answers hold each.
        var held: [UInt64: Int] = [:]
        /// The newest finished result of each key, kept only while an answer holds it.
        var newest: [Key: (number: UInt64, value: Value)] = [:]
    }

    public let maximumHeld: Int
    private let state = NIOLockedValueBox(State())

    public init(maximumHeld: Int = 2) {
        self.maximumHeld = maximumHeld
    }

    /// The value of `key`'s collection in flight when it ends by `deadline`, of a new one started
    /// with `collect` (which must itself end by `deadline`), or, while `maximumHeld` results are
    /// held, the newest of `key`'s held ones.
    public func value(of key: Key, deadline: ContinuousClock.Instant, collect: @escaping @Sendable () async -> Value)
        async -> (value: Value, source: Source, hold: Hold) {
        let step = state.withLockedValue { state -> Step in
            if let current = state.inFlight[key], current.deadline <= deadline { return .await(current.task, current.number, .joined) }
            if state.held.count >= maximumHeld, let newest = state.newest[key] {
                state.held[newest.number, default: 0] += 1
                return .reuse(newest.value, newest.number)
            }
            state.started += 1
            let task = Task { await collect() }
            // A later deadline than the one in flight: this collection becomes the one to join.
            state.inFlight[key] = InFlight(number: state.started, deadline: deadline, task: task)
            return .await(task, state.started, .collected)
        }
        switch step {
        case .reuse(let value, let number):
            return (value, .held, Hold(self, key, number))
        case .await(let task, let number, let source):
            let value = await task.value
            state.withLockedValue { state in
                if state.inFlight[key]?.number == number { state.inFlight[key] = nil }
                state.held[number, default: 0] += 1
                if number > state.newest[key]?.number ?? 0 { state.newest[key] = (number, value) }
            }
            return (value, source, Hold(self, key, number))
        }
    }

    /// Results held by answers in flight now.
    public var heldResults: Int { state.withLockedValue { $0.held.count } }

    private func release(_ key: Key, _ number: UInt64) {
        state.withLockedValue { state in
            guard let count = state.held[number] else { return }
            if count > 1 {
                state.held[number] = count - 1
                return
            }
            state.held[number] = nil
            if state.newest[key]?.number == number { state.newest[key] = nil }
        }
    }
}
