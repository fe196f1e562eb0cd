import ExporterCore

/// One `--web.listen-address`: `:PORT` (every address, IPv4 and IPv6), `HOST:PORT` or `[IPv6]:PORT`.
struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// Empty for `:PORT`.
    let host: String
    let port: Int

    static let defaultAddress = ListenAddress(host: "", port: 10118)

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(_ text: String) {
        guard let parts = HostAndPort(text), let portText = parts.port, let port = Int(portText), (0...65535).contains(port) else { return nil }
        self.init(host: parts.host, port: port)
    }

    /// `--web.listen-address`'s conversion.
    static func flag(_ text: String) throws(FlagRefusal) -> ListenAddress {
        guard let address = ListenAddress(text) else {
            throw FlagRefusal("--web.listen-address \"\(text)\" is not :PORT, HOST:PORT or [IPv6]:PORT with a port from 0 to 65535")
        }
        return address
    }

    /// Every address of the host, in both families, as node_exporter's `:PORT` is.
    var isEveryAddress: Bool { host.isEmpty }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
