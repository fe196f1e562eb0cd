/// Reads fixed-size integers out of a byte buffer, never past its end.
///
/// Netlink carries integers in host byte order (little-endian on every platform this runs on)
/// except ports and addresses, which are in network order: both readers are here.
public struct ByteReader: Sendable {
    public let bytes: ArraySlice<UInt8>

    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes[...]
    }

    public var count: Int { bytes.count }

    /// A host-order integer at `offset` from the start, or nil when it would run past the end.
    public func host<T: FixedWidthInteger>(_ type: T.Type, at offset: Int = 0) -> T? {
        let size = MemoryLayout<T>.size
        guard offset >= 0, offset + size <= bytes.count else { return nil }
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    /// A network-order (big-endian) integer at `offset`.
    public func network<T: FixedWidthInteger>(_ type: T.Type, at offset: Int = 0) -> T? {
        host(type, at: offset).map { T(bigEndian: $0.littleEndian) }
    }

    /// A NUL-terminated (or unterminated) string filling the buffer.
    public var string: String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }
}
