public import ExporterCore
import Netlink

/// Whether each device of each namespace is up, with its kind, address, carrier and MTU.
public struct OperstateCollector: NamespaceCollector {
    public static let name = "operstate"
    public static let summary = "Per-device operational state, carrier, MTU, kind and address (rtnetlink)."
    public static let enabledByDefault = true
    public static let options: [CollectorOption] = [
        .pattern("device-include", help: "Only devices whose whole name matches."),
        .pattern("device-exclude", help: "Skip devices whose whole name matches (wins over include)."),
    ]

    enum Metric {
        static let up = MetricDescriptor.gauge(
            "netns_network_up", "1 when the device's operational state is up, 0 otherwise.", labels: ["device"])
        static let info = MetricDescriptor.gauge(
            "netns_network_info",
            "Constant 1, labeled with the device's operational state (as the kernel names it), hardware address and link kind.",
            labels: ["device", "operstate", "address", "kind"])
        static let carrier = MetricDescriptor.gauge(
            "netns_network_carrier", "1 when the device has carrier, 0 when not.", labels: ["device"])
        static let mtu = MetricDescriptor.gauge(
            "netns_network_mtu_bytes", "The device's MTU in bytes.", labels: ["device"])
    }

    public static let metrics: [MetricDescriptor] = [Metric.up, Metric.info, Metric.carrier, Metric.mtu]

    let devices: NameFilter

    public init(configuration: CollectorConfiguration, environment: CollectorEnvironment) throws {
        devices = configuration.filter(include: "device-include", exclude: "device-exclude")
    }

    public func open(in namespace: NamespaceDescription) throws -> any NamespaceReader {
        try LinkDumpReader(devices: devices, families: Self.metrics) { link, sink, _ in
            let device = [link.name]
            let state = link.operationalState ?? .unknown
            sink.add(Metric.up, device, state == .up)
            sink.add(Metric.info, [link.name, state.name, link.formattedAddress, link.kind ?? ""], UInt64(1))
            if let carrier = link.carrier { sink.add(Metric.carrier, device, UInt64(carrier)) }
            if let mtu = link.mtu { sink.add(Metric.mtu, device, UInt64(mtu)) }
        }
    }
}
