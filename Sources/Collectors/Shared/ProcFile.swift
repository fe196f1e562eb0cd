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
    /// Whether the kernel renders the whole file in one piece (the /proc/net tables and sysctls this
    /// exporter reads: `single_open` and `proc_sys` files). Then a read that does not fill the
    /// buffer is the whole file, and the second read that would say "end of file" — which makes
    /// the kernel render the file all over again — is skipped.
    private let rendersInOnePiece: Bool
    /// Room for the next read: the last size with some headroom (a file's size barely changes).
    /// Used by one collection at a time (`ReaderSlot`).
    private var sizeHint = 4096

    struct Failure: Error, CustomStringConvertible {
        let path: String
        let call: String
        let code: Int32
        var description: String { "\(call) \(path): \(String(cString: strerror(code)))" }
        var isMissing: Bool { code == ENOENT }
    }

    init(_ path: String, rendersInOnePiece: Bool = false) throws(Failure) {
        let opened = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard opened >= 0 else { throw Failure(path: path, call: "open", code: errno) }
        self.path = path
        self.rendersInOnePiece = rendersInOnePiece
        descriptor = opened
    }

    deinit { close(descriptor) }

    /// The whole file as the kernel renders it now.
    func read() throws(Failure) -> String {
        String(decoding: try readBytes(), as: UTF8.self)
    }

    /// The whole file's bytes as the kernel renders them now, read straight into the array that
    /// is returned (no zero-filled chunk, no copy).
    func readBytes() throws(Failure) -> [UInt8] {
        var capacity = sizeHint
        while true {
            var failure: Int32 = 0
            var complete = false
            let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                count = 0
                while count < buffer.count {
                    let got = pread(descriptor, buffer.baseAddress! + count, buffer.count - count, off_t(count))
                    if got < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        count = 0
                        return
                    }
                    count += got
                    if got == 0 || (rendersInOnePiece && count < buffer.count) {
                        complete = true
                        return
                    }
                }
            }
            if failure != 0 { throw Failure(path: path, call: "pread", code: failure) }
            if complete {
                sizeHint = max(4096, bytes.count + bytes.count / 2 + 1024)
                return bytes
            }
            capacity *= 2  // the buffer filled up: read the file again, whole, into a larger one
        }
    }
}
