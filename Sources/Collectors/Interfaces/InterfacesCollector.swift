public import ExporterCore
import Logging
import Netlink

/// Per-device traffic counters of every namespace, from an RTM_GETLINK dump (IFLA_STATS64), so the
/// numbers are the namespace's own whatever /sys the exporter sees.
public struct InterfacesCollector: NamespaceCollector {
    public static let name = "interfaces"
    public static let summary = "Per-device receive/transmit bytes, packets, errors and drops (rtnetlink IFLA_STATS64)."
    public static let enabledByDefault = true
    public static let options: [CollectorOption] = [
        .pattern("device-include", help: "Only devices whose whole name matches."),
        .pattern("device-exclude", help: "Skip devices whose whole name matches (wins over include)."),
    ]

    enum Metric {
        static let labels = ["device"]
        static let receiveBytes = MetricDescriptor.counter("netns_network_receive_bytes_total", "Bytes received by the device.", labels: labels)
        static let receivePackets = MetricDescriptor.counter("netns_network_receive_packets_total", "Packets received by the device.", labels: labels)
        static let receiveErrors = MetricDescriptor.counter("netns_network_receive_errors_total", "Receive errors of the device.", labels: labels)
        static let receiveDropped = MetricDescriptor.counter("netns_network_receive_dropped_total", "Received packets the device dropped.", labels: labels)
        static let receiveMulticast = MetricDescriptor.counter("netns_network_receive_multicast_total", "Multicast packets received by the device.", labels: labels)
        static let transmitBytes = MetricDescriptor.counter("netns_network_transmit_bytes_total", "Bytes transmitted by the device.", labels: labels)
        static let transmitPackets = MetricDescriptor.counter("netns_network_transmit_packets_total", "Packets transmitted by the device.", labels: labels)
        static let transmitErrors = MetricDescriptor.counter("netns_network_transmit_errors_total", "Transmit errors of the device.", labels: labels)
        static let transmitDropped = MetricDescriptor.counter("netns_network_transmit_dropped_total", "Packets the device dropped on transmit.", labels: labels)
        static let transmitCarrierErrors = MetricDescriptor.counter("netns_network_transmit_carrier_errors_total", "Transmit carrier errors of the device.", labels: labels)
        static let transmitCollisions = MetricDescriptor.counter("netns_network_transmit_collisions_total", "Collisions seen while transmitting.", labels: labels)
    }

    public static let metrics: [MetricDescriptor] = [
        Metric.receiveBytes, Metric.receivePackets, Metric.receiveErrors, Metric.receiveDropped, Metric.receiveMulticast,
        Metric.transmitBytes, Metric.transmitPackets, Metric.transmitErrors, Metric.transmitDropped,
        Metric.transmitCarrierErrors, Metric.transmitCollisions,
    ]

    let devices: NameFilter

    public init(configuration: CollectorConfiguration, environment: CollectorEnvironment) throws {
        devices = configuration.filter(include: "device-include", exclude: "device-exclude")
    }

    public func open(in namespace: NamespaceDescription) throws -> any NamespaceReader {
        try LinkDumpReader(devices: devices, families: Self.metrics) { link, sink, logger in
            guard let stats = link.statistics else {
                logger.debug("device has no IFLA_STATS64", metadata: ["device": "\(link.name)"])
                return
            }
            let device = [link.name]
            sink.add(Metric.receiveBytes, device, stats.receiveBytes)
            sink.add(Metric.receivePackets, device, stats.receivePackets)
            sink.add(Metric.receiveErrors, device, stats.receiveErrors)
            sink.add(Metric.receiveDropped, device, stats.receiveDropped)
            sink.add(Metric.receiveMulticast, device, stats.multicast)
            sink.add(Metric.transmitBytes, device, stats.transmitBytes)
            sink.add(Metric.transmitPackets, device, stats.transmitPackets)
            sink.add(Metric.transmitErrors, device, stats.transmitErrors)
            sink.add(Metric.transmitDropped, device, stats.transmitDropped)
            sink.add(Metric.transmitCarrierErrors, device, stats.transmitCarrierErrors)
            sink.add(Metric.transmitCollisions, device, stats.collisions)
        }
    }
}
