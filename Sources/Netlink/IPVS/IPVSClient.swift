import CNetlink

/// Talks to the IPVS generic netlink family of the namespace its socket was opened in.
public final class IPVSClient {
    private let socket: NetlinkSocket
    private var familyID: UInt16?

    /// Opens the socket. Call it inside the namespace (on the namespace's own thread).
    public init(receiveTimeout: Duration = .seconds(5)) throws(NetlinkError) {
        // Page-sized reads: a scrape makes one small dump per service, and the kernel sizes its
        // skb to the reader's offer (see `ReadLength.page`; docs/benchmarks.md has the figures).
        socket = try NetlinkSocket(protocol: NETLINK_GENERIC, receiveTimeout: receiveTimeout, readLength: .page)
    }

    /// The whole table, or nil when the kernel has no IPVS family (module not loaded). The family is
    /// looked up again on every call until it appears, so loading ip_vs later is noticed.
    public func table() throws(NetlinkError) -> IPVSTable? {
        if familyID == nil { familyID = try socket.resolveGenericFamily(IPVS_GENL_NAME) }
        guard let familyID else { return nil }
        do {
            return try table(family: familyID)
        } catch .kernel(let errno, _) where errno == Self.familyGone {
            // The family went away (module unloaded): resolve again next time.
            self.familyID = nil
            return nil
        }
    }

    /// ENOENT: what a request to a family that was unregistered meanwhile answers.
    private static let familyGone: Int32 = 2

    /// The IPVS API has no dump of every backend: each service's backends take a GET_DEST request
    /// of their own, thousands per scrape on a large routing mesh. They share the thread's receive
    /// buffer and are parsed as they arrive. (Asking on two sockets from two threads at once was
    /// tried: in the VM the scrape was no shorter and cost a fifth more CPU; the kernel takes its
    /// IPVS lock per request.)
    private func table(family: UInt16) throws(NetlinkError) -> IPVSTable {
        let services = try request(family: family, command: IPVS_CMD_GET_SERVICE, dump: true, context: "IPVS_CMD_GET_SERVICE dump")
            .map { message throws(NetlinkError) in try IPVSService(message: GenericNetlinkMessage(message)) }
        var entries: [IPVSTable.Entry] = []
        entries.reserveCapacity(services.count)
        for service in services {
            let messages = try request(family: family, command: IPVS_CMD_GET_DEST, dump: true, context: "IPVS_CMD_GET_DEST dump") { builder throws(NetlinkError) in
                try builder.nest(UInt16(IPVS_CMD_ATTR_SERVICE)) { nest throws(NetlinkError) in try service.putIdentity(into: &nest) }
            }
            entries.append(try IPVSTable.Entry(service: service, destinationMessages: messages))
        }
        let info = try request(family: family, command: IPVS_CMD_GET_INFO, dump: false, context: "IPVS_CMD_GET_INFO")
        let config = try request(family: family, command: IPVS_CMD_GET_CONFIG, dump: false, context: "IPVS_CMD_GET_CONFIG")
        return try IPVSTable(entries: entries, info: info, config: config)
    }

    private func request(
        family: UInt16, command: Int, dump: Bool, context: String,
        attributes: (inout NetlinkMessageBuilder) throws(NetlinkError) -> Void = { _ throws(NetlinkError) in }
    ) throws(NetlinkError) -> [NetlinkMessage] {
        try socket.request(
            type: family, dump: dump,
            header: GenericNetlinkMessage.header(command: UInt8(command), version: UInt8(IPVS_GENL_VERSION)),
            context: context, attributes: attributes)
    }
}
