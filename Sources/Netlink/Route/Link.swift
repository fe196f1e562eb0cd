import CNetlink
#if canImport(Glibc)
import Glibc
#endif

/// One network device as an RTM_NEWLINK message describes it.
public struct Link: Sendable, Equatable {
    public let index: Int32
    public let name: String
    /// ARPHRD_* hardware type.
    public let hardwareType: UInt16
    /// IFF_* flags.
    public let flags: UInt32
    public let mtu: UInt32?
    public let operationalState: OperationalState?
    /// 1 when the device has carrier.
    public let carrier: UInt8?
    /// Hardware address bytes (IFLA_ADDRESS), when the device has one.
    public let address: [UInt8]?
    /// The link kind (IFLA_INFO_KIND inside IFLA_LINKINFO: veth, bridge, vxlan, …); nil for
    /// devices without one (physical NICs, loopback).
    public let kind: String?
    public let statistics: LinkStatistics?

    /// `struct ifinfomsg`: family, pad, type, index, flags, change.
    static let headerSize = 16

    public init(message: NetlinkMessage) throws(NetlinkError) {
        guard message.type == UInt16(RTM_NEWLINK) else {
            throw .malformed("expected RTM_NEWLINK, got message type \(message.type)")
        }
        let header = ByteReader(message.payload)
        guard header.count >= Self.headerSize else {
            throw .malformed("RTM_NEWLINK payload of \(header.count) bytes is shorter than ifinfomsg")
        }
        hardwareType = header.host(UInt16.self, at: 2)!
        index = header.host(Int32.self, at: 4)!
        flags = header.host(UInt32.self, at: 8)!
        let attributes = try NetlinkAttributes(parsing: message.payload.dropFirst(Self.headerSize))
        guard let name = attributes.string(UInt16(IFLA_IFNAME)) else {
            throw .malformed("link \(index) has no IFLA_IFNAME")
        }
        self.name = name
        mtu = attributes.u32(UInt16(IFLA_MTU))
        operationalState = attributes.u8(UInt16(IFLA_OPERSTATE)).flatMap(OperationalState.init(rawValue:))
        carrier = attributes.u8(UInt16(IFLA_CARRIER))
        address = attributes[UInt16(IFLA_ADDRESS)].map(Array.init)
        kind = try attributes.nested(UInt16(IFLA_LINKINFO))?.string(UInt16(IFLA_INFO_KIND))
        statistics = attributes[UInt16(IFLA_STATS64)].flatMap(LinkStatistics.init(payload:))
    }

    /// The hardware address as `ip link` prints it (`aa:bb:cc:dd:ee:ff`), "" when there is none.
    public var formattedAddress: String {
        guard let address else { return "" }
        let digits: [Character] = Array("0123456789abcdef")
        var out = ""
        for (offset, byte) in address.enumerated() {
            if offset > 0 { out.append(":") }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return out
    }
}

extension NetlinkTransport {
    /// Every device of the socket's namespace (an RTM_GETLINK dump).
    public func dumpLinks() throws(NetlinkError) -> [Link] {
        var header = [UInt8](repeating: 0, count: Link.headerSize)
        header[0] = UInt8(AF_UNSPEC)
        let messages = try request(type: UInt16(RTM_GETLINK), dump: true, header: header, context: "RTM_GETLINK dump")
        var links: [Link] = []
        links.reserveCapacity(messages.count)
        for message in messages { links.append(try Link(message: message)) }
        return links
    }
}
