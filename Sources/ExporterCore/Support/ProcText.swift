#if canImport(Glibc)
import Glibc
#endif

/// A small /proc file read whole, or nil when it cannot be opened or read. For the exporter's own
/// process files and the health check's look at PID 1; the namespace collectors keep theirs open
/// instead (`ProcFile`).
public func readProcBytes(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let got = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if got < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if got == 0 { break }
        bytes += chunk[0..<got]
    }
    return bytes
}

/// `readProcBytes` as text.
func readProcText(_ path: String) -> String? {
    readProcBytes(path).map { String(decoding: $0, as: UTF8.self) }
}
