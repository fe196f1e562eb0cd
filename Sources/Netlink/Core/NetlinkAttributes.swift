/// The attributes of one netlink message or one nested attribute, by type.
///
/// Parsing is pure: it walks `struct nlattr` headers (length, type) with their 4-byte alignment and
/// refuses any length that runs past the buffer. The nested and byte-order flag bits are stripped
/// from the type. When a type appears twice the last one wins, as libnl's nla_parse does.
public struct NetlinkAttributes: Sendable {
    public static let headerSize = 4
    private static let typeMask: UInt16 = 0x3FFF  // ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER)

    private var payloads: [UInt16: ArraySlice<UInt8>] = [:]
    /// Types in the order they came.
    public private(set) var types: [UInt16] = []

    public init(parsing bytes: ArraySlice<UInt8>) throws(NetlinkError) {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            guard bytes.endIndex - offset >= Self.headerSize else {
                // Trailing padding shorter than a header is allowed by the kernel's nla_ok().
                break
            }
            let header = ByteReader(bytes[offset..<(offset + Self.headerSize)])
            let length = Int(header.host(UInt16.self, at: 0)!)
            let type = header.host(UInt16.self, at: 2)! & Self.typeMask
            guard length >= Self.headerSize else {
                throw .malformed("attribute type \(type) has length \(length), shorter than its header")
            }
            guard length <= bytes.endIndex - offset else {
                throw .malformed("attribute type \(type) has length \(length) but only \(bytes.endIndex - offset) bytes remain")
            }
            payloads[type] = bytes[(offset + Self.headerSize)..<(offset + length)]
            types.append(type)
            offset += Self.align(length)
        }
    }

    public init(parsing bytes: [UInt8]) throws(NetlinkError) {
        try self.init(parsing: bytes[...])
    }

    public static func align(_ length: Int) -> Int { (length + 3) & ~3 }

    public func contains(_ type: UInt16) -> Bool { payloads[type] != nil }

    public subscript(_ type: UInt16) -> ArraySlice<UInt8>? { payloads[type] }

    public func u8(_ type: UInt16) -> UInt8? { payloads[type].flatMap { ByteReader($0).host(UInt8.self) } }
    public func u16(_ type: UInt16) -> UInt16? { payloads[type].flatMap { ByteReader($0).host(UInt16.self) } }
    public func u32(_ type: UInt16) -> UInt32? { payloads[type].flatMap { ByteReader($0).host(UInt32.self) } }
    public func u64(_ type: UInt16) -> UInt64? { payloads[type].flatMap { ByteReader($0).host(UInt64.self) } }
    /// A 16-bit value in network byte order (ports).
    public func be16(_ type: UInt16) -> UInt16? { payloads[type].flatMap { ByteReader($0).network(UInt16.self) } }
    public func string(_ type: UInt16) -> String? { payloads[type].map { ByteReader($0).string } }

    /// The attributes nested inside attribute `type`.
    public func nested(_ type: UInt16) throws(NetlinkError) -> NetlinkAttributes? {
        guard let payload = payloads[type] else { return nil }
        return try NetlinkAttributes(parsing: payload)
    }
}
