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
            .samples.append(Sample(labelValues: labelValues, value: value))
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

    /// Declares a family even when it gets no samples (so it still shows HELP and TYPE).
    public mutating func declare(_ descriptor: MetricDescriptor) {
        if families[descriptor.name] == nil { families[descriptor.name] = MetricFamily(descriptor: descriptor) }
    }

    /// Adds every sample of `other`, each with `prefix` label pairs put in front.
    public mutating func merge(_ other: MetricSink, prefixLabels names: [String] = [], values: [String] = []) {
        for (name, family) in other.families {
            if families[name] == nil {
                let descriptor = names.isEmpty ? family.descriptor : family.descriptor.prefixingLabels(names)
                families[name] = MetricFamily(descriptor: descriptor)
            }
            // Appended in place: copying the family out and back would copy every sample gathered
            // so far at each merge (quadratic in the number of namespaces).
            if names.isEmpty {
                families[name]!.samples.append(contentsOf: family.samples)
            } else {
                families[name]!.samples.append(contentsOf: family.samples.lazy.map { Sample(labelValues: values + $0.labelValues, value: $0.value) })
            }
        }
    }

    public var isEmpty: Bool { families.isEmpty }

    /// Every family sorted by name, every family's samples sorted by label values.
    public func sortedFamilies() -> [MetricFamily] {
        families.values.sorted { $0.descriptor.name < $1.descriptor.name }.map { family in
            var sorted = family
            sorted.samples.sort { $0.labelValues.lexicographicallyPrecedes($1.labelValues) }
            return sorted
        }
    }
}
