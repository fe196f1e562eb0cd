import Foundation
import LinuxSystem

/// A plain TCP connection to the exporter, for requests curl would never send (garbage, half a
/// request line, bytes dribbled one at a time).
final class RawConnection {
    let descriptor: Int32

    /// Connects to 127.0.0.1:`port`; every read waits at most `readTimeout`. `receiveBuffer`
    /// (SO_RCVBUF, set before connecting) makes a client that stalls quickly: the server can hand
    /// the kernel little of its answer before it has to wait.
    init(port: Int, readTimeout: Duration = .seconds(5), receiveBuffer: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Self.failure("socket") }
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let failure = Self.failure("connect")
            close(descriptor)
            throw failure
        }
        setReadTimeout(readTimeout)
    }

    deinit { close(descriptor) }

    static func failure(_ call: String) -> Shell.Failure {
        Shell.Failure(command: [call], output: .init(status: errno, stdout: "", stderr: String(cString: strerror(errno))))
    }

    func setReadTimeout(_ timeout: Duration) {
        var value = timeval(timeout)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends everything; false when the peer has closed (EPIPE, ECONNRESET).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    enum End: Equatable {
        /// The server closed the connection (orderly or reset).
        case closed
        /// Nothing more arrived before the read timeout; the connection is still open.
        case stillOpen
    }

    /// Reads until the server closes or stays silent for the read timeout.
    func readAll() -> (bytes: [UInt8], end: End) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
            } else if count == 0 {
                return (received, .closed)
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                return (received, .stillOpen)
            } else {
                return (received, .closed)  // ECONNRESET
            }
        }
    }

    /// Whether the server has closed the connection, without waiting (a pending reset or EOF).
    var isClosedByPeer: Bool {
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    /// The status code of the first response in `bytes`, if there is one.
    static func status(of bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes.prefix(64), as: UTF8.self)
        guard text.hasPrefix("HTTP/1."), text.count >= 12 else { return nil }
        return Int(text.dropFirst(9).prefix(3))
    }
}
