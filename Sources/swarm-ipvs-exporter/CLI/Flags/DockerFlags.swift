import SwarmDiscovery

/// `--docker.host` (and `--docker.socket`, its older spelling for a unix socket).
enum DockerFlags {
    static let defaultHost = DockerHost.unix(path: "/var/run/docker.sock")

    static func host(_ text: String) throws(FlagRefusal) -> DockerHost {
        do {
            return try DockerHost.parse(text)
        } catch {
            throw FlagRefusal("--docker.host \(error)")
        }
    }
}
