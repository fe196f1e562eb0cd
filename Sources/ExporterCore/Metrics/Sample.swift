/// One series of a family: label values (in the descriptor's label order) and a value.
public struct Sample: Sendable, Hashable {
    public var labelValues: [String]
    public var value: MetricValue

    public init(labelValues: [String], value: MetricValue) {
        self.labelValues = labelValues
        self.value = value
    }
}
