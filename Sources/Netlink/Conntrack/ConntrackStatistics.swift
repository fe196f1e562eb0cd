import CNetlink
#if canImport(Glibc)
import Glibc
#endif

/// Conntrack's counters and table size in one namespace, as `conntrack -S` and `conntrack -C` read
/// them: ctnetlink IPCTNL_MSG_CT_GET_STATS_CPU (one message per CPU, summed here) and
/// IPCTNL_MSG_CT_GET_STATS (entries and, on newer kernels, the table limit).
public struct ConntrackStatistics: Sendable, Equatable {
    /// Counter name (as `conntrack -S` prints it) → sum over CPUs, for the counters the kernel sent.
    public var counters: [String: UInt64]
    public var entries: UInt64?
    public var maximumEntries: UInt64?

    /// CTA_STATS_* attribute → the name `conntrack -S` prints (attributes the kernel no longer
    /// fills are left out).
    public static let counterNames: [UInt16: String] = [
        UInt16(CTA_STATS_FOUND.rawValue): "found",
        UInt16(CTA_STATS_INVALID.rawValue): "invalid",
        UInt16(CTA_STATS_INSERT.rawValue): "insert",
        UInt16(CTA_STATS_INSERT_FAILED.rawValue): "insert_failed",
        UInt16(CTA_STATS_DROP.rawValue): "drop",
        UInt16(CTA_STATS_EARLY_DROP.rawValue): "early_drop",
        UInt16(CTA_STATS_ERROR.rawValue): "error",
        UInt16(CTA_STATS_SEARCH_RESTART.rawValue): "search_restart",
        UInt16(CTA_STATS_CLASH_RESOLVE.rawValue): "clash_resolve",
        UInt16(CTA_STATS_CHAIN_TOOLONG.rawValue): "chaintoolong",
    ]

    /// `struct nfgenmsg`: family, version, resource id (the CPU in per-CPU replies).
    static let headerSize = 4

    /// Sums the per-CPU messages and reads the global one (pure: tested on recorded replies).
    public init(perCPU: [NetlinkMessage], global: [NetlinkMessage]) throws(NetlinkError) {
        var counters: [String: UInt64] = [:]
        for message in perCPU {
            let attributes = try Self.attributes(of: message)
            for (type, name) in Self.counterNames {
                // ctnetlink puts these in network byte order (nla_put_be32).
                guard let payload = attributes[type], let value = ByteReader(payload).network(UInt32.self) else { continue }
                counters[name, default: 0] += UInt64(value)
            }
        }
        self.counters = counters
        let globalAttributes = try global.first.map(Self.attributes(of:))
        entries = globalAttributes?[UInt16(CTA_STATS_GLOBAL_ENTRIES.rawValue)].flatMap { ByteReader($0).network(UInt32.self) }.map(UInt64.init)
        maximumEntries = globalAttributes?[UInt16(CTA_STATS_GLOBAL_MAX_ENTRIES.rawValue)].flatMap { ByteReader($0).network(UInt32.self) }.map(UInt64.init)
    }

    private static func attributes(of message: NetlinkMessage) throws(NetlinkError) -> NetlinkAttributes {
        guard message.payload.count >= headerSize else {
            throw .malformed("ctnetlink payload of \(message.payload.count) bytes is shorter than nfgenmsg")
        }
        return try NetlinkAttributes(parsing: message.payload.dropFirst(headerSize))
    }
}

extension NetlinkTransport {
    /// The namespace's conntrack statistics, or nil when conntrack is not available there (the
    /// ctnetlink subsystem answers "not supported" or "no such entry").
    public func conntrackStatistics() throws(NetlinkError) -> ConntrackStatistics? {
        let header: [UInt8] = [UInt8(AF_UNSPEC), UInt8(NFNETLINK_V0), 0, 0]
        let subsystem = UInt16(NFNL_SUBSYS_CTNETLINK) << 8
        do {
            let perCPU = try request(type: subsystem | UInt16(IPCTNL_MSG_CT_GET_STATS_CPU.rawValue), dump: true, header: header,
                                     context: "IPCTNL_MSG_CT_GET_STATS_CPU dump")
            let global = try request(type: subsystem | UInt16(IPCTNL_MSG_CT_GET_STATS.rawValue), dump: false, header: header,
                                     context: "IPCTNL_MSG_CT_GET_STATS")
            return try ConntrackStatistics(perCPU: perCPU, global: global)
        } catch .kernel(let code, _) where code == EOPNOTSUPP || code == ENOENT || code == EPROTONOSUPPORT {
            return nil
        }
    }
}
