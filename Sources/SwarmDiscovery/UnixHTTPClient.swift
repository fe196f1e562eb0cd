import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A tiny blocking HTTP/1.0 GET client over a unix socket (the Docker Engine API).
///
/// HTTP/1.0 makes the server close the connection after the body, so no chunked decoding or
/// keep-alive is involved. Every read and write has a timeout and the whole exchange a deadline:
/// a Docker daemon that accepts and never answers costs at most `timeout`.
struct UnixHTTPClient: Sendable {
    struct Response: Sendable {
        let status: Int
        let body: Data
    }

    enum Failure: Error, CustomStringConvertible, Sendable {
        case system(String, Int32)
        case timeout
        case tooLarge
        case malformed(String)

        var description: String {
            switch self {
            case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
            case .timeout: "no complete answer before the timeout"
            case .tooLarge: "answer larger than the 32 MiB limit"
            case .malformed(let why): "malformed HTTP answer: \(why)"
            }
        }
    }

    let socketPath: String
    let timeout: Duration
    static let maximumSize = 32 << 20

    func get(_ target: String) throws(Failure) -> Response {
        let deadline = ContinuousClock.now + timeout
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .system("socket", errno) }
        defer { close(descriptor) }
        var interval = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw .system("connect (path too long)", ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw .system("connect \(socketPath)", errno) }

        let request = Array("GET \(target) HTTP/1.0\r\nHost: docker\r\nUser-Agent: swarm-ipvs-exporter\r\nAccept: application/json\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw errno == EAGAIN ? .timeout : .system("send", errno)
            }
            sent += count
        }

        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            guard ContinuousClock.now < deadline else { throw .timeout }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw errno == EAGAIN || errno == EWOULDBLOCK ? .timeout : .system("recv", errno)
            }
            received.append(contentsOf: buffer[0..<count])
            guard received.count <= Self.maximumSize else { throw .tooLarge }
        }
        return try Self.parse(received)
    }

    static func parse(_ data: Data) throws(Failure) -> Response {
        guard let end = data.firstRange(of: Data("\r\n\r\n".utf8)) else { throw .malformed("no end of headers") }
        let head = String(decoding: data[data.startIndex..<end.lowerBound], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n", maxSplits: 1).first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw .malformed("status line \"\(statusLine)\"")
        }
        return Response(status: status, body: Data(data[end.upperBound...]))
    }
}
