import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which one, and the errno it left. The one errno type of the package:
/// netlink errors and namespace errors describe their errno through `describe` alike.
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String {
        "\(call): \(Self.describe(errno))"
    }

    /// The errno's text and symbolic name: "Too many open files (EMFILE)".
    public static func describe(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        guard let name = clinux_errno_name(code) else { return text }
        return "\(text) (\(String(cString: name)))"
    }
}
