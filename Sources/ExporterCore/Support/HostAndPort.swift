/// The host and the port of `HOST:PORT`, `[IPv6]:PORT`, `HOST`, `[IPv6]` or a bare IPv6 address
/// (more than one colon and no brackets: all host, no port). What a host or a port must be is left
/// to the caller (`--web.listen-address` needs a port; a probe target may default one).
public struct HostAndPort: Sendable, Equatable {
    public let host: String
    public let port: String?

    public init?(_ text: String) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty {
                port = nil
            } else if rest.hasPrefix(":") {
                port = String(rest.dropFirst())
            } else {
                return nil
            }
        } else if let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") {
            host = String(text[..<colon])
            port = String(text[text.index(after: colon)...])
        } else {
            host = text
            port = nil
        }
    }
}
