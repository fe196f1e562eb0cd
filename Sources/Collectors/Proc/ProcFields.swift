import ExporterCore

/// The /proc/net files the proc collector reads, how their values are named, and which values are
/// gauges (everything else in snmp, snmp6 and netstat is a counter; sockstat is all gauges).
enum ProcFields {
    enum Source: CaseIterable {
        case snmp, snmp6, netstat, sockstat, sockstat6

        var file: String {
            switch self {
            case .snmp: "snmp"
            case .snmp6: "snmp6"
            case .netstat: "netstat"
            case .sockstat: "sockstat"
            case .sockstat6: "sockstat6"
            }
        }

        /// The file inside the namespace of the thread that opens it. A literal: the readers of
        /// 1,000 namespaces share it instead of keeping 5,000 copies.
        var path: String {
            switch self {
            case .snmp: "/proc/thread-self/net/snmp"
            case .snmp6: "/proc/thread-self/net/snmp6"
            case .netstat: "/proc/thread-self/net/netstat"
            case .sockstat: "/proc/thread-self/net/sockstat"
            case .sockstat6: "/proc/thread-self/net/sockstat6"
            }
        }

        /// The metric name prefix; sockstat6 shares sockstat's (its protocols end in 6).
        var prefix: String {
            switch self {
            case .snmp: "netns_snmp_"
            case .snmp6: "netns_snmp6_"
            case .netstat: "netns_netstat_"
            case .sockstat, .sockstat6: "netns_sockstat_"
            }
        }

        /// Files a kernel may lack (IPv6 disabled): no series, no error.
        var isOptional: Bool { self == .snmp6 || self == .sockstat6 }
    }

    /// State-like snmp values (RFC 1213 gauges); the rest of snmp, snmp6 and netstat count events.
    static let gauges: Set<String> = [
        "Ip_Forwarding", "Ip_DefaultTTL", "Ip_ReasmTimeout",
        "Tcp_RtoAlgorithm", "Tcp_RtoMin", "Tcp_RtoMax", "Tcp_MaxConn", "Tcp_CurrEstab",
    ]

    /// The fields exported by default: enough to see drops, errors, retransmits and listen-queue
    /// overflows on a node with hundreds of namespaces without tens of thousands of series.
    static let defaultFields: [String] = [
        "Ip_Forwarding", "Ip_InReceives", "Ip_InDelivers", "Ip_OutRequests", "Ip_InDiscards", "Ip_OutDiscards",
        "Ip_InHdrErrors", "Ip_InAddrErrors", "Ip_OutNoRoutes",
        "Icmp_InMsgs", "Icmp_OutMsgs", "Icmp_InErrors",
        "Tcp_ActiveOpens", "Tcp_PassiveOpens", "Tcp_AttemptFails", "Tcp_EstabResets", "Tcp_CurrEstab",
        "Tcp_InSegs", "Tcp_OutSegs", "Tcp_RetransSegs", "Tcp_InErrs", "Tcp_OutRsts",
        "Udp_InDatagrams", "Udp_OutDatagrams", "Udp_NoPorts", "Udp_InErrors", "Udp_RcvbufErrors", "Udp_SndbufErrors",
        "Ip6InReceives", "Ip6InDelivers", "Ip6OutRequests", "Ip6InDiscards", "Ip6OutDiscards",
        "Icmp6InMsgs", "Icmp6OutMsgs", "Icmp6InErrors",
        "Udp6InDatagrams", "Udp6OutDatagrams", "Udp6NoPorts", "Udp6InErrors", "Udp6RcvbufErrors", "Udp6SndbufErrors",
        "TcpExt_ListenOverflows", "TcpExt_ListenDrops", "TcpExt_SyncookiesSent", "TcpExt_SyncookiesRecv",
        "TcpExt_SyncookiesFailed", "TcpExt_TCPSynRetrans", "TcpExt_TCPTimeouts", "TcpExt_TCPOFOQueue",
        "TcpExt_TCPAbortOnTimeout", "TcpExt_TCPAbortOnData", "TcpExt_TCPAbortOnClose", "TcpExt_TCPBacklogDrop", "TcpExt_TW",
        "IpExt_InOctets", "IpExt_OutOctets", "IpExt_InNoRoutes",
    ]

    static var defaultPattern: String { defaultFields.joined(separator: "|") }

    /// Common sockstat values (documented; whatever else the kernel prints is exported too).
    static let commonSockstat = [
        "sockets_used", "TCP_inuse", "TCP_orphan", "TCP_tw", "TCP_alloc", "TCP_mem", "UDP_inuse", "UDP_mem",
        "UDPLITE_inuse", "RAW_inuse", "FRAG_inuse", "FRAG_memory",
        "TCP6_inuse", "UDP6_inuse", "UDPLITE6_inuse", "RAW6_inuse", "FRAG6_inuse", "FRAG6_memory",
    ]

    /// Which file a field name comes from, by its shape.
    static func source(ofDefaultField field: String) -> Source {
        if field.hasPrefix("TcpExt_") || field.hasPrefix("IpExt_") { return .netstat }
        if !field.contains("_") { return .snmp6 }
        return .snmp
    }

    /// The kernel's CamelCase names in Prometheus' snake_case: Tcp_CurrEstab → tcp_curr_estab,
    /// TcpExt_TCPSynRetrans → tcpext_tcp_syn_retrans, Ip6InReceives → ip6_in_receives.
    static func snakeCase(_ name: String) -> String {
        let characters = Array(name)
        var out = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                let startsWord = previous.isLowercase || previous.isNumber
                    || (previous.isUppercase && next?.isLowercase == true)
                if startsWord && previous != "_" { out.append("_") }
            }
            out.append(contentsOf: character.lowercased())
        }
        return out
    }

    static func descriptor(source: Source, field: String) -> MetricDescriptor {
        let base = source.prefix + MetricName.sanitize(snakeCase(field))
        switch source {
        case .sockstat, .sockstat6:
            let unit = field.hasSuffix("_mem") ? " (in pages)" : ""
            return .gauge(base, "Socket statistic \(field) of /proc/net/\(source.file)\(unit).")
        case .snmp, .snmp6, .netstat:
            if gauges.contains(field) {
                return .gauge(base, "\(field) from /proc/net/\(source.file) (a state, not a counter).")
            }
            return .counter(base + "_total", "\(field) from /proc/net/\(source.file).")
        }
    }

    /// The families of the default field set (for --print-metrics and the README).
    static let documented: [MetricDescriptor] =
        defaultFields.map { descriptor(source: source(ofDefaultField: $0), field: $0) }
        + commonSockstat.map { descriptor(source: .sockstat, field: $0) }
}
