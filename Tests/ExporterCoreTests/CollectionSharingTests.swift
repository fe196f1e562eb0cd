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
        let sharing = CollectionSharing<Int>()
        let counter = Counter()
        let now = ContinuousClock.now
        async let first = sharing.value(deadline: now + .seconds(5)) {
            try? await Task.sleep(for: .milliseconds(300))
            return await counter.next()
        }
        try? await Task.sleep(for: .milliseconds(50))
        let second = await sharing.value(deadline: now + .seconds(6)) { await counter.next() }
        let leader = await first
        #expect(leader.value == 1 && !leader.shared)
        #expect(second.value == 1 && second.shared, "joined the collection in flight")
        #expect(await counter.count == 1)
    }

    @Test func aScrapeWithATighterDeadlineCollectsForItself() async {
        let sharing = CollectionSharing<Int>()
        let counter = Counter()
        let now = ContinuousClock.now
        async let first = sharing.value(deadline: now + .seconds(10)) {
            try? await Task.sleep(for: .milliseconds(300))
            return await counter.next()
        }
        try? await Task.sleep(for: .milliseconds(50))
        let second = await sharing.value(deadline: now + .seconds(2)) { await counter.next() }
        _ = await first
        #expect(!second.shared, "the collection in flight may end after this scrape's deadline")
        #expect(await counter.count == 2)
    }

    @Test func scrapesOneAfterAnotherEachCollect() async {
        let sharing = CollectionSharing<Int>()
        let counter = Counter()
        let first = await sharing.value(deadline: .now + .seconds(5)) { await counter.next() }
        let second = await sharing.value(deadline: .now + .seconds(5)) { await counter.next() }
        #expect(first.value == 1 && second.value == 2)
        #expect(!first.shared && !second.shared)
    }
}
