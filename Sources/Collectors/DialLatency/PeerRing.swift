#if canImport(Glibc)
import Glibc
#endif

/// Which peers a node dials: on a large cluster every node dialling every other is O(n²), so each
/// node dials only the `neighbours` next addresses after its own on the ring of sorted addresses.
enum PeerRing {
    /// - Parameters:
    ///   - addresses: every peer address discovered (this node's own included or not).
    ///   - own: this node's addresses, which are never dialled.
    ///   - neighbours: how many to take; 0 takes all.
    static func select(_ addresses: [String], own: Set<String>, neighbours: Int) -> [String] {
        let ring = Array(Set(addresses)).sorted(by: AddressOrder.precedes)
        let others = ring.filter { !own.contains($0) }
        guard neighbours > 0, neighbours < others.count else { return others }
        // Start after this node's place on the ring (its lowest own address that is on it).
        let start: Int
        if let mine = ring.filter(own.contains).first, let index = others.firstIndex(where: { AddressOrder.precedes(mine, $0) }) {
            start = index
        } else {
            start = 0
        }
        return (0..<neighbours).map { others[(start + $0) % others.count] }
    }

    /// Every address of this network namespace's interfaces.
    static func ownAddresses() -> Set<String> {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return [] }
        defer { freeifaddrs(list) }
        var result: Set<String> = []
        var cursor = list
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr else { continue }
            let family = Int32(address.pointee.sa_family)
            guard family == AF_INET || family == AF_INET6 else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            let length = socklen_t(family == AF_INET ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
            if getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 {
                result.insert(String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        return result
    }
}
