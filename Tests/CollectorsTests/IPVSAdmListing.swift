import Collectors

/// `ipvsadm -Ln` output read back into what the consistency rules see of the kernel (a test's way
/// to use tables recorded in the VM; the exporter itself reads netlink).
enum IPVSAdmListing {
    struct Unreadable: Error, CustomStringConvertible {
        let line: String
        var description: String { "ipvsadm -Ln line not understood: \(line)" }
    }

    static func parse(_ text: String) throws -> KernelLoadBalancer {
        var balancer = KernelLoadBalancer()
        var current: UInt32?
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let first = words.first else { continue }
            switch first {
            case "IP", "Prot": continue
            case "FWM":
                guard words.count >= 2, let mark = UInt32(words[1]) else { throw Unreadable(line: String(line)) }
                current = mark
                balancer.backendsByFirewallMark[mark, default: []] += []
            case "TCP", "UDP", "SCTP":
                current = nil
                balancer.addressedServices.append("\(first) \(words[1])")
            case "->":
                if words.count > 1, words[1] == "RemoteAddress:Port" { continue }
                guard let mark = current, words.count >= 4, let weight = Int32(words[3]),
                      let colon = words[1].lastIndex(of: ":") else { throw Unreadable(line: String(line)) }
                balancer.backendsByFirewallMark[mark, default: []].append(
                    .init(address: String(words[1][..<colon]), weight: weight))
            default: throw Unreadable(line: String(line))
            }
        }
        return balancer
    }
}
