import CNetlink

/// IPVS's global settings in one namespace: GET_INFO and GET_CONFIG.
public struct IPVSConfiguration: Sendable, Equatable {
    /// IPVS version, e.g. 0x010201 for 1.2.1.
    public let version: UInt32
    /// Size of the connection hash table (`ipvsadm -Ln`'s "size=").
    public let connectionTableSize: UInt32
    /// Idle timeouts in seconds (`ipvsadm -Ln --timeout`).
    public let tcpTimeout: UInt32
    public let tcpFinTimeout: UInt32
    public let udpTimeout: UInt32
}

/// One namespace's whole IPVS table: every service with its destinations, and the settings.
public struct IPVSTable: Sendable {
    public struct Entry: Sendable {
        public let service: IPVSService
        public let destinations: [IPVSDestination]

        /// The service with its destinations parsed from its GET_DEST dump.
        init(service: IPVSService, destinationMessages: [NetlinkMessage]) throws(NetlinkError) {
            var backends: [IPVSDestination] = []
            backends.reserveCapacity(destinationMessages.count)
            for message in destinationMessages {
                backends.append(try IPVSDestination(message: GenericNetlinkMessage(message), serviceFamily: service.family))
            }
            self.service = service
            destinations = backends
        }
    }

    public let entries: [Entry]
    public let configuration: IPVSConfiguration

    /// Assembles a table from the kernel's replies (pure: the unit tests feed it recorded bytes).
    ///
    /// - Parameters:
    ///   - services: the services of the GET_SERVICE dump, parsed (the client needs them parsed to
    ///     ask for their destinations).
    ///   - destinations: one GET_DEST dump per service, in the same order.
    ///   - info: the GET_INFO reply; `config`: the GET_CONFIG reply.
    public init(services: [IPVSService], destinations: [[NetlinkMessage]], info: [NetlinkMessage], config: [NetlinkMessage]) throws(NetlinkError) {
        guard services.count == destinations.count else {
            throw .malformed("\(services.count) services but \(destinations.count) destination dumps")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(services.count)
        for (service, destinationMessages) in zip(services, destinations) {
            entries.append(try Entry(service: service, destinationMessages: destinationMessages))
        }
        try self.init(entries: entries, info: info, config: config)
    }

    /// A table from entries already assembled (`IPVSClient` parses each service's backends as they arrive).
    init(entries: [Entry], info: [NetlinkMessage], config: [NetlinkMessage]) throws(NetlinkError) {
        guard let infoMessage = info.first, let configMessage = config.first else {
            throw .malformed("IPVS GET_INFO or GET_CONFIG returned no message")
        }
        let infoAttributes = try GenericNetlinkMessage(infoMessage).attributes
        let configAttributes = try GenericNetlinkMessage(configMessage).attributes
        self.entries = entries
        configuration = IPVSConfiguration(
            version: infoAttributes.u32(UInt16(IPVS_INFO_ATTR_VERSION)) ?? 0,
            connectionTableSize: infoAttributes.u32(UInt16(IPVS_INFO_ATTR_CONN_TAB_SIZE)) ?? 0,
            tcpTimeout: configAttributes.u32(UInt16(IPVS_CMD_ATTR_TIMEOUT_TCP)) ?? 0,
            tcpFinTimeout: configAttributes.u32(UInt16(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN)) ?? 0,
            udpTimeout: configAttributes.u32(UInt16(IPVS_CMD_ATTR_TIMEOUT_UDP)) ?? 0)
    }
}

extension IPVSTable {
    /// Rebuilds a table from datagrams recorded in the order `IPVSClient` asks for them (see
    /// `NetlinkRecorder`): the service dump, one destination dump per service, info, config. Each
    /// dump ends at its DONE message. This is how recorded kernel replies are replayed in tests.
    public init(replaying datagrams: [[UInt8]]) throws(NetlinkError) {
        var dumps: [[NetlinkMessage]] = []
        var current: [NetlinkMessage] = []
        for datagram in datagrams {
            for message in try NetlinkMessage.split(datagram) {
                if message.type == NetlinkMessage.Control.done {
                    dumps.append(current)
                    current = []
                } else {
                    current.append(message)
                    // GET_INFO and GET_CONFIG answer with one message and no DONE.
                    if message.flags & NetlinkMessage.flagMulti == 0 {
                        dumps.append(current)
                        current = []
                    }
                }
            }
        }
        guard dumps.count >= 3 else { throw .malformed("a recorded table needs at least a service dump, info and config") }
        var services: [IPVSService] = []
        for message in dumps[0] { services.append(try IPVSService(message: GenericNetlinkMessage(message))) }
        try self.init(services: services, destinations: Array(dumps[1..<(dumps.count - 2)]),
                      info: dumps[dumps.count - 2], config: dumps[dumps.count - 1])
    }
}
