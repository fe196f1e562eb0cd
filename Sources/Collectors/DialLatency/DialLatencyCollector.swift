public import ExporterCore
import Logging
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// Dials peers over TCP in the background and exports how long connects take and why they fail:
/// is the overlay network healthy from this node? Peers are given (`target`) or discovered from
/// Swarm (`swarm-service`: every task of the exporter's own global service, via `tasks.NAME`).
/// Inert until one of the two is set.
public struct DialLatencyCollector: GlobalCollector {
    public static let name = "dial-latency"
    public static let summary = "Background TCP dials to peers (given, or the tasks of a Swarm service): connect latency and errors by reason."
    public static let enabledByDefault = true
    /// Its options were spelled `--collector.dial.*` before they took the collector's name.
    public static let flagAliases = ["dial"]
    public static let options: [CollectorOption] = [
        .repeated("target", placeholder: "HOST:PORT", help: "A peer to dial; repeatable."),
        .value("swarm-service", placeholder: "NAME", help: "Discover peers as the A records of tasks.NAME (every task of a Swarm service) and dial each one but this node."),
        .integer("port", in: 1...65535, placeholder: "PORT", default: 10118, help: "The port to dial on discovered peers (the exporter's own metrics port)."),
        .integer("neighbours", in: 0...100_000, placeholder: "N", default: 0, help: "Dial only the N peers after this node on the ring of sorted addresses (0 = all): O(n) instead of O(n²) dials on large clusters."),
        .value("server", placeholder: "IP[:PORT]", help: "DNS server for tasks.NAME instead of the first nameserver of /etc/resolv.conf."),
        .duration("interval", default: "15s", help: "Time between the starts of two dial rounds."),
        .duration("timeout", default: "2s", help: "How long one connect may take before it counts as a timeout."),
    ]

    enum Metric {
        static let duration = MetricDescriptor.histogram("dial_duration_seconds", "TCP connect time to the peer, for every connect that succeeded.", labels: ["peer"])
        static let errors = MetricDescriptor.counter(
            "dial_errors_total", "Failed dials to the peer by reason: refused, timeout, unreachable, other.", labels: ["peer", "reason"])
        static let peers = MetricDescriptor.gauge("dial_peers", "Peers dialled in the last round.")
    }

    public static let metrics = [Metric.duration, Metric.errors, Metric.peers]

    struct Peer: Hashable, Sendable {
        let label: String
        let endpoint: ProbeEndpoint
    }

    static let reasons = ProbeError.Kind.allCases.map(\.rawValue)

    struct State: Sendable {
        var peers: [Peer] = []
        var tallies: [String: ProbeTally] = [:]
    }

    let targets: [ProbeEndpoint]
    let swarmService: String?
    let port: UInt16
    let neighbours: Int
    let schedule: ProbeSchedule
    let logger: Logger
    let state = NIOLockedValueBox(State())

    public init(configuration: CollectorConfiguration, environment: CollectorEnvironment) throws {
        targets = try configuration.strings("target").map { text in
            guard let endpoint = ProbeEndpoint(text) else {
                throw CollectorConfigurationError("--collector.dial-latency.target", "expects HOST:PORT, not \"\(text)\"")
            }
            return endpoint
        }
        swarmService = configuration.string("swarm-service")
        port = UInt16(configuration.integer("port") ?? 10118)
        neighbours = configuration.integer("neighbours") ?? 0
        schedule = try ProbeSchedule(configuration)
        logger = environment.logger
    }

    var isConfigured: Bool { !targets.isEmpty || swarmService != nil }
    public var isActive: Bool { isConfigured }

    public func run() async throws {
        guard isConfigured else {
            logger.debug("dial-latency has no target and no swarm-service; it does nothing")
            return
        }
        await repeatProbes(every: schedule.interval) { await self.round() }
    }

    /// Works out the peers, dials them all at once and waits for every dial to end.
    func round() async {
        let peers = await DedicatedThread.run(name: "dial-discovery") { self.currentPeers() }
        state.withLockedValue { state in
            state.peers = peers
            // Peers that left take their series with them.
            state.tallies = state.tallies.filter { label, _ in peers.contains { $0.label == label } }
        }
        let timeout = schedule.timeout
        await withTaskGroup(of: Void.self) { group in
            for peer in peers {
                group.addTask {
                    let outcome: (Duration, ProbeError?) = await DedicatedThread.run(name: "dial-probe") {
                        let started = ContinuousClock.now
                        do throws(ProbeError) {
                            let descriptor = try SocketProbe.connect(peer.endpoint, type: Int32(SOCK_STREAM.rawValue), deadline: started + timeout)
                            let elapsed = ContinuousClock.now - started
                            close(descriptor)
                            return (elapsed, nil)
                        } catch {
                            return (ContinuousClock.now - started, error)
                        }
                    }
                    self.record(peer, duration: outcome.0, error: outcome.1)
                }
            }
        }
    }

    func record(_ peer: Peer, duration: Duration, error: ProbeError?) {
        if let error {
            logger.debug("dial failed", metadata: ["peer": "\(peer.label)", "error": "\(error)"])
        }
        state.withLockedValue { state in
            guard state.peers.contains(peer) else { return }
            var tally = state.tallies[peer.label] ?? ProbeTally(reasons: Self.reasons)
            tally.record(answered: error == nil ? duration : nil, failure: error?.kind.rawValue)
            state.tallies[peer.label] = tally
        }
    }

    /// The given targets plus, with a swarm service, its tasks chosen on the ring. Blocking.
    func currentPeers() -> [Peer] {
        var peers = targets.map { Peer(label: $0.description, endpoint: $0) }
        guard let swarmService else { return peers }
        guard let server = schedule.resolvedServer else {
            logger.warning("dial-latency: no DNS server to discover tasks.\(swarmService)")
            return peers
        }
        let resolver = DNSResolver(server: server)
        let addresses: [String]
        do throws(ProbeError) {
            addresses = try resolver.lookup("tasks.\(swarmService)", type: .a, timeout: schedule.timeout).addresses
        } catch {
            logger.warning("dial-latency: cannot discover peers", metadata: ["name": "tasks.\(swarmService)", "error": "\(error)"])
            return peers
        }
        let chosen = PeerRing.select(addresses, own: PeerRing.ownAddresses(), neighbours: neighbours)
        // Docker's embedded DNS names task addresses (PTR): use the name when it tells peers apart.
        let names = chosen.map { address -> String? in
            guard let reverse = DNSMessage.reverseName(ipv4: address),
                  let answer = try? resolver.query(reverse, type: .ptr, transport: .udp, timeout: schedule.timeout) else { return nil }
            return answer.names.first
        }
        let unique = Set(names.compactMap { $0 }).count == chosen.count
        for (address, name) in zip(chosen, names) {
            peers.append(Peer(label: unique ? name ?? address : address, endpoint: ProbeEndpoint(host: address, port: port)))
        }
        return peers
    }

    public func collect(into sink: inout MetricSink) async throws {
        guard isConfigured else { return }
        let state = self.state.withLockedValue { $0 }
        sink.declare(Metric.duration)
        sink.declare(Metric.errors)
        sink.add(Metric.peers, [], UInt64(state.peers.count))
        for peer in state.peers {
            let tally = state.tallies[peer.label] ?? ProbeTally(reasons: Self.reasons)
            tally.add(to: &sink, duration: Metric.duration, errors: Metric.errors, labels: [peer.label])
        }
    }
}
