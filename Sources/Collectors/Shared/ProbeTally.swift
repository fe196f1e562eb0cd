import ExporterCore

/// What the probes of one target added up to: a latency histogram of the probes that got an
/// answer, and failures by reason, every reason present from the start (0) so `rate()` and alerts
/// work before the first failure. Shared by the dns and dial-latency collectors.
struct ProbeTally: Sendable {
    private(set) var histogram = HistogramAccumulator()
    private(set) var errors: [String: UInt64]

    init(reasons: [String]) {
        errors = Dictionary(uniqueKeysWithValues: reasons.map { ($0, 0) })
    }

    /// One probe: `answered` is how long the answer took (nil: none came), `failure` its reason.
    mutating func record(answered: Duration?, failure: String?) {
        if let answered { histogram.observe(answered.seconds) }
        if let failure { errors[failure, default: 0] += 1 }
    }

    /// The histogram under `duration` and one counter per reason under `errors` (the reason is
    /// the last label), both with `labels` in front.
    func add(to sink: inout MetricSink, duration: MetricDescriptor, errors descriptor: MetricDescriptor, labels: [String]) {
        sink.add(duration, labels, .histogram(histogram.snapshot))
        for (reason, count) in errors { sink.add(descriptor, labels + [reason], count) }
    }
}
