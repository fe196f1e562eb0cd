/// A descriptor and all its samples from one scrape.
///
/// The samples are kept in runs that share their leading label values (the `netns` the core puts
/// in front of a namespace collector's series): merging a namespace's samples under its label then
/// costs one run per family instead of a new label array for every sample.
public struct MetricFamily: Sendable {
    public let descriptor: MetricDescriptor
    public internal(set) var runs: [SampleRun]

    public init(descriptor: MetricDescriptor, samples: [Sample] = []) {
        self.descriptor = descriptor
        self.runs = samples.isEmpty ? [] : [SampleRun(prefix: [], samples: samples)]
    }

    /// Every sample with its full label values (run prefix included). Builds new label arrays:
    /// for tests and small families; the encoder walks `runs`.
    public var samples: [Sample] {
        runs.flatMap { run in
            run.prefix.isEmpty ? run.samples : run.samples.map { Sample(labelValues: run.prefix + $0.labelValues, value: $0.value) }
        }
    }

    public var sampleCount: Int { runs.reduce(0) { $0 + $1.samples.count } }

    /// Appends a sample whose label values are all its own (no prefix).
    mutating func append(_ sample: Sample) {
        if let last = runs.indices.last, runs[last].prefix.isEmpty {
            runs[last].samples.append(sample)
        } else {
            runs.append(SampleRun(prefix: [], samples: [sample]))
        }
    }

    /// Appends samples whose label values are all their own (no prefix).
    mutating func append(contentsOf samples: [Sample]) {
        if let last = runs.indices.last, runs[last].prefix.isEmpty {
            runs[last].samples.append(contentsOf: samples)
        } else {
            runs.append(SampleRun(prefix: [], samples: samples))
        }
    }

    /// Puts the series in exposition order: by label values, prefix first. Runs with the same
    /// prefix are joined. Samples a collector already recorded in order cost one linear pass
    /// (the standard library's sort finds the sorted run).
    mutating func sortSamples() {
        runs.sort { $0.precedes($1) }
        var joined: [SampleRun] = []
        joined.reserveCapacity(runs.count)
        for run in runs {
            if let last = joined.indices.last, joined[last].sharesPrefix(with: run) {
                joined[last].samples.append(contentsOf: run.samples)
            } else {
                joined.append(run)
            }
        }
        runs = []
        for index in joined.indices {
            joined[index].samples.sort { Sample.labelValuesPrecede($0.labelValues, $1.labelValues) }
        }
        runs = joined
    }
}

/// Samples of one family that share their leading label values, stored once.
public struct SampleRun: Sendable {
    /// The leading label values of every sample of the run.
    public let prefix: [String]
    /// The samples, each with the label values that follow the prefix.
    public internal(set) var samples: [Sample]
    /// Where the prefix falls among the prefixes of the scrape, when the merge knew it (the
    /// namespace's place among all namespaces sorted by label); -1 when not. Sorting a
    /// 1,000-namespace scrape's runs by it instead of comparing label values saved ~30 ms.
    public let rank: Int

    init(prefix: [String], samples: [Sample], rank: Int = -1) {
        self.prefix = prefix
        self.samples = samples
        self.rank = rank
    }

    /// Whether this run's series come before `other`'s.
    func precedes(_ other: SampleRun) -> Bool {
        rank >= 0 && other.rank >= 0 ? rank < other.rank : Sample.labelValuesPrecede(prefix, other.prefix)
    }

    /// Whether the two runs have the same prefix.
    func sharesPrefix(with other: SampleRun) -> Bool {
        rank >= 0 && other.rank >= 0 ? rank == other.rank : prefix == other.prefix
    }
}
