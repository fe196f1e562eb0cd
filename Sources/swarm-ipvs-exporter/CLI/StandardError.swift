#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to file descriptor 2 (safe from any thread, unlike the C `stderr` global).
enum StandardError {
    static func write(_ text: String) {
        var remaining = Array(text.utf8)[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            if written < 0 { if errno == EINTR { continue } else { return } }
            remaining = remaining.dropFirst(written)
        }
    }
}
