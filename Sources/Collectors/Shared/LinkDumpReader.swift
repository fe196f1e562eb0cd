import CNetlink
import ExporterCore
import Logging
import Netlink

/// A reader for collectors that turn each device of an RTM_GETLINK dump into samples (interfaces,
/// operstate): it owns a rtnetlink socket of the namespace and applies the device filter.
final class LinkDumpReader: NamespaceReader {
    typealias Record = @Sendable (Link, inout MetricSink, Logger) -> Void

    private let socket: NetlinkSocket
    private let devices: NameFilter
    private let families: [MetricDescriptor]
    private let record: Record

    /// Opens the socket: call it from `NamespaceCollector.open(in:)`, inside the namespace.
    init(devices: NameFilter, families: [MetricDescriptor], record: @escaping Record) throws {
        socket = try NetlinkSocket(protocol: NETLINK_ROUTE)
        self.devices = devices
        self.families = families
        self.record = record
    }

    func collect(into sink: inout MetricSink, logger: Logger) throws {
        for family in families { sink.declare(family) }
        for link in try socket.dumpLinks() where devices.accepts(link.name) {
            record(link, &sink, logger)
        }
    }
}
