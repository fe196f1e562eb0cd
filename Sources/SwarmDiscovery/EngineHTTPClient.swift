#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A tiny blocking HTTP GET client for the Docker Engine API, over its unix socket or over TCP
/// (a socket proxy; plain HTTP).
///
/// It asks in HTTP/1.0, so the server closes the connection after the body; answers are read by
/// their `Content-Length` (a body cut short is an error, bytes past it are ignored), as
/// `Transfer-Encoding: chunked` (which a server may send to a client it takes for HTTP/1.1), or
/// to the end of the connection when they have neither.
///
/// The socket is non-blocking and every wait is a `poll` of at most 50 ms, after which the
/// request's deadline and its `Cancellation` are checked: a Docker daemon that accepts and never
/// answers costs at most `timeout`, and a cancelled request returns within ~50 ms whatever the
/// daemon does. Over TCP, connecting is bounded the same way (a host that drops the SYN costs the
/// timeout, not the kernel's two minutes); resolving the host's name is not (see `connect`).
struct EngineHTTPClient: Sendable {
    struct Response: Sendable {
        let status: Int
        let body: ResponseBody
    }

    /// Set from any thread to make the requests that check it give up at their next wait.
    final class Cancellation: Sendable {
        private let flag = Atomic<Bool>(false)
        init() {}
        func cancel() { flag.store(true, ordering: .relaxed) }
        var isCancelled: Bool { flag.load(ordering: .relaxed) }
    }

    enum Failure: Error, CustomStringConvertible, Sendable {
        case system(String, Int32)
        /// A TCP host's name that could not be resolved (the name, getaddrinfo's reason).
        case resolution(String, String)
        case timeout
        case cancelled
        case tooLarge(Int)
        case truncated(String)
        case malformed(String)

        var description: String {
            switch self {
            case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
            case .resolution(let name, let reason): "resolving \(name): \(reason)"
            case .timeout: "no complete answer before the timeout"
            case .cancelled: "cancelled"
            case .tooLarge(let limit): "answer larger than the \(limit >> 20) MiB limit"
            case .truncated(let why): "answer cut short: \(why)"
            case .malformed(let why): "malformed HTTP answer: \(why)"
            }
        }
    }

    let host: DockerHost
    /// How long one request may take at most.
    let timeout: Duration
    /// The largest body taken (see docs/benchmarks.md, "Docker Engine API answers", for why 16 MiB).
    static let maximumSize = 16 << 20
    /// How long one wait lasts before the deadline and the cancellation are looked at again.
    static let slice: Duration = .milliseconds(50)

    /// `text` percent-escaped as one path segment: every byte but A-Z a-z 0-9 - . _ ~ as %XX.
    static func escapedPathSegment(_ text: String) -> String {
        var escaped = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                escaped += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return escaped
    }

