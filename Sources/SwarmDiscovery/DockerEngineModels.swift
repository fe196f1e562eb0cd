/// The parts of the Docker Engine API's answers that name Swarm's load balancers, and how they
/// are read (`JSONReader`: only these fields are kept, everything else is skipped).
///
/// An entry whose field cannot be used (a network id with characters an id never has, a
/// `LocalLBIndex` out of range, a task whose address is a number, …) is dropped alone, with its
/// reason added to `problems`; the rest of the answer is kept. Text that is not JSON at all
/// fails the whole answer.
enum DockerEngine {
    /// `GET /networks` (one element).
    struct NetworkSummary: Sendable, Equatable {
        let id: String
        let name: String
        let driver: String?
        let ingress: Bool?
    }

    /// `GET /networks/{id}?verbose=true&scope=swarm`.
    struct NetworkDetail: Sendable {
        let id: String
        let name: String
        let ingress: Bool?
        let services: [String: ServiceInfo]?
    }

    struct ServiceInfo: Sendable {
        var virtualIP: String? = nil
        let ports: [String]?
        let localLBIndex: UInt32?
        let tasks: [TaskInfo]?
    }

    struct TaskInfo: Sendable {
        let name: String?
        let endpointIP: String?
        /// `Info["Host IP"]`: the node the task runs on.
        let hostIP: String?
    }

    /// `GET /services` (one element; managers only): the protocol of each published port.
    struct Service: Sendable {
        struct Spec: Sendable {
            let name: String
        }

        struct Endpoint: Sendable {
            let ports: [Port]?
        }

        struct Port: Sendable {
            let protocolName: String?
            let targetPort: UInt16?
            let publishedPort: UInt16?
            let publishMode: String?
        }

        /// The service's ID, which tasks name it by (`ServiceID`).
        var id: String? = nil
        let spec: Spec
        let endpoint: Endpoint?
    }

