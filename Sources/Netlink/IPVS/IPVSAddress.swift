#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address as IPVS carries it (`union nf_inet_addr`, 16 bytes, IPv4 in the first 4).
public struct IPVSAddress: Sendable, Hashable, CustomStringConvertible {
    public let family: Int32
    public let bytes: [UInt8]

    /// - Parameters:
    ///   - family: AF_INET or AF_INET6.
    ///   - payload: the attribute's payload (at least 4 bytes for IPv4, 16 for IPv6).
    public init?(family: Int32, payload: ArraySlice<UInt8>) {
        let length = family == AF_INET6 ? 16 : family == AF_INET ? 4 : 0
        guard length > 0, payload.count >= length else { return nil }
        self.family = family
        self.bytes = Array(payload.prefix(length))
    }

    /// The address as `inet_ntop` writes it (IPv6 compressed and lower-case).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
