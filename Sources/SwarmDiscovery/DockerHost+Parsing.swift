public import ExporterCore

extension DockerHost {
    /// Why a `--docker.host` value was refused, in words fit for the command line.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// `unix:///absolute/path` or `tcp://host:port` (`[IPv6]:port`); anything else is refused with
    /// the reason. TLS (`https://`, `tcp://` with certificates) is not spoken: a socket proxy on the
    /// same overlay network is reached in plain HTTP.
    public static func parse(_ text: String) throws(Refusal) -> DockerHost {
        let accepted = "unix:///PATH or tcp://HOST:PORT"
        if text.hasPrefix("unix://") {
            let path = String(text.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw Refusal(description: "\"\(text)\" needs an absolute socket path: unix:///var/run/docker.sock (three slashes)")
            }
            guard !path.utf8.contains(0) else { throw Refusal(description: "\"\(text)\": a socket path cannot contain NUL") }
            return .unix(path: path)
        }
        if text.hasPrefix("tcp://") {
            let rest = String(text.dropFirst("tcp://".count))
            guard let parts = HostAndPort(rest), !parts.host.isEmpty, let portText = parts.port else {
                throw Refusal(description: "\"\(text)\" is not tcp://HOST:PORT (the port is needed: Docker's own 2375 is never assumed)")
            }
            guard !portText.isEmpty, portText.utf8.allSatisfy({ (48...57).contains($0) }), let port = Int(portText), (1...65535).contains(port) else {
                throw Refusal(description: "\"\(text)\": the port must be a number from 1 to 65535")
            }
            // The host goes to getaddrinfo as it is: a name or an address, nothing that could be a path or a query.
            guard parts.host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "@") }) else {
                throw Refusal(description: "\"\(text)\" is not tcp://HOST:PORT")
            }
            return .tcp(host: parts.host, port: port)
        }
        if text.hasPrefix("http://") || text.hasPrefix("https://") {
            throw Refusal(description: "\"\(text)\" is not \(accepted): the Engine API over TCP is written tcp://HOST:PORT (plain HTTP; TLS is not supported)")
        }
        if text.hasPrefix("/") {
            throw Refusal(description: "\"\(text)\" is a path: write unix://\(text) (or use --docker.socket \(text))")
        }
        throw Refusal(description: "\"\(text)\" is not \(accepted)")
    }
}
