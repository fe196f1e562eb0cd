// libFuzzer entry points for the pure parsers of untrusted bytes: netlink replies (the kernel's,
// or whatever a hostile namespace's socket hands back), /proc/net text, DNS answers, the Docker
// Engine API's HTTP responses, and the YAML of configuration files.
//
// Built by scripts/fuzz together with the parsers' own sources into one module (so internal types
// are reachable without @testable), with `swiftc -sanitize=fuzzer,address`. One binary serves every
// target; FUZZ_TARGET names the one to run, and each target has its own corpus under
// Tests/fuzz/corpus/<target>/.
//
// A target returns normally for any input: a parser either yields a value (which is then used,
// so derived strings are formatted too) or throws its own error. A crash, an ASan report, a trap
// (out-of-range index, overflow) or a hang is a bug in the parser.

import Foundation

enum FuzzTarget: String, CaseIterable {
    case netlinkMessage = "netlink-message"
    case genericNetlink = "generic-netlink"
    case ipvsService = "ipvs-service"
    case ipvsDestination = "ipvs-destination"
    case ipvsTable = "ipvs-table"
    case link = "link"
    case conntrack = "conntrack"
    case procPaired = "proc-paired"
    case procSingleColumn = "proc-single-column"
    case procSockstat = "proc-sockstat"
    case procSingleValue = "proc-single-value"
    case dnsAnswer = "dns-answer"
    case dockerHTTP = "docker-http"
    case dockerJSON = "docker-json"
    case yaml = "yaml"

