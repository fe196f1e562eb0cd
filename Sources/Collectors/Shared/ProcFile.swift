#if canImport(Glibc)
import Glibc
#endif

/// A /proc file opened once (inside a namespace) and read again from the start at every scrape.
///
/// Files under /proc/thread-self/net/ and /proc/sys/net/ show the network namespace of the
/// thread that opened them, for as long as they stay open; reading them later from any thread
/// gives that namespace's live values.
final class ProcFile {
    let path: String
    private let descriptor: Int32

    struct Failure: Error, CustomStringConvertible {
        let path: String
        let call: String
        let code: Int32
        var description: String { "\(call) \(path): \(String(cString: strerror(code)))" }
        var isMissing: Bool { code == ENOENT }
    }

    init(_ path: String) throws(Failure) {
        let opened = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard opened >= 0 else { throw Failure(path: path, call: "open", code: errno) }
        self.path = path
        descriptor = opened
    }

    deinit { close(descriptor) }

    /// The whole file as the kernel renders it now.
    func read() throws(Failure) -> String {
        String(decoding: try readBytes(), as: UTF8.self)
    }

    /// The whole file's bytes as the kernel renders them now.
    func readBytes() throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var offset: off_t = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, call: "pread", code: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            offset += off_t(count)
        }
        return bytes
    }
}
