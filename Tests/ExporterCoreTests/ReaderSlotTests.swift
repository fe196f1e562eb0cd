import Foundation
import Logging
import Testing
@testable import ExporterCore

/// A reader that counts its collections and, while `gate` is closed, blocks in them.
private final class GatedReader: NamespaceReader, @unchecked Sendable {
    let gate = NSCondition()
    var open = false
    var collections = 0
    var entered = DispatchSemaphore(value: 0)

    func collect(into sink: inout MetricSink, logger: Logger) throws {
        gate.lock()
        collections += 1
        let number = collections
        gate.unlock()
        entered.signal()
        gate.lock()
        while !open { gate.wait() }
        gate.unlock()
        sink.add(.gauge("gated_collection", "which collection"), [], UInt64(number))
    }

    func release() {
        gate.lock()
        open = true
        gate.broadcast()
        gate.unlock()
    }
}

@Suite struct ReaderSlotTests {
    static let logger = Logger(label: "test")

    static func value(_ outcome: CollectionOutcome) -> [Sample] {
        outcome.sink.sortedFamilies().first?.samples ?? []
    }

    @Test func aCollectionInFlightIsSharedWithTheScrapeThatArrivesDuringIt() throws {
        let reader = GatedReader()
        let slot = ReaderSlot(collectorName: "gated", reader: reader)
        let deadline = ContinuousClock.now + .seconds(20)
        let first = LockedBox<CollectionOutcome>()
        let second = LockedBox<CollectionOutcome>()
        let done = DispatchGroup()
        DispatchQueue.global().async(group: done) { first.set(slot.collect(logger: Self.logger, deadline: deadline)) }
        reader.entered.wait()
        DispatchQueue.global().async(group: done) { second.set(slot.collect(logger: Self.logger, deadline: deadline)) }
        let waitStarted = Date()
        while slot.waiters == 0 && Date().timeIntervalSince(waitStarted) < 20 { Thread.sleep(forTimeInterval: 0.01) }
        #expect(slot.waiters == 1, "the second scrape waits for the first")
        reader.release()
        done.wait()
        #expect(reader.collections == 1, "one read of the kernel for both scrapes")
        #expect(first.get()?.failure == nil && second.get()?.failure == nil)
        #expect(Self.value(first.get()!) == Self.value(second.get()!))

        // Once nobody waits, the next scrape reads anew.
        let third = slot.collect(logger: Self.logger, deadline: deadline)
        #expect(reader.collections == 2)
        #expect(third.failure == nil)
    }

    @Test func aJoinerGivesUpAtItsOwnDeadline() throws {
        let reader = GatedReader()
        let slot = ReaderSlot(collectorName: "gated", reader: reader)
        let done = DispatchGroup()
        DispatchQueue.global().async(group: done) { _ = slot.collect(logger: Self.logger, deadline: .now + .seconds(20)) }
        reader.entered.wait()
        let started = ContinuousClock.now
        let late = slot.collect(logger: Self.logger, deadline: .now + .milliseconds(300))
        let waited = ContinuousClock.now - started
        #expect(late.failure?.description.contains("did not finish before this scrape's deadline") == true)
        #expect(waited >= .milliseconds(250) && waited < .seconds(5), "waited \(waited)")
        reader.release()
        done.wait()
        #expect(reader.collections == 1)
    }
}

/// A value set on one thread and read on another.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?
    func set(_ new: T) { lock.lock(); value = new; lock.unlock() }
    func get() -> T? { lock.lock(); defer { lock.unlock() }; return value }
}
