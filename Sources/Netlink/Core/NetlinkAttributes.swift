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
    private let entries: [Entry]

    /// Types in the order they came.
    public var types: [UInt16] { entries.map(\.type) }

    public init(parsing bytes: ArraySlice<UInt8>) throws(NetlinkError) {
        self.bytes = bytes
        let start = bytes.startIndex
        entries = try bytes.withUnsafeBytes { raw in
            Result { () throws(NetlinkError) in try Self.entries(in: raw, startIndex: start) }
        }.get()
    }

    /// The headers walked in place (one pass, no slices).
    private static func entries(in raw: UnsafeRawBufferPointer, startIndex: Int) throws(NetlinkError) -> [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(raw.count / 8)
        var offset = 0
        // Trailing padding shorter than a header is allowed by the kernel's nla_ok().
        while raw.count - offset >= Self.headerSize {
            let length = Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
            let type = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)) & Self.typeMask
            guard length >= Self.headerSize else {
                throw .malformed("attribute type \(type) has length \(length), shorter than its header")
            }
            guard length <= raw.count - offset else {
                throw .malformed("attribute type \(type) has length \(length) but only \(raw.count - offset) bytes remain")
            }
            entries.append(Entry(type: type, payload: (startIndex + offset + Self.headerSize)..<(startIndex + offset + length)))
            offset += Self.align(length)
        }
        return entries
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

    public func u8(_ type: UInt16) -> UInt8? { integer(type) }
    public func u16(_ type: UInt16) -> UInt16? { integer(type) }
    public func u32(_ type: UInt16) -> UInt32? { integer(type) }
    public func u64(_ type: UInt16) -> UInt64? { integer(type) }
    /// A 16-bit value in network byte order (ports).
    public func be16(_ type: UInt16) -> UInt16? { integer(type).map { (value: UInt16) in UInt16(bigEndian: value.littleEndian) } }

    /// The host-order integer at the start of the last attribute of `type`; nil when there is none
    /// or its payload is shorter than the integer. Read in place: a slice and a reader per value
    /// cost a retain and release each, and an IPVS scrape reads hundreds of thousands of values.
    private func integer<T: FixedWidthInteger>(_ type: UInt16) -> T? {
        guard let entry = entries.last(where: { $0.type == type }), entry.payload.count >= MemoryLayout<T>.size else { return nil }
        let offset = entry.payload.lowerBound - bytes.startIndex
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
    public func string(_ type: UInt16) -> String? { self[type].map { ByteReader($0).string } }

    /// The attributes nested inside attribute `type`.
    public func nested(_ type: UInt16) throws(NetlinkError) -> NetlinkAttributes? {
        guard let payload = self[type] else { return nil }
        return try NetlinkAttributes(parsing: payload)
    }
}
