public import ExporterCore
public import LinuxSystem
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// Namespaces that are only paths and inode numbers, for the tracker's rules without root: a path
/// that is `replace`d names a new namespace (a new inode), one that `vanish`es fails stat and open
/// with ENOENT as a deleted nsfs file does.
public final class FakeNamespaces: NamespaceAccess {
    private struct State {
        var inodes: [String: UInt64] = [:]
        var nextInode: UInt64 = 4_026_531_840  // where the kernel's nsfs inodes start
        var entries: [String: Int] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init(paths: [String]) {
        for path in paths { create(path) }
    }

    /// Makes `path` name a namespace it never named before.
    @discardableResult
    public func create(_ path: String) -> UInt64 {
        state.withLockedValue { state in
            state.nextInode += 1
            state.inodes[path] = state.nextInode
            return state.nextInode
        }
    }

    /// A new namespace at the same path (Docker restarted, the node re-joined the swarm).
    @discardableResult
    public func replace(_ path: String) -> UInt64 { create(path) }

    public func vanish(_ path: String) {
        state.withLockedValue { _ = $0.inodes.removeValue(forKey: path) }
    }

    public func inode(of path: String) -> UInt64? {
        state.withLockedValue { $0.inodes[path] }
    }

    /// How often the namespace at `path` was entered (readers opened in it).
    public func entries(of path: String) -> Int {
        state.withLockedValue { $0.entries[path] ?? 0 }
    }

    public func identity(of path: String) -> Result<NamespaceIdentity, SystemError> {
        guard let inode = inode(of: path) else { return .failure(SystemError(call: "stat", errno: ENOENT)) }
        return .success(NamespaceIdentity(device: 4, inode: inode))
    }

    public func check(_ path: String) -> Result<Void, NamespaceFileCheck.Refusal> {
        .success(())
    }

    public func run<T: Sendable>(
        in path: String,
        _ body: @escaping @Sendable (NamespaceIdentity) -> T
    ) async -> Result<T, NamespaceThread.Failure> {
        let inode: UInt64? = state.withLockedValue { state in
            guard let inode = state.inodes[path] else { return nil }
            state.entries[path, default: 0] += 1
            return inode
        }
        guard let inode else { return .failure(.open(SystemError(call: "open", errno: ENOENT))) }
        return .success(body(NamespaceIdentity(device: 4, inode: inode)))
    }
}
