import CNetlink
public import ExporterCore
import Logging
import Netlink

/// Each namespace's connection tracking table: how full it is and what its per-CPU statistics
/// say (drops, insert failures, early drops), read over ctnetlink exactly as `conntrack -C` and
/// `conntrack -S` read them.
public struct ConntrackCollector: NamespaceCollector {
    public static let name = "conntrack"
    public static let summary = "Per-namespace conntrack entries, limit and summed per-CPU statistics (ctnetlink, as conntrack -C / -S)."
    public static let enabledByDefault = true

    enum Metric {
        static let entries = MetricDescriptor.gauge("netns_conntrack_entries", "Connections in the namespace's conntrack table (conntrack -C).")
        static let limit = MetricDescriptor.gauge("netns_conntrack_entries_limit", "Size limit of the conntrack table (nf_conntrack_max).")
        static func statistic(_ name: String) -> MetricDescriptor {
            .counter("netns_conntrack_stat_\(name)_total", "Conntrack statistic \(name), summed over CPUs (conntrack -S).")
        }
        /// Made once: building descriptors at every scrape of every namespace was a tenth of this
        /// collector's time.
        static let statistics: [String: MetricDescriptor] = Dictionary(
            uniqueKeysWithValues: ConntrackStatistics.counterNames.values.map { ($0, statistic($0)) })
    }

    public static let metrics: [MetricDescriptor] = [Metric.entries, Metric.limit]
        + Metric.statistics.values.sorted { $0.name < $1.name }

    public init(configuration: CollectorConfiguration, environment: CollectorEnvironment) throws {}

    public func open(in namespace: NamespaceDescription) throws -> any NamespaceReader {
        // The limit is global on most kernels but readable per namespace; older kernels do not send
        // it over ctnetlink, so its sysctl is opened here, inside the namespace, as a fallback.
        let limitFile = try? ProcFile("/proc/sys/net/netfilter/nf_conntrack_max", rendersInOnePiece: true)
        let socket: NetlinkSocket?
        do {
            socket = try NetlinkSocket(protocol: NETLINK_NETFILTER)
        } catch {
            // No nfnetlink in this kernel: no conntrack series, not an error.
            guard case .library(let code, _, _) = error, code == -Int32(NLE_PROTO_MISMATCH) || code == -Int32(NLE_NOADDR) else { throw error }
            socket = nil
        }
        return Reader(socket: socket, limitFile: limitFile)
    }

    final class Reader: NamespaceReader {
        let socket: NetlinkSocket?
        let limitFile: ProcFile?
        private var reportedAbsent = false

        init(socket: NetlinkSocket?, limitFile: ProcFile?) {
            self.socket = socket
            self.limitFile = limitFile
        }

        func collect(into sink: inout MetricSink, logger: Logger) throws {
            guard let socket, let statistics = try socket.conntrackStatistics() else {
                if !reportedAbsent {
                    logger.debug("conntrack is not available in this namespace; no conntrack series")
                    reportedAbsent = true
                }
                return
            }
            reportedAbsent = false
            for family in ConntrackCollector.metrics { sink.declare(family) }
            if let entries = statistics.entries { sink.add(Metric.entries, [], entries) }
            if let limit = statistics.maximumEntries {
                sink.add(Metric.limit, [], limit)
            } else if let limitFile {
                sink.add(Metric.limit, [], try ProcNetParsers.singleValue(limitFile.read(), file: limitFile.path))
            }
            for (name, value) in statistics.counters { sink.add(Metric.statistics[name] ?? Metric.statistic(name), [], value) }
        }
    }
}
