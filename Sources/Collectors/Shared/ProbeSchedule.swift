import ExporterCore

/// The options every background prober shares: the DNS server it asks, how often it probes and
/// how long one probe may take (`server`, `interval`, `timeout` under its own name).
struct ProbeSchedule: Sendable {
    /// nil: the first nameserver of /etc/resolv.conf.
    let server: ProbeEndpoint?
    let interval: Duration
    let timeout: Duration

    init(_ configuration: CollectorConfiguration) throws {
        if let text = configuration.string("server") {
            guard let endpoint = ProbeEndpoint(text, defaultPort: 53) else {
                throw CollectorConfigurationError("--collector.\(configuration.collectorName).server", "expects IP or IP:PORT, not \"\(text)\"")
            }
            server = endpoint
        } else {
            server = nil
        }
        interval = configuration.duration("interval") ?? .seconds(15)
        timeout = configuration.duration("timeout") ?? .seconds(2)
        guard interval >= .milliseconds(100), timeout >= .milliseconds(10) else {
            throw CollectorConfigurationError("--collector.\(configuration.collectorName).interval",
                                              "and --collector.\(configuration.collectorName).timeout must be at least 100ms and 10ms")
        }
    }

    /// The server to ask: the configured one, else the system's.
    var resolvedServer: ProbeEndpoint? { server ?? DNSResolver.systemServer() }
}
