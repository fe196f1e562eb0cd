#if canImport(Glibc)
import Glibc
#endif

/// Reads a configuration file's text with plain system calls (no Foundation), refusing what is not
/// a file one can read to the end: a directory, a FIFO or socket (which could block startup), or
/// something too large to be a configuration file.
public enum ConfigurationFile {
    /// Why a file could not be read; `description` is the reason alone ("No such file or directory").
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Larger than any sensible configuration; refusing it keeps a wrong path (a disk image, a log)
    /// from being read into memory.
    public static let maximumSize = 4 << 20

    public static func read(_ path: String) throws(Failure) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw Failure(description: reason(errno)) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Failure(description: reason(errno)) }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: throw Failure(description: "it is a directory")
        case S_IFIFO, S_IFSOCK: throw Failure(description: "it is a pipe or socket, not a file")
        default: break
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: reason(errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= maximumSize else { throw Failure(description: "larger than \(maximumSize >> 20) MiB; not a configuration file") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Failure(description: "not UTF-8 text") }
        return text
    }

    /// The folder a relative path inside the file is taken relative to ("" for the current one).
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
