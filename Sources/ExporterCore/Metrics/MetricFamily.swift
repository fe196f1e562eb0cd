/// A descriptor and all its samples from one scrape.
public struct MetricFamily: Sendable {
    public let descriptor: MetricDescriptor
    public var samples: [Sample]

    public init(descriptor: MetricDescriptor, samples: [Sample] = []) {
        self.descriptor = descriptor
        self.samples = samples
    }
}
