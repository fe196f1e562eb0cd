import ExporterCore
#if canImport(Glibc)
import Glibc
#endif

/// Why a probe (a DNS lookup, a TCP dial) got no answer.
struct ProbeError: Error, CustomStringConvertible {
    enum Kind: String, CaseIterable {
        case timeout, refused, unreachable, other
    }

    let kind: Kind
    let detail: String

    var description: String { "\(kind.rawValue): \(detail)" }

    static func system(_ call: String, _ code: Int32) -> ProbeError {
        let kind: Kind
        switch code {
        case ECONNREFUSED: kind = .refused
        case EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN: kind = .unreachable
        case ETIMEDOUT, EAGAIN, EINPROGRESS: kind = .timeout
        default: kind = .other
        }
        return ProbeError(kind: kind, detail: "\(call): \(String(cString: strerror(code)))")
    }
}

/// A host and port to probe, resolved to a socket address.
struct ProbeEndpoint: Sendable, Hashable, CustomStringConvertible {
    let host: String
    let port: UInt16

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// "HOST:PORT" or "[IPv6]:PORT"; with `defaultPort` also "HOST", "[IPv6]" or a bare IPv6 address.
    init?(_ text: String, defaultPort: UInt16? = nil) {
        guard let parts = HostAndPort(text), !parts.host.isEmpty else { return nil }
        // A port that is given must be valid; only a missing one takes the default.
        guard let port = parts.port.map({ UInt16($0) }) ?? defaultPort else { return nil }
        host = parts.host
        self.port = port
    }

    init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }
}

/// Blocking socket helpers with deadlines, for probe threads only.
enum SocketProbe {
    /// Opens a socket of `type` connected to `endpoint` (a TCP connect bounded by `deadline`).
    static func connect(_ endpoint: ProbeEndpoint, type: Int32, deadline: ContinuousClock.Instant) throws(ProbeError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = type
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list)
        guard status == 0, let first = list else {
            throw ProbeError(kind: .other, detail: "cannot resolve \(endpoint.host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let descriptor = socket(first.pointee.ai_family, type | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw .system("socket", errno) }
        if Glibc.connect(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else {
                let code = errno
                close(descriptor)
                throw .system("connect", code)
            }
            do {
                try wait(descriptor, events: Int16(POLLOUT), deadline: deadline, what: "connect")
            } catch {
                close(descriptor)
                throw error
            }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length)
            guard code == 0 else {
                close(descriptor)
                throw .system("connect", code)
            }
        }
        return descriptor
    }

    /// Waits until the socket is ready for `events` or the deadline passes.
    static func wait(_ descriptor: Int32, events: Int16, deadline: ContinuousClock.Instant, what: String) throws(ProbeError) {
        while true {
            let left = deadline - .now
            guard left > .zero else { throw ProbeError(kind: .timeout, detail: "\(what): no answer before the timeout") }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let milliseconds = Int32(min(left.seconds * 1000 + 1, 3_600_000))
            let ready = poll(&entry, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .system("poll", errno)
            }
            if ready > 0 { return }
        }
    }

    static func send(_ descriptor: Int32, _ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(ProbeError) {
        var sent = 0
        while sent < bytes.count {
            try wait(descriptor, events: Int16(POLLOUT), deadline: deadline, what: "send")
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw .system("send", errno)
            }
            sent += count
        }
    }

    /// One datagram, or up to `count` bytes of a stream.
    static func receive(_ descriptor: Int32, upTo count: Int, deadline: ContinuousClock.Instant) throws(ProbeError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            try wait(descriptor, events: Int16(POLLIN), deadline: deadline, what: "receive")
            let received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if received < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw .system("receive", errno)
            }
            return Array(buffer[0..<received])
        }
    }
}
