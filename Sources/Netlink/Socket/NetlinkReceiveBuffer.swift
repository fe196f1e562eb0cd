#if canImport(Glibc)
import Glibc
#endif

/// The memory netlink datagrams are read into: one per thread (`ofCurrentThread`), reused by
/// every request made on it. A scrape of 1,000 namespaces makes 4,000 link and conntrack requests
/// on the 4 threads of the scrape pool, and an IPVS scrape one request per service: a fresh 64 KiB
/// each time fragments the heap (docs/benchmarks.md, "Figures behind design choices").
/// Replies are copied out of the buffer, so reusing it never changes a reply already returned.
final class NetlinkReceiveBuffer {
    let bytes: UnsafeMutableRawBufferPointer

    private init() {
        bytes = .allocate(byteCount: NetlinkSocket.receiveBufferSize, alignment: 8)
    }

    deinit { bytes.deallocate() }

    /// The calling thread's buffer, made on first use and freed when the thread exits.
    static var ofCurrentThread: NetlinkReceiveBuffer {
        if let stored = pthread_getspecific(threadKey) {
            return Unmanaged<NetlinkReceiveBuffer>.fromOpaque(stored).takeUnretainedValue()
        }
        let buffer = NetlinkReceiveBuffer()
        pthread_setspecific(threadKey, Unmanaged.passRetained(buffer).toOpaque())
        return buffer
    }

    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { stored in
            guard let stored else { return }
            Unmanaged<NetlinkReceiveBuffer>.fromOpaque(stored).release()
        }
        precondition(created == 0, "pthread_key_create: \(created)")
        return key
    }()
}
