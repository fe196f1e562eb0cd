import LinuxSystem

/// What can go wrong talking to the kernel over netlink.
public enum NetlinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A reply the parser cannot trust (lengths that do not add up, a truncated header).
    case malformed(String)
    /// The kernel answered the request with a negative errno.
    case kernel(errno: Int32, context: String)
    /// A libnl call failed (negative libnl error code, with libnl's own text).
    case library(code: Int32, message: String, context: String)
    /// No reply before the socket's receive timeout.
    case timeout(context: String)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed netlink reply: \(why)"
        case .kernel(let errno, let context): "\(context): kernel error \(errno) (\(SystemError.describe(errno)))"
        case .library(let code, let message, let context): "\(context): libnl error \(code) (\(message))"
        case .timeout(let context): "\(context): no reply from the kernel before the receive timeout"
        }
    }
}
