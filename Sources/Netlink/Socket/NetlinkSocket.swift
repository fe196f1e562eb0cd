import CNetlink
import LinuxSystem
#if canImport(Glibc)
import Glibc
#endif

/// A netlink socket (through libnl) bound to the network namespace of the thread that made it.
///
/// Make one on the namespace's own thread; use it later from any thread, one request at a time
/// (`request(...)`, shared by every `NetlinkTransport`). Every read has a receive timeout, so a
/// kernel that never answers costs a timeout error, not a hung scrape. Replies are copied out of
/// the receive buffer and parsed by pure Swift code.
public final class NetlinkSocket: NetlinkTransport {
    private let handle: OpaquePointer
    public let netlinkProtocol: Int32
    /// How many bytes each read offers the kernel (see `ReadLength`); raised to the whole receive
    /// buffer if a datagram ever does not fit.
    private var readLength: Int

    /// How much room a socket's reads offer the kernel. A netlink dump is cut into datagrams as
    /// large as the reader's recent reads offered (up to 32 KiB), and each datagram of a dump,
    /// its DONE included, is allocated at that size and zero-filled by the kernel, however little
    /// it holds.
    public enum ReadLength: Sendable {
        /// The whole receive buffer (64 KiB): large dumps come in few datagrams.
        case full
        /// One page (at most 8 KiB, never below the kernel's own minimum, NLMSG_GOODSIZE): for many
        /// small dumps, such as IPVS's one GET_DEST dump per service — a datagram of a few hundred
        /// bytes then costs the kernel one page, not 32 KiB twice. Only for families whose
        /// replies never need more than that in one message (IPVS's are a few hundred bytes).
        case page

        var bytes: Int {
            switch self {
            case .full: NetlinkSocket.receiveBufferSize
            case .page: min(max(Int(sysconf(Int32(_SC_PAGESIZE))), 4096), 8192)
            }
        }
    }

    /// - Parameters:
    ///   - protocol: `NETLINK_ROUTE`, `NETLINK_GENERIC`, `NETLINK_NETFILTER`, …
    ///   - receiveTimeout: how long one read may wait for the kernel.
    ///   - readLength: how much room each read offers the kernel.
    public init(protocol netlinkProtocol: Int32, receiveTimeout: Duration = .seconds(5), readLength: ReadLength = .full) throws(NetlinkError) {
        guard let handle = nl_socket_alloc() else {
            throw .library(code: -Int32(NLE_NOMEM), message: "out of memory", context: "nl_socket_alloc")
        }
        // Connect before any stored property is set: a throw after that would run deinit and
        // free the handle a second time.
        let connected = nl_connect(handle, netlinkProtocol)
        guard connected == 0 else {
            let error = Self.libraryError(connected, "nl_connect(protocol \(netlinkProtocol))")
            nl_socket_free(handle)
            throw error
        }
        self.handle = handle
        self.netlinkProtocol = netlinkProtocol
        self.readLength = readLength.bytes
        // No automatic ACK is asked for: dumps end with DONE and single requests with their reply
        // or an error message. Replies are read here (`receive`), not by libnl.
        nl_socket_disable_auto_ack(handle)
        // Glibc's timeval by name: the kernel headers under CNetlink declare one of their own.
        var timeout = Glibc.timeval(receiveTimeout)
        setsockopt(nl_socket_get_fd(handle), SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<Glibc.timeval>.size))
    }

    deinit {
        nl_socket_free(handle)  // closes the descriptor
    }

    /// Sends through libnl, which numbers the request anew on every send (NL_AUTO_SEQ).
    public func send(_ request: NetlinkRequest, context: String) throws(NetlinkError) -> UInt32 {
        request.sequence = UInt32(NL_AUTO_SEQ)
        let sent = nl_send_auto(handle, request.message)
        guard sent >= 0 else { throw Self.libraryError(sent, context) }
        return request.sequence
    }

    /// The size of the buffer one datagram is read into. The kernel fills a dump's datagrams up to
    /// the room the reader's reads offered, at most 32 KiB (netlink_recvmsg, max_recvmsg_len): a
    /// 64 KiB buffer takes any of them whole, with one recvmsg each (a socket may offer less, see
    /// `ReadLength`). libnl's own reader peeks at every datagram for its size first, allocates,
    /// then reads it: two calls per datagram instead of one.
    static let receiveBufferSize = 64 * 1024

    /// Reads one datagram from the kernel (messages from any other sender are skipped).
    public func receive(into buffer: UnsafeMutableRawBufferPointer, context: String) throws(NetlinkError) -> Int {
        let descriptor = nl_socket_get_fd(handle)
        while true {
            var peer = sockaddr_nl()
            var vector = iovec(iov_base: buffer.baseAddress, iov_len: min(readLength, buffer.count))
            let count = withUnsafeMutablePointer(to: &peer) { peerPointer in
                withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var header = msghdr()
                    header.msg_name = UnsafeMutableRawPointer(peerPointer)
                    header.msg_namelen = socklen_t(MemoryLayout<sockaddr_nl>.size)
                    header.msg_iov = vectorPointer
                    header.msg_iovlen = 1
                    // MSG_TRUNC: the datagram's real length, even when it did not fit.
                    return recvmsg(descriptor, &header, Int32(MSG_TRUNC))
                }
            }
            if count < 0 {
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: throw .timeout(context: context)
                case let code: throw .kernel(errno: code, context: "\(context): recvmsg")
                }
            }
            if count == 0 { throw .malformed("\(context): the socket returned no data") }
            if count > vector.iov_len {
                // The kernel dropped what did not fit. Offer the whole buffer from now on, so the
                // next request is read whole; this one fails with what happened.
                let offered = vector.iov_len
                readLength = buffer.count
                throw .malformed("\(context): a reply of \(count) bytes does not fit the \(offered)-byte read")
            }
            // Only the kernel (port 0) answers requests; anything else is not ours to parse.
            guard peer.nl_pid == 0 else { continue }
            NetlinkRecorder.shared?.record(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), protocol: netlinkProtocol, context: context)
            return count
        }
    }

    /// The CTRL_ATTR_FAMILY_ID of a CTRL_CMD_NEWFAMILY reply (pure: unit-tested and fuzzed).
    public static func familyID(in replies: [NetlinkMessage], context: String) throws(NetlinkError) -> UInt16 {
        guard let reply = replies.first else { throw .malformed("\(context): no reply") }
        let message = try GenericNetlinkMessage(reply)
        guard let id = message.attributes.u16(UInt16(CTRL_ATTR_FAMILY_ID)), id != 0 else {
            throw .malformed("\(context): the reply carries no family id")
        }
        return id
    }

    /// libnl's error, with the errno the failed system call left when libnl's own code says no
    /// more than "Unspecific failure" (it does for EMFILE and ENFILE, for one). Call it right
    /// after the failed call, before anything else can change errno.
    static func libraryError(_ code: Int32, _ context: String, errno systemError: Int32 = errno) -> NetlinkError {
        var message = String(cString: nl_geterror(code))
        if code == -Int32(NLE_FAILURE), systemError != 0 {
            message += "; errno \(SystemError.describe(systemError))"
        }
        return .library(code: code, message: message, context: context)
    }
}
