/// One sample's value. Kernel counters stay exact as `UInt64`; nothing is squeezed through a Double.
public enum MetricValue: Sendable, Hashable {
    case unsigned(UInt64)
    case double(Double)
    /// Boxed, so the common cases keep a sample small.
    indirect case histogram(HistogramSnapshot)
}

/// A cumulative histogram at one moment: counts per upper bound (`le`), plus sum and count.
public struct HistogramSnapshot: Sendable, Hashable {
    /// Upper bounds in increasing order, without `+Inf`.
    public let upperBounds: [Double]
    /// Cumulative counts, one per upper bound.
    public let cumulativeCounts: [UInt64]
    public let sum: Double
    public let count: UInt64

    public init(upperBounds: [Double], cumulativeCounts: [UInt64], sum: Double, count: UInt64) {
        precondition(upperBounds.count == cumulativeCounts.count, "one count per bound")
        self.upperBounds = upperBounds
        self.cumulativeCounts = cumulativeCounts
        self.sum = sum
        self.count = count
    }
}
