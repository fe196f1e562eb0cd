#if canImport(Glibc)
import Glibc
#endif

/// The machine's host name (gethostname(2)). In the stack, the container's host name is set to
/// the node's (`hostname: "{{.Node.Hostname}}"`), so the landing page and the start line say which
/// node they come from.
enum HostName {
    static var current: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
