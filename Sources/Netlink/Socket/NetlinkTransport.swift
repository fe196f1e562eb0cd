import CNetlink
#if canImport(Glibc)
import Glibc
#endif

/// Where netlink requests go and where their replies come from: the kernel (`NetlinkSocket`), or
/// in tests datagrams recorded from one.
///
/// What happens between sending a request and holding all its replies (numbering, skipping late
/// answers to earlier requests, dumps in several datagrams ended by DONE, errors, dumps the
/// kernel marks interrupted) is written once, over this protocol, in `request(...)`, so tests run
/// it on recorded kernel bytes without a socket or root (the idea of mdlayher/netlink's `nltest`).
/// Its two calls are made once per request and once per datagram, never per message.
public protocol NetlinkTransport: AnyObject {
    /// Sends `request`, numbered anew (a retried dump gets a new number), and returns the
    /// sequence number it went out with.
    func send(_ request: NetlinkRequest, context: String) throws(NetlinkError) -> UInt32

    /// Reads the next datagram addressed to this socket into `buffer` and returns its length.
    func receive(into buffer: UnsafeMutableRawBufferPointer, context: String) throws(NetlinkError) -> Int
}

/// A request built with libnl, as a transport sees it; valid only during the `send` it is given to.
public struct NetlinkRequest {
    let message: OpaquePointer  // nl_msg, owned by `NetlinkTransport.request`

    public var type: UInt16 { nlmsg_hdr(message).pointee.nlmsg_type }
    public var flags: UInt16 { nlmsg_hdr(message).pointee.nlmsg_flags }
    public var sequence: UInt32 {
        get { nlmsg_hdr(message).pointee.nlmsg_seq }
        nonmutating set { nlmsg_hdr(message).pointee.nlmsg_seq = newValue }
    }
}

extension NetlinkTransport {
    /// Sends one request and returns every reply message that belongs to it.
    ///
    /// - Parameters:
    ///   - type: the message type (`RTM_GETLINK`, a generic netlink family id, …).
    ///   - dump: ask for a dump (`NLM_F_DUMP`): the replies end with a DONE message.
    ///   - header: the family header that follows `nlmsghdr` (`ifinfomsg`, `genlmsghdr`, …).
    ///   - context: names the request in errors.
    ///   - attributes: adds the request's attributes.
    public func request(
        type: UInt16,
        dump: Bool,
        header: [UInt8],
        context: String,
        attributes: (inout NetlinkMessageBuilder) throws(NetlinkError) -> Void = { _ throws(NetlinkError) in }
    ) throws(NetlinkError) -> [NetlinkMessage] {
        let buffer = NetlinkReceiveBuffer.ofCurrentThread
        let flags = dump ? Int32(NLM_F_DUMP) : 0
        guard let message = nlmsg_alloc_simple(Int32(type), flags) else {
            throw .library(code: -Int32(NLE_NOMEM), message: "out of memory", context: context)
        }
        defer { nlmsg_free(message) }
        if !header.isEmpty {
            let appended = header.withUnsafeBytes { nlmsg_append(message, UnsafeMutableRawPointer(mutating: $0.baseAddress), $0.count, Int32(NLMSG_ALIGNTO)) }
            guard appended == 0 else { throw NetlinkSocket.libraryError(appended, context) }
        }
        var builder = NetlinkMessageBuilder(message: message, context: context)
        try attributes(&builder)
        // A dump the kernel marks interrupted (NLM_F_DUMP_INTR: the table changed while it was
        // being dumped, so entries may be missing or repeated) is asked for once more.
        for attempt in 1...2 {
            let sequence = try send(NetlinkRequest(message: message), context: context)
            let replies = try replies(to: sequence, dump: dump, context: context, buffer: buffer.bytes)
            guard replies.contains(where: { $0.flags & NetlinkMessage.flagDumpInterrupted != 0 }) else { return replies }
            if attempt == 2 { throw .malformed("\(context): the dump was interrupted twice by concurrent changes") }
        }
        return []
    }

    private func replies(to sequence: UInt32, dump: Bool, context: String, buffer: UnsafeMutableRawBufferPointer) throws(NetlinkError) -> [NetlinkMessage] {
        var replies: [NetlinkMessage] = []
        while true {
            let count = try receive(into: buffer, context: context)
            let datagram = Array(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            // Replies of other sequence numbers are late answers to a request that timed out.
            for message in try NetlinkMessage.split(datagram) where message.sequence == sequence {
                switch message.type {
                case NetlinkMessage.Control.done:
                    // A dump that failed half-way says so in DONE's payload.
                    if let code = ByteReader(message.payload).host(Int32.self), code < 0 {
                        throw .kernel(errno: 0 &- code, context: context)
                    }
                    return replies
                case NetlinkMessage.Control.error:
                    let code = message.errorCode ?? 0
                    if code != 0 { throw .kernel(errno: code, context: context) }
                    return replies
                case NetlinkMessage.Control.noop:
                    continue
                case NetlinkMessage.Control.overrun:
                    throw .malformed("\(context): the kernel reported a receive buffer overrun")
                default:
                    replies.append(message)
                    // A request that is not a dump has one answer. ctnetlink marks even that one
                    // NLM_F_MULTI without ever sending DONE, so the flag is not waited on here.
                    if !dump { return replies }
                }
            }
        }
    }

    /// The id of a generic netlink family in this transport's namespace, or nil when the kernel
    /// has no such family (the module that provides it is not loaded).
    ///
    /// Asked with CTRL_CMD_GETFAMILY through `request` and parsed here rather than with libnl's
    /// `genl_ctrl_resolve`, which answers "not found" for every failure: a reply that timed out or
    /// came back damaged would look like an absent module, and the collector would report success
    /// with no series. Only the kernel's own ENOENT means absent; anything else is an error.
    public func resolveGenericFamily(_ name: String) throws(NetlinkError) -> UInt16? {
        let context = "resolving generic netlink family \(name)"
        let replies: [NetlinkMessage]
        do {
            replies = try request(
                type: UInt16(GENL_ID_CTRL), dump: false,
                header: GenericNetlinkMessage.header(command: UInt8(CTRL_CMD_GETFAMILY), version: 1),
                context: context
            ) { builder throws(NetlinkError) in
                try builder.put(UInt16(CTRL_ATTR_FAMILY_NAME), bytes: Array(name.utf8) + [0])
            }
        } catch {
            guard case .kernel(let code, _) = error, code == ENOENT else { throw error }
            return nil
        }
        return try NetlinkSocket.familyID(in: replies, context: context)
    }
}