    func run(_ bytes: [UInt8]) {
        switch self {
        case .netlinkMessage:
            guard let messages = try? NetlinkMessage.split(bytes) else { return }
            for message in messages {
                _ = message.errorCode
                walk(message.payload, depth: 0)
                // Behind the family headers every protocol here uses (genlmsghdr, nfgenmsg: 4;
                // ifinfomsg: 16).
                walk(message.payload.dropFirst(4), depth: 0)
                walk(message.payload.dropFirst(16), depth: 0)
            }
        case .genericNetlink:
            guard let messages = try? NetlinkMessage.split(bytes) else { return }
            for message in messages {
                consume(try? NetlinkSocket.familyID(in: [message], context: "fuzz"))
                guard let generic = try? GenericNetlinkMessage(message) else { continue }
                consume(generic.command, generic.version, generic.attributes.types.count)
                for type in generic.attributes.types {
                    consume(generic.attributes.u8(type), generic.attributes.u16(type), generic.attributes.u32(type),
                            generic.attributes.u64(type), generic.attributes.be16(type), generic.attributes.string(type))
                    _ = try? generic.attributes.nested(type)
                }
            }
        case .ipvsService:
            guard let messages = try? NetlinkMessage.split(bytes) else { return }
            for message in messages {
                guard let generic = try? GenericNetlinkMessage(message), let service = try? IPVSService(message: generic) else { continue }
                consume(service.protocolName, service.address?.description, service.port, service.isPersistent, service.statistics.connections)
            }
        case .ipvsDestination:
            guard let messages = try? NetlinkMessage.split(bytes) else { return }
            for message in messages {
                guard let generic = try? GenericNetlinkMessage(message) else { continue }
                // The family of the service the destination belongs to: AF_INET, AF_INET6, nonsense.
                for family: UInt16 in [2, 10, 0] {
                    guard let destination = try? IPVSDestination(message: generic, serviceFamily: family) else { continue }
                    consume(destination.address.description, destination.port, destination.forwarding?.name, destination.weight,
                            destination.statistics.incomingBytes)
                }
            }
        case .ipvsTable:
            // The recorded datagrams of one scrape, concatenated: every datagram is a whole number of
            // aligned messages, so one buffer splits into the same messages.
            guard let table = try? IPVSTable(replaying: [bytes]) else { return }
            for entry in table.entries {
                consume(entry.service.address?.description, entry.service.scheduler)
                for destination in entry.destinations { consume(destination.address.description) }
            }
            consume(table.configuration.version, table.configuration.tcpTimeout)
        case .link:
            guard let messages = try? NetlinkMessage.split(bytes) else { return }
            for message in messages {
                guard let link = try? Link(message: message) else { continue }
                consume(link.name, link.formattedAddress, link.kind, link.operationalState?.name, link.statistics?.receiveBytes)
            }
        case .conntrack:
            // The last message stands for the global GET_STATS reply, the rest for the per-CPU dump.
            guard let messages = try? NetlinkMessage.split(bytes), !messages.isEmpty else { return }
            guard let statistics = try? ConntrackStatistics(perCPU: Array(messages.dropLast()), global: [messages[messages.count - 1]]) else { return }
            consume(statistics.counters.count, statistics.entries, statistics.maximumEntries)
        case .procPaired:
            consume(try? ProcNetParsers.pairedTable(bytes, file: "snmp").namedValues)
        case .procSingleColumn:
            consume(try? ProcNetParsers.singleColumn(bytes, file: "snmp6").namedValues)
        case .procSockstat:
            consume(try? ProcNetParsers.sockstat(bytes, file: "sockstat").namedValues)
        case .procSingleValue:
            consume(try? ProcNetParsers.singleValue(text(bytes), file: "nf_conntrack_max"))
        case .dnsAnswer:
            guard let response = try? DNSMessage.parse(bytes) else { return }
            consume(response.id, response.addresses, response.names, response.truncated)
        case .dockerHTTP:
            // The head of an answer, then what follows it as a chunked body (fed in two pieces).
            guard let end = HTTPHead.endOfHead(bytes[...]) else { return }
            if let head = try? HTTPHead.parse(bytes[..<(end - 4)]) { consume(head.status, head.framing) }
            guard let body = try? ResponseBody(capacity: bytes.count) else { return }
            var decoder = ChunkedDecoder()
            let middle = end + (bytes.count - end) / 2
            let finished = (try? decoder.feed(bytes[end..<middle], into: body)) == true
                || (try? decoder.feed(bytes[middle...], into: body)) == true
            consume(finished, body.count)
        case .dockerJSON:
            // Every Engine API answer the exporter reads: what is kept, and why entries were dropped.
            var problems: [String] = []
            if let networks = try? DockerEngine.networks(bytes, problems: &problems) { consume(networks.map(\.id)) }
            if let services = try? DockerEngine.services(bytes, problems: &problems) { consume(services.map(\.spec.name)) }
            if let detail = try? DockerEngine.networkDetail(bytes, id: "abc", problems: &problems) {
                consume(detail.services?.mapValues { ($0.localLBIndex, $0.ports, $0.tasks?.map(\.endpointIP)) })
            }
            consume(problems)
        case .yaml:
            do {
                if let root = try YAMLDocument.parse(String(decoding: bytes, as: UTF8.self)) { visit(root) }
            } catch {
                consume(error.line, error.column, error.description)
            }
        }
    }

    /// Every node of a YAML tree, with what the configuration readers ask of scalars.
    private func visit(_ node: YAMLNode) {
        switch node {
        case .scalar(let scalar): consume(scalar.text.count, scalar.bool, scalar.isNull, node.kind)
        case .sequence(let items): for item in items { visit(item) }
        case .mapping(let mapping): for entry in mapping.entries { consume(mapping[entry.key] != nil); visit(entry.value) }
        }
    }

    /// Every attribute of a buffer, and every attribute that parses as a nest, a few levels deep.
    private func walk(_ bytes: ArraySlice<UInt8>, depth: Int) {
        guard depth < 4, let attributes = try? NetlinkAttributes(parsing: bytes) else { return }
        for type in attributes.types {
            consume(attributes.u32(type), attributes.string(type))
            if let payload = attributes[type] { walk(payload, depth: depth + 1) }
        }
    }

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

/// Keeps values alive so the optimizer cannot drop the work that made them.
@inline(never)
func consume(_ values: Any?...) {
    blackHole = values.count
}

nonisolated(unsafe) var blackHole = 0
nonisolated(unsafe) var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("FUZZ_TARGET must be one of: \(names) (got \"\(name)\")\n".utf8))
        exit(2)
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected?.run(bytes)
    return 0
}
