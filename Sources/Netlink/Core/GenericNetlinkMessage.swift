/// A generic netlink message: `genlmsghdr` (command, version) and the attributes after it.
public struct GenericNetlinkMessage: Sendable {
    public static let headerSize = 4

    public let command: UInt8
    public let version: UInt8
    public let attributes: NetlinkAttributes

    public init(_ message: NetlinkMessage) throws(NetlinkError) {
        let header = ByteReader(message.payload)
        guard header.count >= Self.headerSize else {
            throw .malformed("generic netlink payload of \(header.count) bytes is shorter than genlmsghdr")
        }
        command = header.host(UInt8.self, at: 0)!
        version = header.host(UInt8.self, at: 1)!
        attributes = try NetlinkAttributes(parsing: message.payload.dropFirst(Self.headerSize))
    }

    /// The header bytes of a request: command, version, two reserved bytes.
    public static func header(command: UInt8, version: UInt8) -> [UInt8] {
        [command, version, 0, 0]
    }
}
