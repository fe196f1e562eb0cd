#if canImport(Glibc)
import Glibc
#endif

/// Writes every datagram the exporter receives to a directory when the environment variable
/// `SWARM_IPVS_EXPORTER_RECORD_NETLINK` names one. This is how the test fixtures under
/// Tests/NetlinkTests/Fixtures were captured from real kernels; it is off in normal runs.
final class NetlinkRecorder: @unchecked Sendable {
    static let shared: NetlinkRecorder? = getenv("SWARM_IPVS_EXPORTER_RECORD_NETLINK").map { NetlinkRecorder(directory: String(cString: $0)) }

    private let directory: String
    private var counter = 0
    private var mutex = pthread_mutex_t()

    private init(directory: String) {
        self.directory = directory
        pthread_mutex_init(&mutex, nil)
        mkdir(directory, 0o755)
    }

    func record(_ datagram: UnsafeRawBufferPointer, protocol netlinkProtocol: Int32, context: String) {
        pthread_mutex_lock(&mutex)
        counter += 1
        let number = counter
        pthread_mutex_unlock(&mutex)
        let safeContext = String(context.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        let path = "\(directory)/\(getpid())-\(number)-proto\(netlinkProtocol)-\(safeContext).bin"
        guard let file = fopen(path, "wb") else { return }
        fwrite(datagram.baseAddress, 1, datagram.count, file)
        fclose(file)
    }
}
