/// Where a collector records what it read. Collectors never format text; they add samples to the
/// families they declared, and the core merges the sinks of every collector and namespace.
public struct MetricSink: Sendable {
    private(set) var families: [String: MetricFamily] = [:]

    public init() {}

    /// Records one sample. `labelValues` must match `descriptor.labelNames` one to one.
    public mutating func add(_ descriptor: MetricDescriptor, _ labelValues: [String] = [], _ value: MetricValue) {
        precondition(labelValues.count == descriptor.labelNames.count,
                     "\(descriptor.name): \(labelValues.count) label values for \(descriptor.labelNames)")
        families[descriptor.name, default: MetricFamily(descriptor: descriptor)]
            .append(Sample(labelValues: labelValues, value: value))
    }

    public mutating func add(_ descriptor: MetricDescriptor, _ labelValues: [String] = [], _ value: UInt64) {
        add(descriptor, labelValues, .unsigned(value))
    }

    public mutating func add(_ descriptor: MetricDescriptor, _ labelValues: [String] = [], _ value: Double) {
        add(descriptor, labelValues, .double(value))
    }

    public mutating func add(_ descriptor: MetricDescriptor, _ labelValues: [String] = [], _ value: Bool) {
        add(descriptor, labelValues, .unsigned(value ? 1 : 0))
    }

    /// Records many samples of one family at once (one lookup of the family instead of one per
    /// sample: an IPVS table records tens of thousands per family).
    public mutating func add(_ descriptor: MetricDescriptor, samples: [Sample]) {
        precondition(samples.allSatisfy { $0.labelValues.count == descriptor.labelNames.count },
                     "\(descriptor.name): label values do not match \(descriptor.labelNames)")
        guard !samples.isEmpty else { return declare(descriptor) }
        families[descriptor.name, default: MetricFamily(descriptor: descriptor)].append(contentsOf: samples)
    }

    /// Declares a family even when it gets no samples (so it still shows HELP and TYPE).
    public mutating func declare(_ descriptor: MetricDescriptor) {
        if families[descriptor.name] == nil { families[descriptor.name] = MetricFamily(descriptor: descriptor) }
    }

    /// Adds every sample of `other`, each with `prefix` label pairs put in front.
    public mutating func merge(_ other: MetricSink, prefixLabels names: [String] = [], values: [String] = []) {
        families.reserveCapacity(families.count + other.families.count)
        for family in other.families.values {
            // One run per run of `other`: the samples are not copied. A run without a prefix of
            // its own takes `values` as it is, so all families of a namespace share one array.
            let runs = names.isEmpty ? family.runs : family.runs.map { SampleRun(prefix: $0.prefix.isEmpty ? values : values + $0.prefix, samples: $0.samples) }
            // Appended in place: copying the family out and back would copy every run gathered so
            // far at each merge.
            if let index = families.index(forKey: family.descriptor.name) {
                families.values[index].runs.append(contentsOf: runs)
            } else {
                var merged = MetricFamily(descriptor: names.isEmpty ? family.descriptor : family.descriptor.prefixingLabels(names))
                merged.runs = runs
                families[family.descriptor.name] = merged
            }
        }
    }

    public var isEmpty: Bool { families.isEmpty }

    /// How many samples (series, histograms counted once) the sink holds.
    public var sampleCount: Int { families.values.reduce(0) { $0 + $1.sampleCount } }

    /// Every family sorted by name, every family's samples sorted by label values. Consumes the
    /// sink so the samples are sorted where they are, not copied.
    public consuming func sortedFamilies() -> [MetricFamily] {
        var sorted = Array(families.values)
        families = [:]
        sorted.sort { $0.descriptor.name < $1.descriptor.name }
        for index in sorted.indices { sorted[index].sortSamples() }
        return sorted
    }
}
