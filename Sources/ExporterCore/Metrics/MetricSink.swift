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

    /// Adds every sample of `other`, each with `prefix` label pairs put in front. `rank`, if
    /// given, is where `values` falls among the prefixes merged into this sink in label order
    /// (so sorting compares integers, not label values).
    public mutating func merge(_ other: MetricSink, prefixLabels names: [String] = [], values: [String] = [], rank: Int = -1) {
        families.reserveCapacity(families.count + other.families.count)
        for family in other.families.values {
            // One run per run of `other`: the samples are not copied. A run without a prefix of
            // its own takes `values` as it is, so all families of a namespace share one array.
            // Appended in place, one run at a time: copying the family out and back would copy
            // every run gathered so far at each merge, and a mapped array per family would be
            // one more allocation per family and namespace.
            let index: Dictionary<String, MetricFamily>.Index
            if let existing = families.index(forKey: family.descriptor.name) {
                index = existing
            } else {
                let descriptor = names.isEmpty ? family.descriptor : family.descriptor.prefixingLabels(names)
                families[family.descriptor.name] = MetricFamily(descriptor: descriptor)
                index = families.index(forKey: family.descriptor.name)!
            }
            if names.isEmpty {
                families.values[index].runs.append(contentsOf: family.runs)
                continue
            }
            for run in family.runs {
                families.values[index].runs.append(run.prefix.isEmpty
                    ? SampleRun(prefix: values, samples: run.samples, rank: rank)
                    : SampleRun(prefix: values + run.prefix, samples: run.samples))
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
