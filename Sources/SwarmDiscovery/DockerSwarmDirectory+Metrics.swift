public import ExporterCore

/// The directory's own family, recorded into every scrape while Docker is asked (absent with
/// `--no-docker`).
extension DockerSwarmDirectory: ExporterMetricSource {
    public static let apiErrorsMetric = MetricDescriptor.counter(
        "swarm_ipvs_exporter_docker_api_errors_total",
        "Failed or cut refreshes of the Swarm names from the Docker Engine API, networks that could not be read and answer entries dropped as unusable (the last good names are kept). Absent when Docker is off.")

    public static var metrics: [MetricDescriptor] { [apiErrorsMetric] }

    public func record(into sink: inout MetricSink) {
        sink.add(Self.apiErrorsMetric, [], apiErrors)
    }
}
