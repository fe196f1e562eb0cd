public import Netlink

/// What the kernel holds on one load balancer, as the consistency rules read it: the backends of
/// each firewall-mark service (Swarm makes nothing else), and the services that have no mark.
public struct KernelLoadBalancer: Sendable, Equatable {
    public struct Backend: Sendable, Equatable {
        public var address: String
        public var weight: Int32

        public init(address: String, weight: Int32) {
            self.address = address
            self.weight = weight
        }
    }

    /// Backends by the firewall mark of their service. An IPv4 and an IPv6 service with one mark
    /// are one entry: a Swarm service is one mark, whatever the family.
    public var backendsByFirewallMark: [UInt32: [Backend]]
    /// Services with an address and port instead of a mark, as `TCP 10.0.0.1:80`: no Swarm service
    /// ever claims one.
    public var addressedServices: [String]

    public init(backendsByFirewallMark: [UInt32: [Backend]] = [:], addressedServices: [String] = []) {
        self.backendsByFirewallMark = backendsByFirewallMark
        self.addressedServices = addressedServices
    }

    public init(_ table: IPVSTable) {
        self.init()
        for entry in table.entries {
            let backends = entry.destinations.map { Backend(address: $0.address.description, weight: $0.weight) }
            if let mark = entry.service.firewallMark {
                backendsByFirewallMark[mark, default: []].append(contentsOf: backends)
            } else {
                addressedServices.append(Self.describe(entry.service))
            }
        }
        addressedServices.sort()
    }

    /// `TCP 10.0.0.1:80`, `UDP [fd00::1]:53`, as ipvsadm names a service.
    public static func describe(_ service: IPVSService) -> String {
        let address = service.address?.description ?? ""
        let host = address.contains(":") ? "[\(address)]" : address
        return "\(service.protocolName.uppercased()) \(host):\(service.port.map(String.init) ?? "")"
    }
}
