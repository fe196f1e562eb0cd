#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which one, and the errno it left.
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String {
        "\(call): \(String(cString: strerror(errno)))"
    }
}
