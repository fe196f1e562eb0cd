/// The exporter's own families: build information and how each scrape went.
public enum ExporterMetrics {
    public static let buildInfo = MetricDescriptor.gauge(
        "swarm_ipvs_exporter_build_info",
        "A metric with a constant '1' value labeled by the version, revision and Swift version the exporter was built from.",
        labels: ["version", "revision", "swift_version"])
    public static let netnsUp = MetricDescriptor.gauge(
        "swarm_ipvs_exporter_netns_up",
        "1 when the network namespace could be opened and read, 0 when it is missing or unreadable.",
        labels: ["netns"])
    public static let collectorSuccess = MetricDescriptor.gauge(
        "swarm_ipvs_exporter_scrape_collector_success",
        "1 when the collector succeeded in this namespace during this scrape (netns is empty for global collectors).",
        labels: ["collector", "netns"])
    public static let collectorDuration = MetricDescriptor.gauge(
        "swarm_ipvs_exporter_scrape_collector_duration_seconds",
        "How long the collector took in this namespace during this scrape (netns is empty for global collectors).",
        labels: ["collector", "netns"])

    /// The names and meaning of client_golang's process collector, so dashboards made for any
    /// exporter work here too.
    public static let openDescriptors = MetricDescriptor.gauge(
        "process_open_fds",
        "Number of open file descriptors.")
    public static let maxDescriptors = MetricDescriptor.gauge(
        "process_max_fds",
        "Maximum number of open file descriptors.")
    public static let cpuSeconds = MetricDescriptor.counter(
        "process_cpu_seconds_total",
        "Total user and system CPU time spent in seconds.")
    public static let residentMemory = MetricDescriptor.gauge(
        "process_resident_memory_bytes",
        "Resident memory size in bytes.")
    public static let virtualMemory = MetricDescriptor.gauge(
        "process_virtual_memory_bytes",
        "Virtual memory size in bytes.")
    public static let startTime = MetricDescriptor.gauge(
        "process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.")

    /// The process collector's families, in client_golang's order.
    static let process = [cpuSeconds, openDescriptors, maxDescriptors, virtualMemory, residentMemory, startTime]

    /// Every family the exporter records about itself, in the order `--print-metrics` lists them:
    /// the scrape's, then those of `sources` (kept outside the core), then the process's.
    public static func all(adding sources: [any ExporterMetricSource.Type] = []) -> [MetricDescriptor] {
        [buildInfo, netnsUp, collectorSuccess, collectorDuration] + sources.flatMap { $0.metrics } + process
    }
}
