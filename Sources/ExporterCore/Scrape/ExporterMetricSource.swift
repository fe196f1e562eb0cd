/// Families about the exporter's own workings that something outside the core keeps (a client's
/// error count, say), recorded into every scrape beside the core's own (`ExporterMetrics`).
///
/// Not a collector: it has no success or duration series of its own and cannot fail, so it must
/// only read what it already holds.
public protocol ExporterMetricSource: Sendable {
    /// Every family it records, for `--print-metrics`.
    static var metrics: [MetricDescriptor] { get }
    func record(into sink: inout MetricSink)
}