    /// Whether `id` can be put into a request's path as one segment: Docker's ids and names are
    /// letters, digits, `_`, `.` and `-`; `.` and `..` alone would name another path.
    static func isSafeIdentifier(_ id: String) -> Bool {
        !id.isEmpty && id != "." && id != ".." && id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"): true
            default: false
            }
        }
    }

    /// `text` shown in a log line: quoted, control characters escaped, at most 80 characters.
    static func quoted(_ text: String) -> String {
        let shown = text.count > 80 ? String(text.prefix(80)) + "…" : text
        return "\"" + shown.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "\""
    }

    // MARK: Reading answers

    static func networks(_ bytes: [UInt8], problems: inout [String]) throws -> [NetworkSummary] {
        try bytes.withUnsafeBytes { try networks($0, problems: &problems) }
    }

    static func networkDetail(_ bytes: [UInt8], id: String, problems: inout [String]) throws -> NetworkDetail {
        try bytes.withUnsafeBytes { try networkDetail($0, id: id, problems: &problems) }
    }

    static func services(_ bytes: [UInt8], problems: inout [String]) throws -> [Service] {
        try bytes.withUnsafeBytes { try services($0, problems: &problems) }
    }

    static func networks(_ bytes: UnsafeRawBufferPointer, problems: inout [String]) throws -> [NetworkSummary] {
        var reader = JSONReader(bytes)
        var networks: [NetworkSummary] = []
        try reader.beginArray("the network list")
        var index = 0
        while try reader.nextElement() {
            defer { index += 1 }
            let network = try entry(&reader, &problems, "network #\(index) of the list") { reader, _ throws -> NetworkSummary in
                var id: String?, name = "", driver: String?, ingress: Bool?
                try reader.beginObject("the network")
                while let key = try reader.nextKey() {
                    switch key {
                    case "Id": id = try reader.string("its Id")
                    case "Name": name = try reader.optionalString("its Name") ?? ""
                    case "Driver": driver = try reader.optionalString("its Driver")
                    case "Ingress": ingress = try reader.bool("its Ingress")
                    default: try reader.skip()
                    }
                }
                guard let id else { throw JSONReader.ValueError(description: "it has no Id") }
                guard isSafeIdentifier(id) else {
                    throw JSONReader.ValueError(description: "its Id \(quoted(id)) has characters other than A-Z a-z 0-9 _ . -")
                }
                return NetworkSummary(id: id, name: name, driver: driver, ingress: ingress)
            }
            if let network { networks.append(network) }
        }
        try reader.end()
        return networks
    }

    /// - Parameter id: the network's id as listed (the path it was asked for), used for the
    ///   namespace's name whatever the answer says.
    static func networkDetail(_ bytes: UnsafeRawBufferPointer, id: String, problems: inout [String]) throws -> NetworkDetail {
        var reader = JSONReader(bytes)
        var name = "", ingress: Bool?, services: [String: ServiceInfo]?
        try reader.beginObject("the network \(id)")
        while let key = try reader.nextKey() {
            switch key {
            case "Name": name = try reader.optionalString("the Name of network \(id)") ?? ""
            case "Ingress": ingress = try reader.bool("the Ingress of network \(id)")
            case "Services":
                guard try reader.peek() != .null else { try reader.skip(); continue }
                var found: [String: ServiceInfo] = [:]
                try reader.beginObject("the Services of network \(id)")
                while let service = try reader.nextKey() {
                    let what = "service \(quoted(service)) of network \(id)"
                    if let info = try entry(&reader, &problems, what, { reader, problems in try serviceInfo(&reader, what, &problems) }) {
                        found[service] = info
                    }
                }
                services = found
            default: try reader.skip()
            }
        }
        try reader.end()
        return NetworkDetail(id: id, name: name, ingress: ingress, services: services)
    }

    private static func serviceInfo(_ reader: inout JSONReader, _ what: String, _ problems: inout [String]) throws -> ServiceInfo {
        var ports: [String]?, index: UInt32?, tasks: [TaskInfo]?, virtualIP: String?
        try reader.beginObject(what)
        while let key = try reader.nextKey() {
            switch key {
            case "VIP": virtualIP = try reader.optionalString("its VIP")
            case "LocalLBIndex":
                index = try reader.integer("its LocalLBIndex (the firewall mark)", in: UInt32.min...UInt32.max)
            case "Ports":
                guard try reader.peek() != .null else { try reader.skip(); continue }
                var found: [String] = []
                try reader.beginArray("its Ports")
                while try reader.nextElement() {
                    if let port = try entry(&reader, &problems, "a port of \(what)", { reader, _ in try reader.string("it") }) {
                        found.append(port)
                    }
                }
                ports = found
            case "Tasks":
                guard try reader.peek() != .null else { try reader.skip(); continue }
                var found: [TaskInfo] = []
                try reader.beginArray("its Tasks")
                var number = 0
                while try reader.nextElement() {
                    defer { number += 1 }
                    if let task = try entry(&reader, &problems, "task #\(number) of \(what)", { reader, _ in try taskInfo(&reader) }) {
                        found.append(task)
                    }
                }
                tasks = found
            default: try reader.skip()
            }
        }
        return ServiceInfo(virtualIP: virtualIP, ports: ports, localLBIndex: index, tasks: tasks)
    }

    private static func taskInfo(_ reader: inout JSONReader) throws -> TaskInfo {
        var name: String?, address: String?, host: String?
        try reader.beginObject("the task")
        while let key = try reader.nextKey() {
            switch key {
            case "Name": name = try reader.optionalString("its Name")
            case "EndpointIP": address = try reader.optionalString("its EndpointIP")
            case "Info":
                guard try reader.peek() != .null else { try reader.skip(); continue }
                try reader.beginObject("its Info")
                while let field = try reader.nextKey() {
                    if field == "Host IP" { host = try reader.optionalString("its Info[\"Host IP\"]") } else { try reader.skip() }
                }
            default: try reader.skip()
            }
        }
        return TaskInfo(name: name, endpointIP: address, hostIP: host)
    }

    static func services(_ bytes: UnsafeRawBufferPointer, problems: inout [String]) throws -> [Service] {
        var reader = JSONReader(bytes)
        var services: [Service] = []
        try reader.beginArray("the service list")
        var index = 0
        while try reader.nextElement() {
            defer { index += 1 }
            let what = "service #\(index) of the list"
            let service = try entry(&reader, &problems, what) { reader, problems throws -> Service in
                var id: String?, name: String?, ports: [Service.Port]?
                try reader.beginObject("the service")
                while let key = try reader.nextKey() {
                    switch key {
                    case "ID": id = try reader.optionalString("its ID")
                    case "Spec":
                        try reader.beginObject("its Spec")
                        while let field = try reader.nextKey() {
                            if field == "Name" { name = try reader.string("its Spec.Name") } else { try reader.skip() }
                        }
                    case "Endpoint":
                        guard try reader.peek() != .null else { try reader.skip(); continue }
                        try reader.beginObject("its Endpoint")
                        while let field = try reader.nextKey() {
                            guard field == "Ports", try reader.peek() != .null else { try reader.skip(); continue }
                            var found: [Service.Port] = []
                            try reader.beginArray("its Endpoint.Ports")
                            while try reader.nextElement() {
                                if let port = try entry(&reader, &problems, "a published port of \(what)", { reader, _ in try servicePort(&reader) }) {
                                    found.append(port)
                                }
                            }
                            ports = found
                        }
                    default: try reader.skip()
                    }
                }
                guard let name else { throw JSONReader.ValueError(description: "it has no Spec.Name") }
                return Service(id: id, spec: .init(name: name), endpoint: .init(ports: ports))
            }
            if let service { services.append(service) }
        }
        try reader.end()
        return services
    }

    private static func servicePort(_ reader: inout JSONReader) throws -> Service.Port {
        var protocolName: String?, target: UInt16?, published: UInt16?, mode: String?
        try reader.beginObject("it")
        while let key = try reader.nextKey() {
            switch key {
            case "Protocol": protocolName = try reader.optionalString("its Protocol")
            case "TargetPort": target = try reader.integer("its TargetPort", in: UInt16.min...UInt16.max)
            case "PublishedPort": published = try reader.integer("its PublishedPort", in: UInt16.min...UInt16.max)
            case "PublishMode": mode = try reader.optionalString("its PublishMode")
            default: try reader.skip()
            }
        }
        return Service.Port(protocolName: protocolName, targetPort: target, publishedPort: published, publishMode: mode)
    }

    /// Reads one entry with `body`. A `JSONReader.ValueError` drops that entry alone: the reader
    /// skips it from its start and the reason goes to `problems`. Syntax errors end the answer.
    /// `body` gets `problems` to record what it drops inside the entry.
    static func entry<T>(_ reader: inout JSONReader, _ problems: inout [String], _ what: @autoclosure () -> String,
                                 _ body: (inout JSONReader, inout [String]) throws -> T) throws -> T? {
        let start = reader.mark
        let known = problems.count
        do {
            return try body(&reader, &problems)
        } catch let error as JSONReader.ValueError {
            reader.restore(start)
            try reader.skip()
            // What was found inside the entry before it was dropped goes with it.
            problems.removeSubrange(known...)
            problems.append("\(what()) dropped: \(error)")
            return nil
        }
    }
}