    /// GET `target` (a path with its query, already escaped).
    /// - Parameters:
    ///   - deadline: an end for this request earlier than `timeout` (the refresh's own deadline).
    ///   - cancellation: checked at every wait.
    func get(_ target: String, deadline: ContinuousClock.Instant? = nil, cancellation: Cancellation? = nil) throws(Failure) -> Response {
        // A target is sent as it is: nothing that could end the request line or add a header.
        guard !target.isEmpty, target.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .malformed("refusing to send the target \(DockerEngine.quoted(target)): only visible ASCII may be sent")
        }
        let ownDeadline = ContinuousClock.now + timeout
        var exchange = Exchange(deadline: deadline.map { min($0, ownDeadline) } ?? ownDeadline, cancellation: cancellation)
        defer { exchange.closeSocket() }
        switch host {
        case .unix(let path): try exchange.connect(toSocket: path)
        case .tcp(let name, let port): try exchange.connect(toHost: name, port: port)
        }
        try exchange.send(Array("GET \(target) HTTP/1.0\r\nHost: \(host.hostHeader)\r\nUser-Agent: swarm-ipvs-exporter\r\nAccept: application/json\r\n\r\n".utf8))
        return try exchange.readResponse()
    }

    /// One request's socket, deadline and cancellation.
    private struct Exchange {
        let deadline: ContinuousClock.Instant
        let cancellation: Cancellation?
        var descriptor: Int32 = -1

        init(deadline: ContinuousClock.Instant, cancellation: Cancellation?) {
            self.deadline = deadline
            self.cancellation = cancellation
        }

        /// Waits until the socket is ready for `events`, in slices; throws at the deadline or on cancellation.
        func wait(for events: Int32) throws(Failure) {
            while true {
                if cancellation?.isCancelled == true { throw .cancelled }
                let remaining = deadline - .now
                guard remaining > .zero else { throw .timeout }
                let slice = min(remaining, EngineHTTPClient.slice)
                let milliseconds = Int32(max(1, (slice.components.seconds * 1000) + Int64(slice.components.attoseconds / 1_000_000_000_000_000)))
                var entry = pollfd(fd: descriptor, events: Int16(events), revents: 0)
                let ready = descriptor >= 0 ? poll(&entry, 1, milliseconds) : poll(nil, 0, milliseconds)
                if ready > 0 { return }
                if ready < 0, errno != EINTR { throw .system("poll", errno) }
                if descriptor < 0 { return }  // a plain pause (connect's retry)
            }
        }

        /// A new non-blocking stream socket of `family` for this exchange.
        mutating func openSocket(family: Int32, protocol: Int32 = 0) throws(Failure) {
            let created = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), `protocol`)
            guard created >= 0 else { throw .system("socket", errno) }
            descriptor = created
        }

        mutating func closeSocket() {
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }

        mutating func connect(toSocket path: String) throws(Failure) {
            try openSocket(family: AF_UNIX)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let pathBytes = Array(path.utf8)
            guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw .system("connect (path too long)", ENAMETOOLONG) }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: pathBytes)
                raw[pathBytes.count] = 0
            }
            try withUnsafePointer(to: &address) { (pointer) throws(Failure) in
                try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (address) throws(Failure) in
                    try connect(address, length: socklen_t(MemoryLayout<sockaddr_un>.size), naming: path)
                }
            }
        }

        /// Resolves `name` and connects to its addresses in turn until one answers.
        ///
        /// `getaddrinfo` blocks and is bounded by the resolver's own timeout, not by the deadline:
        /// glibc offers no resolution that can be abandoned without leaking its request. It runs on
        /// the refresh's own thread (a scrape never waits for it), an address is answered at once,
        /// and a Swarm service name by Docker's embedded DNS on the node.
        mutating func connect(toHost name: String, port: Int) throws(Failure) {
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_flags = AI_ADDRCONFIG
            var list: UnsafeMutablePointer<addrinfo>?
            let resolved = getaddrinfo(name, String(port), &hints, &list)
            guard resolved == 0, let list else {
                let reason = resolved == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(resolved))
                throw .resolution(name, reason)
            }
            defer { freeaddrinfo(list) }
            var failure: Failure?
            var entry: UnsafeMutablePointer<addrinfo>? = list
            while let current = entry?.pointee {
                entry = current.ai_next
                guard let address = current.ai_addr else { continue }
                do throws(Failure) {
                    try openSocket(family: current.ai_family, protocol: current.ai_protocol)
                    try connect(address, length: current.ai_addrlen, naming: "\(name):\(port)")
                    return
                } catch {
                    closeSocket()
                    // The deadline and a cancellation end the whole request; a refusal tries the next address.
                    if case .timeout = error { throw error }
                    if case .cancelled = error { throw error }
                    failure = error
                }
            }
            throw failure ?? .resolution(name, "no address")
        }

        /// `connect(2)` on the exchange's non-blocking socket, waiting in slices for it to complete.
        mutating func connect(_ address: UnsafePointer<sockaddr>, length: socklen_t, naming peer: String) throws(Failure) {
            while true {
                if Glibc.connect(descriptor, address, length) == 0 { return }
                switch errno {
                case EINTR:
                    continue
                case EAGAIN where address.pointee.sa_family == sa_family_t(AF_UNIX):
                    // A unix socket whose backlog is full: try again after a pause.
                    let socket = descriptor
                    descriptor = -1
                    defer { descriptor = socket }
                    try wait(for: 0)
                case EINPROGRESS:
                    try wait(for: Int32(POLLOUT))
                    var failure: Int32 = 0
                    var size = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &size)
                    guard failure == 0 else { throw .system("connect \(peer)", failure) }
                    return
                default:
                    throw .system("connect \(peer)", errno)
                }
            }
        }

        func send(_ request: [UInt8]) throws(Failure) {
            var sent = 0
            while sent < request.count {
                try wait(for: Int32(POLLOUT))
                let count = request[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    throw .system("send", errno)
                }
                sent += count
            }
        }

        /// Reads into `target`; 0 at the end of the connection.
        func receive(into target: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
            while true {
                try wait(for: Int32(POLLIN))
                let received = recv(descriptor, target.baseAddress, target.count, 0)
                if received >= 0 { return received }
                if errno == EINTR || errno == EAGAIN { continue }
                throw .system("recv", errno)
            }
        }

        func readResponse() throws(Failure) -> Response {
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 1)
            defer { scratch.deallocate() }
            // The head, up to its empty line (at most 64 KiB).
            var filled = 0
            var headEnd: Int?
            while headEnd == nil {
                guard filled < scratch.count else { throw .malformed("headers longer than 64 KiB") }
                let count = try receive(into: UnsafeMutableRawBufferPointer(rebasing: scratch[filled...]))
                guard count > 0 else { throw filled == 0 ? .malformed("no answer") : .malformed("no end of headers") }
                let searchFrom = max(0, filled - 3)
                filled += count
                headEnd = HTTPHead.endOfHead(Array(scratch[searchFrom..<filled])[...]).map { searchFrom + $0 }
            }
            let parsed = try HTTPHead.parse(Array(scratch[0..<headEnd! - 4])[...])
            let early = Array(scratch[headEnd!..<filled])

            switch parsed.framing {
            case .length(let length):
                guard length <= EngineHTTPClient.maximumSize else { throw .tooLarge(EngineHTTPClient.maximumSize) }
                let body = try ResponseBody(capacity: length)
                try body.append(early.prefix(length))
                while body.count < length {
                    let count = try receive(into: body.freeSpace)
                    guard count > 0 else { throw .truncated("\(body.count) of the \(length) bytes its Content-Length announced") }
                    body.didAppend(count)
                }
                return Response(status: parsed.status, body: body)
            case .chunked:
                var decoder = ChunkedDecoder()
                let body = try ResponseBody(capacity: EngineHTTPClient.maximumSize)
                var finished = try decoder.feed(early[...], into: body)
                while !finished {
                    let count = try receive(into: scratch)
                    guard count > 0 else { throw .truncated("the connection ended before the last chunk") }
                    finished = try decoder.feed(UnsafeRawBufferPointer(rebasing: scratch[0..<count]), into: body)
                }
                return Response(status: parsed.status, body: body)
            case .untilClosed:
                let body = try ResponseBody(capacity: EngineHTTPClient.maximumSize)
                try body.append(early)
                while true {
                    // Full: one more byte means too large.
                    let space = body.freeSpace.isEmpty ? UnsafeMutableRawBufferPointer(rebasing: scratch[0..<1]) : body.freeSpace
                    let count = try receive(into: space)
                    if count == 0 { break }
                    guard !body.freeSpace.isEmpty else { throw .tooLarge(EngineHTTPClient.maximumSize) }
                    body.didAppend(count)
                }
                return Response(status: parsed.status, body: body)
            }
        }
    }
}

