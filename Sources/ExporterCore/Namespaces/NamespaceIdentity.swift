public import LinuxSystem
#if canImport(Glibc)
import Glibc
#endif

/// Which namespace a path names: the device and inode of its nsfs file. A different inode at the
/// same path means a different namespace (whoever made it, a container runtime say, made it anew).
public struct NamespaceIdentity: Sendable, Hashable, CustomStringConvertible {
    public let device: UInt64
    public let inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// The identity of the file at `path` now, or the errno that stat(2) failed with.
    public static func of(path: String) -> Result<NamespaceIdentity, SystemError> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(SystemError(call: "stat", errno: errno)) }
        return .success(NamespaceIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    /// The identity of an open file.
    static func of(descriptor: Int32) -> Result<NamespaceIdentity, SystemError> {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(SystemError(call: "fstat", errno: errno)) }
        return .success(NamespaceIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    public var description: String { "inode \(inode)" }
}
