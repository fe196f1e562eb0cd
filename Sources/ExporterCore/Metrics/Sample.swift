/// One series of a family: label values (in the descriptor's label order) and a value.
public struct Sample: Sendable, Hashable {
    public var labelValues: [String]
    public var value: MetricValue

    public init(labelValues: [String], value: MetricValue) {
        self.labelValues = labelValues
        self.value = value
    }

    /// The exposition order of series: label values compared one by one, in label order. A
    /// collector that records its samples in this order spares the scrape a sort.
    public static func labelValuesPrecede(_ lhs: [String], _ rhs: [String]) -> Bool {
        lhs.lexicographicallyPrecedes(rhs)
    }
}