/// An answer's body in memory of its own: `capacity` bytes of address space reserved with `mmap`
/// and resident only as they are written, so a body read to the end of the connection or in chunks
/// never has a growing buffer copied (which briefly held it one and a half times), and its pages
/// go back to the kernel when it is released, whatever the allocator keeps.
final class ResponseBody: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer
    let capacity: Int
    private(set) var count = 0

    init(capacity: Int) throws(EngineHTTPClient.Failure) {
        self.capacity = max(capacity, 1)
        let pointer = mmap(nil, self.capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let pointer, pointer != UnsafeMutableRawPointer(bitPattern: -1) else { throw .system("mmap", errno) }
        base = pointer
    }

    /// A body holding `bytes` (tests).
    convenience init(_ bytes: some Collection<UInt8>) throws(EngineHTTPClient.Failure) {
        try self.init(capacity: bytes.count)
        try append(bytes)
    }

    deinit { munmap(base, capacity) }

    /// The bytes, valid during `body` only.
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try withExtendedLifetime(self) { try body(UnsafeRawBufferPointer(start: base, count: count)) }
    }

    var array: [UInt8] { withBytes { Array($0) } }

    /// The space after the bytes, to receive into (then `didAppend`).
    var freeSpace: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: base + count, count: capacity - count) }

    func didAppend(_ added: Int) {
        precondition(added >= 0 && count + added <= capacity)
        count += added
    }

    func append(_ bytes: some Collection<UInt8>) throws(EngineHTTPClient.Failure) {
        guard bytes.count <= capacity - count else { throw .tooLarge(EngineHTTPClient.maximumSize) }
        UnsafeMutableRawBufferPointer(start: base + count, count: bytes.count).copyBytes(from: bytes)
        count += bytes.count
    }
}

