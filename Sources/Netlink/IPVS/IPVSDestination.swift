import CNetlink

/// A real server (backend) of a virtual service, from an IPVS_CMD_NEW_DEST dump reply.
public struct IPVSDestination: Sendable, Equatable {
    public enum Forwarding: UInt32, Sendable {
        case masquerade = 0
        case local = 1
        case tunnel = 2
        case route = 3
        case bypass = 4

        /// The label value: masq, local, tunnel, route, bypass (ipvsadm's column, lower-case).
        public var name: String {
            switch self {
            case .masquerade: "masq"
            case .local: "local"
            case .tunnel: "tunnel"
            case .route: "route"
            case .bypass: "bypass"
            }
        }
    }

    public let address: IPVSAddress
    public let port: UInt16
    public let forwarding: Forwarding?
    /// The kernel stores it as a signed int; ipvsadm accepts 0...65535.
    public let weight: Int32
    public let upperThreshold: UInt32
    public let lowerThreshold: UInt32
    public let activeConnections: UInt32
    public let inactiveConnections: UInt32
    public let persistentConnections: UInt32
    public let statistics: IPVSStatistics

    /// - Parameter serviceFamily: used when the kernel does not send IPVS_DEST_ATTR_ADDR_FAMILY
    ///   (kernels before 4.8 only support a backend of the service's own family).
    public init(message: GenericNetlinkMessage, serviceFamily: UInt16) throws(NetlinkError) {
        guard let nest = try message.attributes.nested(UInt16(IPVS_CMD_ATTR_DEST)) else {
            throw .malformed("IPVS destination message without IPVS_CMD_ATTR_DEST")
        }
        let family = nest.u16(UInt16(IPVS_DEST_ATTR_ADDR_FAMILY)) ?? serviceFamily
        guard let payload = nest[UInt16(IPVS_DEST_ATTR_ADDR)],
              let address = IPVSAddress(family: Int32(family), payload: payload),
              let port = nest.be16(UInt16(IPVS_DEST_ATTR_PORT)) else {
            throw .malformed("IPVS destination without a valid address and port")
        }
        self.address = address
        self.port = port
        forwarding = nest.u32(UInt16(IPVS_DEST_ATTR_FWD_METHOD)).flatMap { Forwarding(rawValue: $0 & UInt32(IP_VS_CONN_F_FWD_MASK)) }
        weight = nest.u32(UInt16(IPVS_DEST_ATTR_WEIGHT)).map { Int32(bitPattern: $0) } ?? 0
        upperThreshold = nest.u32(UInt16(IPVS_DEST_ATTR_U_THRESH)) ?? 0
        lowerThreshold = nest.u32(UInt16(IPVS_DEST_ATTR_L_THRESH)) ?? 0
        activeConnections = nest.u32(UInt16(IPVS_DEST_ATTR_ACTIVE_CONNS)) ?? 0
        inactiveConnections = nest.u32(UInt16(IPVS_DEST_ATTR_INACT_CONNS)) ?? 0
        persistentConnections = nest.u32(UInt16(IPVS_DEST_ATTR_PERSIST_CONNS)) ?? 0
        statistics = try IPVSStatistics(from: nest, stats: UInt16(IPVS_DEST_ATTR_STATS), stats64: UInt16(IPVS_DEST_ATTR_STATS64)) ?? IPVSStatistics()
    }
}
