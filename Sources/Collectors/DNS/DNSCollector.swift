public import ExporterCore
import Logging
import NIOConcurrencyHelpers

/// Resolves names in the background, over UDP and TCP, through the resolver the exporter sees
/// (Docker's embedded DNS inside a Swarm task), and exports how long lookups take and why they fail.
/// Inert (no series) until `--collector.dns.host` names something to resolve.
public struct DNSCollector: GlobalCollector {
    public static let name = "dns"
    public static let summary = "Background DNS lookups over UDP and TCP: latency histograms and errors by reason (needs --collector.dns.host)."
    public static let enabledByDefault = true
    public static let options: [CollectorOption] = [
        .repeated("host", placeholder: "NAME", help: "A name to resolve (A record) on every round; repeatable. Without one the collector does nothing."),
        .value("server", placeholder: "IP[:PORT]", help: "The DNS server to ask instead of the first nameserver of /etc/resolv.conf."),
        .duration("interval", default: "15s", help: "Time between the starts of two lookups of the same name and protocol."),
        .duration("timeout", default: "2s", help: "How long one lookup may take before it counts as a timeout."),
    ]

    enum Metric {
        static let duration = MetricDescriptor.histogram(
            "dns_lookup_duration_seconds", "Time from sending a query to its answer, for every lookup that got one (any response code).",
            labels: ["host", "protocol"])
        static let errors = MetricDescriptor.counter(
            "dns_lookup_errors_total",
            "Failed lookups by reason: timeout (no answer in time), nxdomain, servfail, refused (REFUSED answer or connection refused), truncated (a UDP answer with the TC bit: too many records for UDP, a client must ask again over TCP), other.",
            labels: ["host", "protocol", "reason"])
    }

    public static let metrics = [Metric.duration, Metric.errors]
    static let reasons = ["timeout", "nxdomain", "servfail", "refused", "truncated", "other"]

    struct Key: Hashable, Sendable {
        let host: String
        let transport: DNSResolver.Transport
    }

    let hosts: [String]
    let schedule: ProbeSchedule
    let logger: Logger
    let state: NIOLockedValueBox<[Key: ProbeTally]>

    public init(configuration: CollectorConfiguration, environment: CollectorEnvironment) throws {
        hosts = configuration.strings("host")
        for host in hosts where (try? DNSMessage.query(id: 0, name: host, type: .a)) == nil {
            throw CollectorConfigurationError("--collector.dns.host", "\"\(host)\" is not a valid DNS name")
        }
        schedule = try ProbeSchedule(configuration)
        logger = environment.logger
        var initial: [Key: ProbeTally] = [:]
        for host in hosts {
            for transport in DNSResolver.Transport.allCases { initial[Key(host: host, transport: transport)] = ProbeTally(reasons: Self.reasons) }
        }
        state = NIOLockedValueBox(initial)
    }

    public var isActive: Bool { !hosts.isEmpty }

    public func run() async throws {
        guard !hosts.isEmpty else {
            logger.debug("dns collector has no --collector.dns.host; it does nothing")
            return
        }
        guard let server = schedule.resolvedServer else {
            logger.error("dns collector: no --collector.dns.server and no nameserver in /etc/resolv.conf")
            return
        }
        logger.info("dns probes started", metadata: ["server": "\(server)", "hosts": "\(hosts.joined(separator: ","))", "interval": "\(schedule.interval)"])
        let resolver = DNSResolver(server: server)
        await withTaskGroup(of: Void.self) { group in
            for host in hosts {
                for transport in DNSResolver.Transport.allCases {
                    group.addTask { await repeatProbes(every: schedule.interval) { await self.probe(host, transport, resolver) } }
                }
            }
        }
    }

    func probe(_ host: String, _ transport: DNSResolver.Transport, _ resolver: DNSResolver) async {
        let timeout = schedule.timeout
        let outcome: (Duration, Result<DNSMessage.Response, ProbeError>) = await DedicatedThread.run(name: "dns-probe") {
            let started = ContinuousClock.now
            do throws(ProbeError) {
                let response = try resolver.query(host, type: .a, transport: transport, timeout: timeout)
                return (ContinuousClock.now - started, .success(response))
            } catch {
                return (ContinuousClock.now - started, .failure(error))
            }
        }
        record(Key(host: host, transport: transport), duration: outcome.0, result: outcome.1)
    }

    func record(_ key: Key, duration: Duration, result: Result<DNSMessage.Response, ProbeError>) {
        let reason: String?
        switch result {
        case .success(let response):
            switch DNSMessage.ResponseCode(rawValue: response.responseCode) {
            case .noError? where response.truncated: reason = "truncated"
            case .noError?: reason = nil
            case .nameError?: reason = "nxdomain"
            case .serverFailure?: reason = "servfail"
            case .refused?: reason = "refused"
            default: reason = "other"
            }
        case .failure(let error):
            switch error.kind {
            case .timeout: reason = "timeout"
            case .refused: reason = "refused"
            case .unreachable, .other: reason = "other"
            }
            logger.debug("dns lookup failed", metadata: ["host": "\(key.host)", "protocol": "\(key.transport.rawValue)", "error": "\(error)"])
        }
        state.withLockedValue { tallies in
            var tally = tallies[key] ?? ProbeTally(reasons: Self.reasons)
            // Every answer is timed, whatever its response code.
            let answered: Duration? = if case .success = result { duration } else { nil }
            tally.record(answered: answered, failure: reason)
            tallies[key] = tally
        }
    }

    public func collect(into sink: inout MetricSink) async throws {
        guard !hosts.isEmpty else { return }
        sink.declare(Metric.duration)
        sink.declare(Metric.errors)
        for (key, tally) in state.withLockedValue({ $0 }) {
            tally.add(to: &sink, duration: Metric.duration, errors: Metric.errors, labels: [key.host, key.transport.rawValue])
        }
    }
}
