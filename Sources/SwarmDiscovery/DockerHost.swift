/// Where the Docker Engine API is: a unix socket (the daemon's own, mounted into the container) or
/// a TCP address in plain HTTP (a socket proxy that lets only the exporter's GETs through).
///
/// Written as `unix:///path` or `tcp://host:port`, as Docker's `DOCKER_HOST` is (`DockerHost.parse`).
public enum DockerHost: Sendable, Hashable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    public var description: String {
        switch self {
        case .unix(let path): "unix://\(path)"
        case .tcp(let host, let port): host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        }
    }

    /// The `Host` header of a request: the address for TCP (what a proxy in front expects), a fixed
    /// name for a socket, which has none.
    var hostHeader: String {
        switch self {
        case .unix: "docker"
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}
