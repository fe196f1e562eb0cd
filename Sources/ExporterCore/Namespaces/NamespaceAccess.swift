public import LinuxSystem

/// How namespaces are found and entered.
///
/// The kernel's way (`KernelNamespaces`): a path names an nsfs file, the namespace's identity is
/// that file's inode, and entering it is setns(2) on a thread of its own. Behind this protocol the
/// tracker's rules (keep the readers while the inode stays, re-open them when it changes, release
/// them when the path is gone) can run in tests on namespaces that are only paths and numbers,
/// without root. It is asked once per namespace and scrape, never per sample.
public protocol NamespaceAccess: Sendable {
    /// Which namespace `path` names now, or why it names none (a vanished path: ENOENT).
    func identity(of path: String) -> Result<NamespaceIdentity, SystemError>

    /// Whether `path` may be entered; asked before a namespace new at its path is entered.
    func check(_ path: String) -> Result<Void, NamespaceFileCheck.Refusal>

    /// Joins the namespace at `path` and runs `body` there. `body` gets the identity of the
    /// namespace actually joined, which may differ from what `identity(of:)` said a moment before.
    func run<T: Sendable>(
        in path: String,
        _ body: @escaping @Sendable (NamespaceIdentity) -> T
    ) async -> Result<T, NamespaceThread.Failure>
}

/// Network namespaces as the kernel has them: nsfs files, stat(2) and setns(2).
public struct KernelNamespaces: NamespaceAccess {
    public init() {}

    public func identity(of path: String) -> Result<NamespaceIdentity, SystemError> {
        NamespaceIdentity.of(path: path)
    }

    public func check(_ path: String) -> Result<Void, NamespaceFileCheck.Refusal> {
        NamespaceFileCheck.check(path: path)
    }

    public func run<T: Sendable>(
        in path: String,
        _ body: @escaping @Sendable (NamespaceIdentity) -> T
    ) async -> Result<T, NamespaceThread.Failure> {
        await NamespaceThread.run(in: path, body)
    }
}
