import CNetlink
#if canImport(Glibc)
import Glibc
#endif

/// A virtual service as an IPVS_CMD_NEW_SERVICE message (a GET_SERVICE dump reply) describes it.
public struct IPVSService: Sendable, Equatable {
    /// AF_INET or AF_INET6.
    public let family: UInt16
    /// IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP; 0 for firewall-mark services.
    public let protocolNumber: UInt16
    /// nil for firewall-mark services.
    public let address: IPVSAddress?
    /// nil for firewall-mark services.
    public let port: UInt16?
    /// nil unless this is a firewall-mark service.
    public let firewallMark: UInt32?
    public let scheduler: String
    public let flags: UInt32
    /// Persistence timeout in seconds (meaningful when `isPersistent`).
    public let timeout: UInt32
    public let netmask: UInt32?
    public let persistenceEngine: String?
    public let statistics: IPVSStatistics

    public var isPersistent: Bool { flags & UInt32(IP_VS_SVC_F_PERSISTENT) != 0 }

    /// Parses the IPVS_CMD_ATTR_SERVICE nest of a generic netlink message's attributes.
    public init(message: GenericNetlinkMessage) throws(NetlinkError) {
        guard let nest = try message.attributes.nested(UInt16(IPVS_CMD_ATTR_SERVICE)) else {
            throw .malformed("IPVS service message without IPVS_CMD_ATTR_SERVICE")
        }
        try self.init(attributes: nest)
    }

    public init(attributes nest: NetlinkAttributes) throws(NetlinkError) {
        guard let family = nest.u16(UInt16(IPVS_SVC_ATTR_AF)) else {
            throw .malformed("IPVS service without IPVS_SVC_ATTR_AF")
        }
        self.family = family
        firewallMark = nest.u32(UInt16(IPVS_SVC_ATTR_FWMARK)).flatMap { $0 == 0 ? nil : $0 }
        if firewallMark == nil {
            guard let protocolNumber = nest.u16(UInt16(IPVS_SVC_ATTR_PROTOCOL)),
                  let payload = nest[UInt16(IPVS_SVC_ATTR_ADDR)],
                  let address = IPVSAddress(family: Int32(family), payload: payload),
                  let port = nest.be16(UInt16(IPVS_SVC_ATTR_PORT)) else {
                throw .malformed("IPVS service with neither a firewall mark nor protocol, address and port")
            }
            self.protocolNumber = protocolNumber
            self.address = address
            self.port = port
        } else {
            protocolNumber = nest.u16(UInt16(IPVS_SVC_ATTR_PROTOCOL)) ?? 0
            address = nil
            port = nil
        }
        scheduler = nest.string(UInt16(IPVS_SVC_ATTR_SCHED_NAME)) ?? ""
        flags = nest.u32(UInt16(IPVS_SVC_ATTR_FLAGS)) ?? 0   // struct ip_vs_flags: flags first, then mask
        timeout = nest.u32(UInt16(IPVS_SVC_ATTR_TIMEOUT)) ?? 0
        netmask = nest.u32(UInt16(IPVS_SVC_ATTR_NETMASK))
        persistenceEngine = nest.string(UInt16(IPVS_SVC_ATTR_PE_NAME))
        statistics = try IPVSStatistics(from: nest, stats: UInt16(IPVS_SVC_ATTR_STATS), stats64: UInt16(IPVS_SVC_ATTR_STATS64)) ?? IPVSStatistics()
    }

    /// "tcp", "udp", "sctp", "" for firewall-mark services, or the protocol number.
    public var protocolName: String {
        if firewallMark != nil { return "" }
        switch Int(protocolNumber) {
        case IPPROTO_TCP: return "tcp"
        case IPPROTO_UDP: return "udp"
        case IPPROTO_SCTP: return "sctp"
        default: return String(protocolNumber)
        }
    }

    /// Adds the attributes that name this service to a request (what GET_DEST needs).
    func putIdentity(into builder: inout NetlinkMessageBuilder) throws(NetlinkError) {
        try builder.put(UInt16.self, UInt16(IPVS_SVC_ATTR_AF), family)
        if let firewallMark {
            try builder.put(UInt32.self, UInt16(IPVS_SVC_ATTR_FWMARK), firewallMark)
        } else if let address, let port {
            try builder.put(UInt16.self, UInt16(IPVS_SVC_ATTR_PROTOCOL), protocolNumber)
            try builder.put(UInt16(IPVS_SVC_ATTR_ADDR), bytes: address.bytes + [UInt8](repeating: 0, count: 16 - address.bytes.count))
            try builder.putNetworkOrder(UInt16(IPVS_SVC_ATTR_PORT), port)
        }
    }
}
