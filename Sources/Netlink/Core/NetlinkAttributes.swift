/// The attributes of one netlink message or one nested attribute, by type.
///
/// Parsing is pure: it walks `struct nlattr` headers (length, type) with their 4-byte alignment and
/// refuses any length that runs past the buffer. The nested and byte-order flag bits are stripped
/// from the type. When a type appears twice the last one wins, as libnl's nla_parse does.
///
/// The attributes are kept as one small array of (type, payload range) in the order they came: a
/// message has a dozen or two, so a search is cheaper than a dictionary's hashing and allocations,
/// and IPVS replies parse tens of thousands of nests per scrape.
public struct NetlinkAttributes: Sendable {
    public static let headerSize = 4
    private static let typeMask: UInt16 = 0x3FFF  // ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER)

    private struct Entry: Sendable {
        let type: UInt16
        let payload: Range<Int>
    }

    private let bytes: ArraySlice<UInt8>
    private var entries: [Entry] = []

    /// Types in the order they came.
    public var types: [UInt16] { entries.map(\.type) }

    public init(parsing bytes: ArraySlice<UInt8>) throws(NetlinkError) {
        self.bytes = bytes
        entries.reserveCapacity(bytes.count / 8)
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
            entries.append(Entry(type: type, payload: (offset + Self.headerSize)..<(offset + length)))
            offset += Self.align(length)
        }
    }

    public init(parsing bytes: [UInt8]) throws(NetlinkError) {
        try self.init(parsing: bytes[...])
    }

    public static func align(_ length: Int) -> Int { (length + 3) & ~3 }

    public func contains(_ type: UInt16) -> Bool { self[type] != nil }

    /// The payload of the last attribute of `type`.
    public subscript(_ type: UInt16) -> ArraySlice<UInt8>? {
        guard let entry = entries.last(where: { $0.type == type }) else { return nil }
        return bytes[entry.payload]
    }

    public func u8(_ type: UInt16) -> UInt8? { self[type].flatMap { ByteReader($0).host(UInt8.self) } }
    public func u16(_ type: UInt16) -> UInt16? { self[type].flatMap { ByteReader($0).host(UInt16.self) } }
    public func u32(_ type: UInt16) -> UInt32? { self[type].flatMap { ByteReader($0).host(UInt32.self) } }
    public func u64(_ type: UInt16) -> UInt64? { self[type].flatMap { ByteReader($0).host(UInt64.self) } }
    /// A 16-bit value in network byte order (ports).
    public func be16(_ type: UInt16) -> UInt16? { self[type].flatMap { ByteReader($0).network(UInt16.self) } }
    public func string(_ type: UInt16) -> String? { self[type].map { ByteReader($0).string } }

    /// The attributes nested inside attribute `type`.
    public func nested(_ type: UInt16) throws(NetlinkError) -> NetlinkAttributes? {
        guard let payload = self[type] else { return nil }
        return try NetlinkAttributes(parsing: payload)
    }
}
