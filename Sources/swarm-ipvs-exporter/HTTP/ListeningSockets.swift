#if canImport(Glibc)
import Glibc
#endif
import ExporterCore

/// The sockets the `--web.listen-address` values are served on.
///
/// `:PORT` means every address of both families, as in node_exporter. On Linux one IPv6 socket
/// bound to `::` takes IPv4 connections too (as `::ffff:a.b.c.d`) unless the host makes IPv6
/// sockets IPv6-only (`net.ipv6.bindv6only = 1`, then `0.0.0.0` is bound beside it); a kernel
/// without IPv6 (`ipv6.disable=1`: no AF_INET6 sockets at all) gets `0.0.0.0` alone, and so does a
/// namespace where `::` does not resolve because no IPv6 address is configured (`disable_ipv6`,
/// what Docker does for containers without IPv6 networks).
enum ListeningSockets {
    /// What the kernel offers IPv6 sockets.
    enum IPv6Support: Equatable, Sendable {
        /// `::` takes IPv4 connections too.
        case dualStack
        /// IPv6 sockets see IPv6 only (`bindv6only`): `::` and `0.0.0.0` are bound apart.
        case separate
        /// No IPv6 sockets at all; the reason (`socket: Address family not supported by protocol`).
        case absent(String)

        /// The kernel asked: can an IPv6 socket be made, and is a new one IPv6-only?
        static func probe() -> IPv6Support {
            let descriptor = socket(AF_INET6, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else {
                let code = errno
                return .absent("socket(AF_INET6): \(String(cString: strerror(code)))")
            }
            var only: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            // The socket's own default is the truth (it follows the namespace's bindv6only).
            let asked = getsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &only, &size)
            close(descriptor)
            // The server resolves "::" as NIO does, with getaddrinfo and no hints, which means
            // AI_ADDRCONFIG: where no IPv6 address is configured (a Docker container without an
            // IPv6 network: its namespace has disable_ipv6 set) "::" does not resolve
            // (EAI_ADDRFAMILY), though an IPv6 socket can be made. Found in the lab's containers.
            var found: UnsafeMutablePointer<addrinfo>?
            let resolved = getaddrinfo("::", "0", nil, &found)
            if let found { freeaddrinfo(found) }
            guard resolved == 0 else {
                return .absent("\"::\" does not resolve here (getaddrinfo: \(String(cString: gai_strerror(resolved)))): no IPv6 address is configured")
            }
            return asked == 0 && only != 0 ? .separate : .dualStack
        }
    }

    /// One socket to bind: the host given to the server, and the flag value it serves.
    struct Socket: Equatable, Sendable, CustomStringConvertible {
        let host: String
        let port: Int
        let address: ListenAddress

        var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// The sockets for `addresses`, in their order.
    static func sockets(for addresses: [ListenAddress], ipv6: IPv6Support) -> [Socket] {
        addresses.flatMap { address -> [Socket] in
            guard address.isEveryAddress else { return [Socket(host: address.host, port: address.port, address: address)] }
            switch ipv6 {
            case .dualStack: return [Socket(host: "::", port: address.port, address: address)]
            case .separate: return [Socket(host: "::", port: address.port, address: address), Socket(host: "0.0.0.0", port: address.port, address: address)]
            case .absent: return [Socket(host: "0.0.0.0", port: address.port, address: address)]
            }
        }
    }
}
