/// A cumulative histogram that probes add observations to from any thread.
public struct HistogramAccumulator: Sendable {
    public let upperBounds: [Double]
    private var counts: [UInt64]
    private var sum = 0.0
    private var count: UInt64 = 0

    /// Bounds for lookups and connects that usually take a millisecond or two and sometimes seconds.
    public static let millisecondBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    public init(upperBounds: [Double] = HistogramAccumulator.millisecondBuckets) {
        precondition(upperBounds == upperBounds.sorted() && !upperBounds.isEmpty, "bounds must increase")
        self.upperBounds = upperBounds
        counts = [UInt64](repeating: 0, count: upperBounds.count)
    }

    public mutating func observe(_ seconds: Double) {
        for index in upperBounds.indices where seconds <= upperBounds[index] { counts[index] += 1 }
        sum += seconds
        count += 1
    }

    public var snapshot: HistogramSnapshot {
        HistogramSnapshot(upperBounds: upperBounds, cumulativeCounts: counts, sum: sum, count: count)
    }
}
