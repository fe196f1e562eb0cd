import CNetlink

/// Adds attributes to a request being built by libnl.
public struct NetlinkMessageBuilder {
    private let message: OpaquePointer
    private let context: String

    init(message: OpaquePointer, context: String) {
        self.message = message
        self.context = context
    }

    public mutating func put(_ type: UInt16, bytes: [UInt8]) throws(NetlinkError) {
        let result = bytes.withUnsafeBytes { nla_put(message, Int32(type), Int32($0.count), $0.baseAddress) }
        guard result == 0 else { throw NetlinkSocket.libraryError(result, context) }
    }

    public mutating func put<T: FixedWidthInteger>(_ type: T.Type, _ attribute: UInt16, _ value: T) throws(NetlinkError) {
        try put(attribute, bytes: withUnsafeBytes(of: value.littleEndian) { Array($0) })
    }

    /// A 16-bit value in network byte order (ports).
    public mutating func putNetworkOrder(_ attribute: UInt16, _ value: UInt16) throws(NetlinkError) {
        try put(attribute, bytes: withUnsafeBytes(of: value.bigEndian) { Array($0) })
    }

    /// Puts a nested attribute whose members `body` adds.
    public mutating func nest(_ type: UInt16, _ body: (inout NetlinkMessageBuilder) throws(NetlinkError) -> Void) throws(NetlinkError) {
        guard let start = nla_nest_start(message, Int32(type)) else {
            throw .library(code: -Int32(NLE_NOMEM), message: "no room for a nested attribute", context: context)
        }
        try body(&self)
        let result = nla_nest_end(message, start)
        guard result == 0 else { throw NetlinkSocket.libraryError(result, context) }
    }
}
