/// The managers' answers that make the tasks view (`GET /tasks`, `GET /nodes`): only the fields
/// the view needs are kept, read the same way as the network answers (an unusable entry is dropped
/// alone and its reason added to `problems`).
extension DockerEngine {
    /// `GET /tasks` (one element; managers only).
    struct SwarmTask: Sendable, Equatable {
        /// One network the task is attached to, with its addresses there (`10.0.0.5/24`, as given).
        struct Attachment: Sendable, Equatable {
            let networkID: String
            let addresses: [String]
        }

        let id: String
        let serviceID: String
        /// 0 for a global service's task (named after its node instead).
        let slot: UInt64
        let nodeID: String
        let desiredState: String
        /// `Status.State`: new, pending, assigned, accepted, preparing, starting, running, complete, …
        let state: String
        let attachments: [Attachment]

        /// The name Docker gives the task's container, and the network view gives the task:
        /// `<service>.<slot>.<task id>`, or `<service>.<node id>.<task id>` for a global service.
        func name(service: String) -> String {
            slot != 0 ? "\(service).\(slot).\(id)" : "\(service).\(nodeID).\(id)"
        }
    }

    /// `GET /nodes` (one element; managers only): the address a node is known by.
    struct Node: Sendable, Equatable {
        let id: String
        /// `Status.Addr`, or, when that says nothing (empty or `0.0.0.0`, as some managers report
        /// it), the host of `ManagerStatus.Addr`.
        let address: String?
    }

    static func tasks(_ bytes: [UInt8], problems: inout [String]) throws -> [SwarmTask] {
        try bytes.withUnsafeBytes { try tasks($0, problems: &problems) }
    }

    static func nodes(_ bytes: [UInt8], problems: inout [String]) throws -> [Node] {
        try bytes.withUnsafeBytes { try nodes($0, problems: &problems) }
    }

    static func tasks(_ bytes: UnsafeRawBufferPointer, problems: inout [String]) throws -> [SwarmTask] {
        var tasks: [SwarmTask] = []
        try self.tasks(bytes, problems: &problems) { tasks.append($0) }
        return tasks
    }

    /// Hands each usable task to `each` as it is read, keeping none: a `/tasks` answer is large,
    /// and a list of every task's ids would only be joined and dropped again.
    static func tasks(_ bytes: UnsafeRawBufferPointer, problems: inout [String], each: (SwarmTask) -> Void) throws {
        var reader = JSONReader(bytes)
        try reader.beginArray("the task list")
        var index = 0
        while try reader.nextElement() {
            defer { index += 1 }
            let what = "task #\(index) of the list"
            if let task = try entry(&reader, &problems, what, { reader, problems in try swarmTask(&reader, what, &problems) }) {
                each(task)
            }
        }
        try reader.end()
    }

    private static func swarmTask(_ reader: inout JSONReader, _ what: String, _ problems: inout [String]) throws -> SwarmTask {
        var id: String?, serviceID: String?, slot: UInt64 = 0, nodeID = "", desired = "", state = ""
        var attachments: [SwarmTask.Attachment] = []
        try reader.beginObject("the task")
        while let key = try reader.nextKey() {
            switch key {
            case "ID": id = try reader.string("its ID")
            case "ServiceID": serviceID = try reader.string("its ServiceID")
            case "Slot":
                if try reader.peek() == .null { try reader.skip() } else { slot = try reader.integer("its Slot", in: UInt64.min...UInt64.max) }
            case "NodeID": nodeID = try reader.optionalString("its NodeID") ?? ""
            case "DesiredState": desired = try reader.optionalString("its DesiredState") ?? ""
            case "Status":
                guard try reader.peek() != .null else { try reader.skip(); continue }
                try reader.beginObject("its Status")
                while let field = try reader.nextKey() {
                    if field == "State" { state = try reader.optionalString("its Status.State") ?? "" } else { try reader.skip() }
                }
            case "NetworksAttachments":
                guard try reader.peek() != .null else { try reader.skip(); continue }
                try reader.beginArray("its NetworksAttachments")
                var number = 0
                while try reader.nextElement() {
                    defer { number += 1 }
                    if let attachment = try entry(&reader, &problems, "network attachment #\(number) of \(what)", { reader, _ in try Self.attachment(&reader) }) {
                        attachments.append(attachment)
                    }
                }
            default: try reader.skip()
            }
        }
        guard let id else { throw JSONReader.ValueError(description: "it has no ID") }
        guard let serviceID else { throw JSONReader.ValueError(description: "it has no ServiceID") }
        return SwarmTask(id: id, serviceID: serviceID, slot: slot, nodeID: nodeID, desiredState: desired, state: state, attachments: attachments)
    }

    private static func attachment(_ reader: inout JSONReader) throws -> SwarmTask.Attachment {
        var networkID: String?, addresses: [String] = []
        try reader.beginObject("it")
        while let key = try reader.nextKey() {
            switch key {
            case "Network":
                try reader.beginObject("its Network")
                while let field = try reader.nextKey() {
                    if field == "ID" { networkID = try reader.string("its Network.ID") } else { try reader.skip() }
                }
            case "Addresses":
                guard try reader.peek() != .null else { try reader.skip(); continue }
                try reader.beginArray("its Addresses")
                while try reader.nextElement() { addresses.append(try reader.string("an address of it")) }
            default: try reader.skip()
            }
        }
        guard let networkID else { throw JSONReader.ValueError(description: "it has no Network.ID") }
        return SwarmTask.Attachment(networkID: networkID, addresses: addresses)
    }

    static func nodes(_ bytes: UnsafeRawBufferPointer, problems: inout [String]) throws -> [Node] {
        var reader = JSONReader(bytes)
        var nodes: [Node] = []
        try reader.beginArray("the node list")
        var index = 0
        while try reader.nextElement() {
            defer { index += 1 }
            let node = try entry(&reader, &problems, "node #\(index) of the list") { reader, _ throws -> Node in
                var id: String?, address: String?, managerAddress: String?
                try reader.beginObject("the node")
                while let key = try reader.nextKey() {
                    switch key {
                    case "ID": id = try reader.string("its ID")
                    case "Status", "ManagerStatus":
                        guard try reader.peek() != .null else { try reader.skip(); continue }
                        try reader.beginObject("its \(key)")
                        while let field = try reader.nextKey() {
                            guard field == "Addr" else { try reader.skip(); continue }
                            let value = try reader.optionalString("its \(key).Addr")
                            if key == "Status" { address = value } else { managerAddress = value }
                        }
                    default: try reader.skip()
                    }
                }
                guard let id else { throw JSONReader.ValueError(description: "it has no ID") }
                let stated = address.flatMap { $0.isEmpty || $0 == "0.0.0.0" ? nil : $0 }
                return Node(id: id, address: stated ?? managerAddress.flatMap(Self.host(ofHostAndPort:)))
            }
            if let node { nodes.append(node) }
        }
        try reader.end()
        return nodes
    }

    /// `192.168.77.1` of `192.168.77.1:2377`, `fd00::1` of `[fd00::1]:2377`; nil when empty.
    static func host(ofHostAndPort text: String) -> String? {
        var host = Substring(text)
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon {
            host = host[..<colon]
        }
        return host.isEmpty ? nil : String(host)
    }
}
