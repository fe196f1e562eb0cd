import ExporterCore
import Netlink

/// The per-backend samples of a table, gathered family by family and handed to the sink once per
/// family (a 2,000 × 10 table has 20,000 samples in each).
struct BackendSamples {
    var connections: [Sample] = []
    var active: [Sample] = []
    var inactive: [Sample] = []
    var weight: [Sample] = []
    var incomingPackets: [Sample] = []
    var outgoingPackets: [Sample] = []
    var incomingBytes: [Sample] = []
    var outgoingBytes: [Sample] = []
    var persistent: [Sample] = []
    var info: [Sample] = []

    /// Adds the backends of one service, in the order of their label values.
    mutating func add(_ destinations: [IPVSDestination], identity: [String], traffic: Bool, details: Bool) {
        // One label array per backend, shared by its samples. Every one starts with the service's
        // identity, so the backends' order is that of their address and port labels alone.
        let labels = destinations.map { destination in
            var values: [String] = []
            values.reserveCapacity(identity.count + 2)
            values.append(contentsOf: identity)
            values.append(destination.address.description)
            values.append(String(destination.port))
            return values
        }
        let last = identity.count
        let order = labels.indices.sorted { left, right in
            let (a, b) = (labels[left], labels[right])
            return a[last] != b[last] ? a[last] < b[last] : a[last + 1] < b[last + 1]
        }
        let labeled = order.lazy.map { (destinations[$0], labels[$0]) }
        for (destination, labels) in labeled {
            let counters = destination.statistics
            connections.append(Sample(labelValues: labels, value: .unsigned(counters.connections)))
            active.append(Sample(labelValues: labels, value: .unsigned(UInt64(destination.activeConnections))))
            inactive.append(Sample(labelValues: labels, value: .unsigned(UInt64(destination.inactiveConnections))))
            weight.append(Sample(labelValues: labels, value: destination.weight >= 0 ? .unsigned(UInt64(destination.weight)) : .double(Double(destination.weight))))
            if traffic {
                incomingPackets.append(Sample(labelValues: labels, value: .unsigned(counters.incomingPackets)))
                outgoingPackets.append(Sample(labelValues: labels, value: .unsigned(counters.outgoingPackets)))
                incomingBytes.append(Sample(labelValues: labels, value: .unsigned(counters.incomingBytes)))
                outgoingBytes.append(Sample(labelValues: labels, value: .unsigned(counters.outgoingBytes)))
            }
            if details {
                persistent.append(Sample(labelValues: labels, value: .unsigned(UInt64(destination.persistentConnections))))
                info.append(Sample(labelValues: labels + [destination.forwarding?.name ?? "unknown",
                                                          String(destination.upperThreshold), String(destination.lowerThreshold)], value: .unsigned(1)))
            }
        }
    }

    func record(into sink: inout MetricSink) {
        let families: [(MetricDescriptor, [Sample])] = [
            (IPVSMetrics.backendConnections, connections), (IPVSMetrics.backendActive, active),
            (IPVSMetrics.backendInactive, inactive), (IPVSMetrics.backendWeight, weight),
            (IPVSMetrics.backendIncomingPackets, incomingPackets), (IPVSMetrics.backendOutgoingPackets, outgoingPackets),
            (IPVSMetrics.backendIncomingBytes, incomingBytes), (IPVSMetrics.backendOutgoingBytes, outgoingBytes),
            (IPVSMetrics.backendPersistent, persistent), (IPVSMetrics.backendInfo, info),
        ]
        for (descriptor, samples) in families where !samples.isEmpty { sink.add(descriptor, samples: samples) }
    }
}
