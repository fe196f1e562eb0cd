import Testing
@testable import ExporterCore

@Suite struct CollectionSharingTests {
    actor Counter {
        var count = 0
        func next() -> Int {
            count += 1
            return count
        }
    }

    @Test func aScrapeDuringACollectionWithAnEarlierDeadlineJoinsIt() async {
        let sharing = CollectionSharing<String, Int>()
        let counter = Counter()
        let now = ContinuousClock.now
        async let first = sharing.value(of: "all", deadline: now + .seconds(5)) {
            try? await Task.sleep(for: .milliseconds(300))
            return await counter.next()
        }
        try? await Task.sleep(for: .milliseconds(50))
        let second = await sharing.value(of: "all", deadline: now + .seconds(6)) { await counter.next() }
        let leader = await first
        #expect(leader.value == 1 && leader.source == .collected)
        #expect(second.value == 1 && second.source == .joined, "joined the collection in flight")
        #expect(await counter.count == 1)
    }

    @Test func aScrapeWithATighterDeadlineCollectsForItself() async {
        let sharing = CollectionSharing<String, Int>()
        let counter = Counter()
        let now = ContinuousClock.now
        async let first = sharing.value(of: "all", deadline: now + .seconds(10)) {
            try? await Task.sleep(for: .milliseconds(300))
            return await counter.next()
        }
        try? await Task.sleep(for: .milliseconds(50))
        let second = await sharing.value(of: "all", deadline: now + .seconds(2)) { await counter.next() }
        _ = await first
        #expect(second.source == .collected, "the collection in flight may end after this scrape's deadline")
        #expect(await counter.count == 2)
    }

    @Test func scrapesOneAfterAnotherEachCollect() async {
        let sharing = CollectionSharing<String, Int>()
        let counter = Counter()
        let first = await sharing.value(of: "all", deadline: .now + .seconds(5)) { await counter.next() }
        let second = await sharing.value(of: "all", deadline: .now + .seconds(5)) { await counter.next() }
        #expect(first.value == 1 && second.value == 2)
        #expect(first.source == .collected && second.source == .collected)
        #expect(sharing.heldResults == 2, "both answers still hold their results")
        first.hold.release()
        second.hold.release()
        #expect(sharing.heldResults == 0)
    }

    @Test func pastTheHeldLimitTheNewestHeldResultIsServed() async {
        let sharing = CollectionSharing<String, Int>(maximumHeld: 2)
        let counter = Counter()
        // Two answers that are never sent (stalled clients) hold results 1 and 2.
        let stalled = [await sharing.value(of: "all", deadline: .now + .seconds(5)) { await counter.next() },
                       await sharing.value(of: "all", deadline: .now + .seconds(5)) { await counter.next() }]
        let third = await sharing.value(of: "all", deadline: .now + .seconds(5)) { await counter.next() }
        #expect(third.value == 2 && third.source == .held, "the newest held result, no third collection")
        #expect(await counter.count == 2)
        #expect(sharing.heldResults == 2)

        // Once the stalled answers are cut, scrapes collect again.
        for answer in stalled { answer.hold.release() }
        third.hold.release()
        let fourth = await sharing.value(of: "all", deadline: .now + .seconds(5)) { await counter.next() }
        #expect(fourth.value == 3 && fourth.source == .collected)
        // Releasing twice changes nothing.
        fourth.hold.release()
        fourth.hold.release()
        #expect(sharing.heldResults == 0)
    }

    /// A scrape of other collectors (`collect[]`) must not be answered with this collection's
    /// families: it collects for itself, even while a collection of another key is in flight.
    @Test func scrapesOfOtherCollectorsNeverJoin() async {
        let sharing = CollectionSharing<String, Int>()
        let counter = Counter()
        let now = ContinuousClock.now
        async let first = sharing.value(of: "all", deadline: now + .seconds(5)) {
            try? await Task.sleep(for: .milliseconds(300))
            return await counter.next()
        }
        try? await Task.sleep(for: .milliseconds(50))
        async let filtered = sharing.value(of: "ipvs", deadline: now + .seconds(6)) {
            try? await Task.sleep(for: .milliseconds(300))
            return await counter.next()
        }
        try? await Task.sleep(for: .milliseconds(50))
        let twin = await sharing.value(of: "ipvs", deadline: now + .seconds(7)) { await counter.next() }
        let (leader, own) = await (first, filtered)
        #expect(leader.source == .collected)
        #expect(own.source == .collected && own.value != leader.value, "its own collection, not the one in flight")
        #expect(twin.source == .joined && twin.value == own.value, "a scrape of the same collectors joins")
        #expect(await counter.count == 2)
    }

    /// Past the held limit only a result of the same key is served again; a key with none held
    /// collects (one result more than the limit, for as long as its answer is in flight).
    @Test func pastTheHeldLimitOnlyTheSameKeysResultIsServed() async {
        let sharing = CollectionSharing<String, Int>(maximumHeld: 2)
        let counter = Counter()
        let stalled = [await sharing.value(of: "all", deadline: .now + .seconds(5)) { await counter.next() },
                       await sharing.value(of: "all", deadline: .now + .seconds(5)) { await counter.next() }]
        let other = await sharing.value(of: "proc", deadline: .now + .seconds(5)) { await counter.next() }
        #expect(other.value == 3 && other.source == .collected, "no result of its key was held")
        #expect(sharing.heldResults == 3)
        let again = await sharing.value(of: "proc", deadline: .now + .seconds(5)) { await counter.next() }
        #expect(again.value == 3 && again.source == .held)
        let unfiltered = await sharing.value(of: "all", deadline: .now + .seconds(5)) { await counter.next() }
        #expect(unfiltered.value == 2 && unfiltered.source == .held, "the newest of its own key, not proc's")
        for answer in stalled + [other, again, unfiltered] { answer.hold.release() }
        #expect(sharing.heldResults == 0)
    }
}