/// The status and framing of an HTTP answer's head (pure).
enum HTTPHead {
    enum Framing: Equatable {
        case length(Int)
        case chunked
        case untilClosed
    }

    /// The index just past the first CRLF CRLF in `bytes`, if any.
    static func endOfHead(_ bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        while index + 3 < bytes.endIndex {
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 { return index + 4 }
            index += 1
        }
        return nil
    }

    /// Parses the status line and the headers that frame the body (without the final CRLF CRLF).
    static func parse(_ bytes: ArraySlice<UInt8>) throws(EngineHTTPClient.Failure) -> (status: Int, framing: Framing) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        let statusLine = lines.popFirst() ?? ""
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
            throw .malformed("status line \(DockerEngine.quoted(String(statusLine)))")
        }
        var length: Int?
        var chunked = false
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("header line \(DockerEngine.quoted(String(line)))") }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            switch name {
            case "content-length":
                guard !value.isEmpty, value.count <= 18, value.allSatisfy(\.isASCIIDigit), let number = Int(value) else {
                    throw .malformed("Content-Length \(DockerEngine.quoted(value))")
                }
                guard length == nil || length == number else { throw .malformed("two different Content-Length headers") }
                length = number
            case "transfer-encoding":
                let codings = value.split(separator: ",").map { $0.trimmingSpaces.lowercased() }
                guard codings.last == "chunked", codings.dropLast().allSatisfy({ $0 == "identity" }) else {
                    throw .malformed("Transfer-Encoding \(DockerEngine.quoted(value)) (only chunked is understood)")
                }
                chunked = true
            default:
                break
            }
        }
        // Transfer-Encoding wins over Content-Length (RFC 9112, 6.3).
        if chunked { return (status, .chunked) }
        if let length { return (status, .length(length)) }
        return (status, .untilClosed)
    }
}

/// Decodes a `Transfer-Encoding: chunked` body as it arrives (RFC 9112, 7.1): sizes in hex,
/// chunk extensions (`;name=value`) ignored, trailer fields skipped.
struct ChunkedDecoder {
    private enum State {
        case size, data(Int), dataEnd, trailer, done
    }

    private var state = State.size
    /// The line being read (a chunk's size line or a trailer line).
    private var line: [UInt8] = []
    /// The longest size or trailer line accepted.
    static let maximumLine = 4096

    /// Feeds the next bytes; appends the body's bytes to `body`. Returns whether the body ended.
    mutating func feed<Bytes: Collection<UInt8>>(_ bytes: Bytes, into body: ResponseBody) throws(EngineHTTPClient.Failure) -> Bool
    where Bytes.Index == Int {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            switch state {
            case .data(let remaining):
                let count = min(remaining, bytes.endIndex - index)
                try body.append(bytes[index..<index + count])
                index += count
                state = remaining == count ? .dataEnd : .data(remaining - count)
            case .done:
                return true  // bytes after the end are ignored (the server closes the connection)
            case .size, .dataEnd, .trailer:
                let byte = bytes[index]
                index += 1
                guard byte == 10 else {
                    guard line.count < Self.maximumLine else { throw .malformed("a chunk line longer than \(Self.maximumLine) bytes") }
                    line.append(byte)
                    continue
                }
                guard line.last == 13 else { throw .malformed("a chunk line not ended by CRLF") }
                line.removeLast()
                try endOfLine()
                line.removeAll(keepingCapacity: true)
            }
        }
        if case .done = state { return true }
        return false
    }

    private mutating func endOfLine() throws(EngineHTTPClient.Failure) {
        switch state {
        case .size:
            // "1a2b" or "1a2b;name=value": the size is the hex digits before any extension.
            let digits = line.prefix { $0 != UInt8(ascii: ";") }
            let text = String(decoding: digits, as: UTF8.self).trimmingSpaces
            guard !text.isEmpty, text.count <= 15, let size = Int(text, radix: 16), size >= 0, !text.hasPrefix("-"), !text.hasPrefix("+") else {
                throw .malformed("chunk size \(DockerEngine.quoted(String(decoding: line, as: UTF8.self)))")
            }
            state = size == 0 ? .trailer : .data(size)
        case .dataEnd:
            guard line.isEmpty else { throw .malformed("a chunk longer than its size") }
            state = .size
        case .trailer:
            // Trailer fields until an empty line.
            if line.isEmpty { state = .done }
        case .data, .done:
            break
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (this file also builds alone, for scripts/fuzz).
    fileprivate var trimmingSpaces: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
