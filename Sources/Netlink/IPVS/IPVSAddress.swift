#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address as IPVS carries it (`union nf_inet_addr`, 16 bytes, IPv4 in the first 4).
///
/// Kept inline (two words, no array): a large table has tens of thousands of backends, and each
/// address is parsed and printed once per scrape.
public struct IPVSAddress: Sendable, Hashable, CustomStringConvertible {
    public let family: Int32
    /// The 16 bytes of `nf_inet_addr` in network order; IPv4 uses the first 4, the rest are 0.
    private let storage: (high: UInt64, low: UInt64)

    /// - Parameters:
    ///   - family: AF_INET or AF_INET6.
    ///   - payload: the attribute's payload (at least 4 bytes for IPv4, 16 for IPv6).
    public init?(family: Int32, payload: ArraySlice<UInt8>) {
        let length = family == AF_INET6 ? 16 : family == AF_INET ? 4 : 0
        guard length > 0, payload.count >= length else { return nil }
        self.family = family
        var storage: (high: UInt64, low: UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &storage) { raw in
            payload.withUnsafeBytes { source in raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: source.prefix(length))) }
        }
        self.storage = storage
    }

    /// The address's bytes in network order: 4 for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        withUnsafeBytes(of: storage) { Array($0.prefix(family == AF_INET6 ? 16 : 4)) }
    }

    public static func == (lhs: IPVSAddress, rhs: IPVSAddress) -> Bool {
        lhs.family == rhs.family && lhs.storage == rhs.storage
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(family)
        hasher.combine(storage.high)
        hasher.combine(storage.low)
    }

    /// The address as `inet_ntop` writes it (IPv6 compressed and lower-case).
    public var description: String {
        family == AF_INET ? ipv4Description : ipv6Description
    }

    /// Dotted quad, written directly (what inet_ntop writes for AF_INET).
    private var ipv4Description: String {
        withUnsafeBytes(of: storage) { raw in
            String(unsafeUninitializedCapacity: 15) { text in
                var count = 0
                for index in 0..<4 {
                    if index > 0 { text[count] = UInt8(ascii: "."); count += 1 }
                    let octet = raw[index]
                    if octet >= 100 { text[count] = UInt8(ascii: "0") + octet / 100; count += 1 }
                    if octet >= 10 { text[count] = UInt8(ascii: "0") + octet / 10 % 10; count += 1 }
                    text[count] = UInt8(ascii: "0") + octet % 10
                    count += 1
                }
                return count
            }
        }
    }

    private var ipv6Description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = withUnsafeBytes(of: storage) { raw in
            inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count))
        }
        guard written != nil else { return "" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
