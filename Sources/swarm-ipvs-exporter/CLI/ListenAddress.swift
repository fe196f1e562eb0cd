import ExporterCore

/// `--web.listen-address`: `:PORT` (every address), `HOST:PORT` or `[IPv6]:PORT`.
struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    let host: String
    let port: Int

    init?(_ text: String) {
        guard let parts = HostAndPort(text), let portText = parts.port, let port = Int(portText), (0...65535).contains(port) else { return nil }
        self.host = parts.host.isEmpty ? "0.0.0.0" : parts.host
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
