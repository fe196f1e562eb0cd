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

    public static let dockerAPIErrors = MetricDescriptor.counter(
        "swarm_ipvs_exporter_docker_api_errors_total",
        "Failed or cut refreshes of the Swarm names from the Docker Engine API, networks that could not be read and answer entries dropped as unusable (the last good names are kept). Absent when Docker is off.")

    /// The names and meaning of client_golang's process collector, so dashboards made for any
    /// exporter work here too.
    public static let openDescriptors = MetricDescriptor.gauge(
        "process_open_fds",
        "Number of open file descriptors.")
    public static let maxDescriptors = MetricDescriptor.gauge(
        "process_max_fds",
        "Maximum number of open file descriptors.")

    public static let all = [buildInfo, netnsUp, collectorSuccess, collectorDuration, dockerAPIErrors, openDescriptors, maxDescriptors]
}
