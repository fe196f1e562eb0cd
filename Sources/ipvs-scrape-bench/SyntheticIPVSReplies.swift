import CNetlink
#if canImport(Glibc)
import Glibc
#endif

/// The datagrams a kernel would send `IPVSClient` for a table like Swarm's load balancers hold:
/// `services` firewall-mark services (marks 256, 257, …, scheduler rr), each with `backends`
/// masquerading IPv4 backends of weight 1 and some traffic on their counters. Laid out as
/// `IPVSTable(replaying:)` expects them: the service dump and its DONE, one destination dump and
/// DONE per service, GET_INFO, GET_CONFIG; attributes as Linux 6.1's `ip_vs_genl_fill_*` writes them.
struct SyntheticIPVSReplies {
    let services: Int
    let backends: Int

    var datagrams: [[UInt8]] {
        var out: [[UInt8]] = []
        var serviceDump: [UInt8] = []
        for index in 0..<services { serviceDump += message(command: IPVS_CMD_NEW_SERVICE, multi: true, service(index)) }
        out.append(serviceDump)
        out.append(done)
        for index in 0..<services {
            var destinations: [UInt8] = []
            for backend in 0..<backends { destinations += message(command: IPVS_CMD_NEW_DEST, multi: true, destination(service: index, backend: backend)) }
            out.append(destinations)
            out.append(done)
        }
        out.append(message(command: IPVS_CMD_SET_INFO, multi: false,
                           u32(IPVS_INFO_ATTR_VERSION, 0x010201) + u32(IPVS_INFO_ATTR_CONN_TAB_SIZE, 4096)))
        out.append(message(command: IPVS_CMD_SET_CONFIG, multi: false,
                           u32(IPVS_CMD_ATTR_TIMEOUT_TCP, 900) + u32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, 120) + u32(IPVS_CMD_ATTR_TIMEOUT_UDP, 300)))
        return out
    }

    private func service(_ index: Int) -> [UInt8] {
        let traffic = UInt64(index) * 1_000
        return nest(IPVS_CMD_ATTR_SERVICE,
                    u16(IPVS_SVC_ATTR_AF, UInt16(AF_INET)) + u32(IPVS_SVC_ATTR_FWMARK, UInt32(256 + index))
                    + attribute(IPVS_SVC_ATTR_SCHED_NAME, Array("rr".utf8) + [0])
                    + attribute(IPVS_SVC_ATTR_FLAGS, [UInt8](repeating: 0, count: 4) + [0xFF, 0xFF, 0xFF, 0xFF])
                    + u32(IPVS_SVC_ATTR_TIMEOUT, 0) + u32(IPVS_SVC_ATTR_NETMASK, 0xFFFF_FFFF)
                    + statistics(IPVS_SVC_ATTR_STATS, base: traffic, wide: false)
                    + statistics(IPVS_SVC_ATTR_STATS64, base: traffic, wide: true))
    }

    private func destination(service: Int, backend: Int) -> [UInt8] {
        let address: [UInt8] = [10, UInt8(1 + service / 250), UInt8(service % 250), UInt8(2 + backend)] + [UInt8](repeating: 0, count: 12)
        let traffic = UInt64(service * 100 + backend) * 7
        return nest(IPVS_CMD_ATTR_DEST,
                    attribute(IPVS_DEST_ATTR_ADDR, address) + attribute(IPVS_DEST_ATTR_PORT, [0, 0])
                    + u32(IPVS_DEST_ATTR_FWD_METHOD, UInt32(IP_VS_CONN_F_MASQ)) + u32(IPVS_DEST_ATTR_WEIGHT, 1)
                    + attribute(IPVS_DEST_ATTR_TUN_TYPE, [0]) + attribute(IPVS_DEST_ATTR_TUN_PORT, [0, 0]) + u16(IPVS_DEST_ATTR_TUN_FLAGS, 0)
                    + u32(IPVS_DEST_ATTR_U_THRESH, 0) + u32(IPVS_DEST_ATTR_L_THRESH, 0)
                    + u32(IPVS_DEST_ATTR_ACTIVE_CONNS, UInt32(backend)) + u32(IPVS_DEST_ATTR_INACT_CONNS, UInt32(backend * 3))
                    + u32(IPVS_DEST_ATTR_PERSIST_CONNS, 0)
                    + statistics(IPVS_DEST_ATTR_STATS, base: traffic, wide: false)
                    + statistics(IPVS_DEST_ATTR_STATS64, base: traffic, wide: true)
                    + u16(IPVS_DEST_ATTR_ADDR_FAMILY, UInt16(AF_INET)))
    }

    private func statistics(_ type: Int, base: UInt64, wide: Bool) -> [UInt8] {
        func counter(_ kind: Int, _ value: UInt64) -> [UInt8] { wide ? u64(kind, value) : u32(kind, UInt32(truncatingIfNeeded: value)) }
        return nest(type,
                    counter(IPVS_STATS_ATTR_CONNS, base) + counter(IPVS_STATS_ATTR_INPKTS, base * 12) + counter(IPVS_STATS_ATTR_OUTPKTS, base * 10)
                    + u64(IPVS_STATS_ATTR_INBYTES, base * 1_500) + u64(IPVS_STATS_ATTR_OUTBYTES, base * 9_000)
                    + counter(IPVS_STATS_ATTR_CPS, 0) + counter(IPVS_STATS_ATTR_INPPS, 0) + counter(IPVS_STATS_ATTR_OUTPPS, 0)
                    + counter(IPVS_STATS_ATTR_INBPS, 0) + counter(IPVS_STATS_ATTR_OUTBPS, 0))
    }

    private var done: [UInt8] { header(type: UInt16(NLMSG_DONE), flags: UInt16(NLM_F_MULTI), payloadLength: 4) + [0, 0, 0, 0] }

    private func message(command: Int, multi: Bool, _ attributes: [UInt8]) -> [UInt8] {
        let payload = [UInt8(command), UInt8(IPVS_GENL_VERSION), 0, 0] + attributes
        return header(type: 0x20, flags: multi ? UInt16(NLM_F_MULTI) : 0, payloadLength: payload.count) + payload
    }

    private func header(type: UInt16, flags: UInt16, payloadLength: Int) -> [UInt8] {
        bytes(UInt32(16 + payloadLength)) + bytes(type) + bytes(flags) + bytes(UInt32(1)) + bytes(UInt32(0))
    }

    private func nest(_ type: Int, _ payload: [UInt8]) -> [UInt8] { attribute(type | Int(NLA_F_NESTED), payload) }
    private func u16(_ type: Int, _ value: UInt16) -> [UInt8] { attribute(type, bytes(value)) }
    private func u32(_ type: Int, _ value: UInt32) -> [UInt8] { attribute(type, bytes(value)) }
    private func u64(_ type: Int, _ value: UInt64) -> [UInt8] { attribute(type, bytes(value)) }

    private func attribute(_ type: Int, _ payload: [UInt8]) -> [UInt8] {
        let length = 4 + payload.count
        let padding = (4 - length % 4) % 4
        return bytes(UInt16(length)) + bytes(UInt16(type)) + payload + [UInt8](repeating: 0, count: padding)
    }

    private func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
