/// A device's counters as the kernel keeps them (`struct rtnl_link_stats64`, attribute IFLA_STATS64).
public struct LinkStatistics: Sendable, Equatable {
    public var receivePackets: UInt64 = 0
    public var transmitPackets: UInt64 = 0
    public var receiveBytes: UInt64 = 0
    public var transmitBytes: UInt64 = 0
    public var receiveErrors: UInt64 = 0
    public var transmitErrors: UInt64 = 0
    public var receiveDropped: UInt64 = 0
    public var transmitDropped: UInt64 = 0
    public var multicast: UInt64 = 0
    public var collisions: UInt64 = 0
    public var receiveLengthErrors: UInt64 = 0
    public var receiveOverErrors: UInt64 = 0
    public var receiveCRCErrors: UInt64 = 0
    public var receiveFrameErrors: UInt64 = 0
    public var receiveFIFOErrors: UInt64 = 0
    public var receiveMissedErrors: UInt64 = 0
    public var transmitAbortedErrors: UInt64 = 0
    public var transmitCarrierErrors: UInt64 = 0
    public var transmitFIFOErrors: UInt64 = 0
    public var transmitHeartbeatErrors: UInt64 = 0
    public var transmitWindowErrors: UInt64 = 0

    /// The 23 leading fields every kernel since 2.6.35 sends; later kernels append more, which are
    /// not read here.
    static let requiredSize = 23 * 8

    public init() {}

    /// Reads the struct from the attribute's payload; nil when it is shorter than the kernel's
    /// oldest layout.
    public init?(payload: ArraySlice<UInt8>) {
        let reader = ByteReader(payload)
        guard reader.count >= Self.requiredSize else { return nil }
        func field(_ index: Int) -> UInt64 { reader.host(UInt64.self, at: index * 8)! }
        receivePackets = field(0)
        transmitPackets = field(1)
        receiveBytes = field(2)
        transmitBytes = field(3)
        receiveErrors = field(4)
        transmitErrors = field(5)
        receiveDropped = field(6)
        transmitDropped = field(7)
        multicast = field(8)
        collisions = field(9)
        receiveLengthErrors = field(10)
        receiveOverErrors = field(11)
        receiveCRCErrors = field(12)
        receiveFrameErrors = field(13)
        receiveFIFOErrors = field(14)
        receiveMissedErrors = field(15)
        transmitAbortedErrors = field(16)
        transmitCarrierErrors = field(17)
        transmitFIFOErrors = field(18)
        transmitHeartbeatErrors = field(19)
        transmitWindowErrors = field(20)
    }
}
