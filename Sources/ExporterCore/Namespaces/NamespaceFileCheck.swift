import CLinux
import LinuxSystem
#if canImport(Glibc)
import Glibc
#endif

/// Whether a path names a network namespace file (nsfs), checked before it is entered: a FIFO
/// would block the open for ever, and a regular file, a directory or /dev/null would fail later
/// with a bare "Invalid argument". Devices, FIFOs, sockets and directories are refused from
/// stat(2) alone, without opening them.
public enum NamespaceFileCheck {
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public static func check(path: String) -> Result<Void, Refusal> {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return .failure(Refusal(description: "cannot stat: \(SystemError.describe(errno))"))
        }
        let kind: String? = switch info.st_mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
        if let kind { return .failure(Refusal(description: "not a network namespace file: it is \(kind)")) }
        let type = clinux_namespace_type(path)
        if type == -ENOTTY {
            return .failure(Refusal(description: "not a network namespace file: an ordinary file (network namespaces are nsfs files such as /var/run/docker/netns/ingress_sbox or /proc/PID/ns/net)"))
        }
        if type < 0 { return .failure(Refusal(description: "cannot open: \(SystemError.describe(-type))")) }
        guard type == NamespaceType.network else {
            return .failure(Refusal(description: "a namespace file, but of a \(name(ofType: type)) namespace, not a network one"))
        }
        return .success(())
    }

    /// The CLONE_NEW* values NS_GET_NSTYPE answers with (kernel ABI; glibc declares them only
    /// under _GNU_SOURCE, which Swift's Glibc module does not see).
    private enum NamespaceType {
        static let network: Int32 = 0x4000_0000
        static let names: [Int32: String] = [
            0x0002_0000: "mount", 0x0400_0000: "UTS", 0x0800_0000: "IPC", 0x1000_0000: "user",
            0x2000_0000: "PID", 0x0200_0000: "cgroup", 0x0000_0080: "time",
        ]
    }

    private static func name(ofType type: Int32) -> String {
        NamespaceType.names[type] ?? "type \(type)"
    }
}
