/// One netlink message: the `struct nlmsghdr` fields and the payload after the header.
public struct NetlinkMessage: Sendable, Equatable {
    public static let headerSize = 16

    public let type: UInt16
    public let flags: UInt16
    public let sequence: UInt32
    public let portID: UInt32
    public let payload: ArraySlice<UInt8>

    public init(type: UInt16, flags: UInt16, sequence: UInt32, portID: UInt32, payload: ArraySlice<UInt8>) {
        self.type = type
        self.flags = flags
        self.sequence = sequence
        self.portID = portID
        self.payload = payload
    }

    /// Control message types shared by every netlink protocol (linux/netlink.h).
    public enum Control {
        public static let noop: UInt16 = 1
        public static let error: UInt16 = 2
        public static let done: UInt16 = 3
        public static let overrun: UInt16 = 4
    }

    /// NLM_F_MULTI: one part of a multi-part reply (a dump), ended by a DONE message.
    public static let flagMulti: UInt16 = 0x2
    /// NLM_F_DUMP_INTR: the dump was interrupted by a change and may be inconsistent.
    public static let flagDumpInterrupted: UInt16 = 0x10

    /// Splits one datagram into its messages. Throws on any length that does not add up.
    public static func split(_ datagram: ArraySlice<UInt8>) throws(NetlinkError) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var offset = datagram.startIndex
        while offset < datagram.endIndex {
            guard datagram.endIndex - offset >= headerSize else {
                throw .malformed("\(datagram.endIndex - offset) trailing bytes are too few for a message header")
            }
            let header = ByteReader(datagram[offset..<(offset + headerSize)])
            let length = Int(header.host(UInt32.self, at: 0)!)
            guard length >= headerSize, length <= datagram.endIndex - offset else {
                throw .malformed("message length \(length) does not fit the \(datagram.endIndex - offset) bytes left")
            }
            messages.append(NetlinkMessage(
                type: header.host(UInt16.self, at: 4)!,
                flags: header.host(UInt16.self, at: 6)!,
                sequence: header.host(UInt32.self, at: 8)!,
                portID: header.host(UInt32.self, at: 12)!,
                payload: datagram[(offset + headerSize)..<(offset + length)]
            ))
            offset += NetlinkAttributes.align(length)
        }
        return messages
    }

    public static func split(_ datagram: [UInt8]) throws(NetlinkError) -> [NetlinkMessage] {
        try split(datagram[...])
    }

    /// For an error message: the errno it carries (0 is an acknowledgement), as a positive number.
    public var errorCode: Int32? {
        guard type == Control.error else { return nil }
        return ByteReader(payload).host(Int32.self).map { 0 &- $0 }
    }
}
