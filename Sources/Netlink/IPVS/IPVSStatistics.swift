import CNetlink

/// Counters and estimator rates of a virtual service or a real server.
///
/// The kernel sends them twice: IPVS_*_ATTR_STATS (32-bit counters except bytes) and, since 4.1,
/// IPVS_*_ATTR_STATS64 (all 64-bit). The 64-bit set is read when present, so counters do not wrap
/// at 2^32 the way older exporters' do.
public struct IPVSStatistics: Sendable, Equatable {
    public var connections: UInt64 = 0
    public var incomingPackets: UInt64 = 0
    public var outgoingPackets: UInt64 = 0
    public var incomingBytes: UInt64 = 0
    public var outgoingBytes: UInt64 = 0
    /// The kernel's ~2 s estimator rates: connections, packets and bytes per second.
    public var connectionsPerSecond: UInt64 = 0
    public var incomingPacketsPerSecond: UInt64 = 0
    public var outgoingPacketsPerSecond: UInt64 = 0
    public var incomingBytesPerSecond: UInt64 = 0
    public var outgoingBytesPerSecond: UInt64 = 0
    /// True when these came from the 64-bit attribute set.
    public var is64Bit = false

    public init() {}

    /// Reads STATS64 when the container has it, STATS otherwise; nil when it has neither.
    init?(from container: NetlinkAttributes, stats: UInt16, stats64: UInt16) throws(NetlinkError) {
        if let nested = try container.nested(stats64) {
            self.init(nested, wide: true)
        } else if let nested = try container.nested(stats) {
            self.init(nested, wide: false)
        } else {
            return nil
        }
    }

    private init(_ attributes: NetlinkAttributes, wide: Bool) {
        func counter(_ type: Int) -> UInt64 {
            let key = UInt16(type)
            return wide ? attributes.u64(key) ?? 0 : attributes.u32(key).map(UInt64.init) ?? 0
        }
        connections = counter(IPVS_STATS_ATTR_CONNS)
        incomingPackets = counter(IPVS_STATS_ATTR_INPKTS)
        outgoingPackets = counter(IPVS_STATS_ATTR_OUTPKTS)
        // Byte counters are 64-bit in both sets.
        incomingBytes = attributes.u64(UInt16(IPVS_STATS_ATTR_INBYTES)) ?? 0
        outgoingBytes = attributes.u64(UInt16(IPVS_STATS_ATTR_OUTBYTES)) ?? 0
        connectionsPerSecond = counter(IPVS_STATS_ATTR_CPS)
        incomingPacketsPerSecond = counter(IPVS_STATS_ATTR_INPPS)
        outgoingPacketsPerSecond = counter(IPVS_STATS_ATTR_OUTPPS)
        incomingBytesPerSecond = counter(IPVS_STATS_ATTR_INBPS)
        outgoingBytesPerSecond = counter(IPVS_STATS_ATTR_OUTBPS)
        is64Bit = wide
    }
}
