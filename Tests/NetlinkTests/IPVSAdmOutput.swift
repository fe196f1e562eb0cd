import Foundation
/// ipvsadm's listings, parsed: the oracle the IPVS fixtures are checked against.
struct IPVSAdmOutput {
    struct Row: Equatable {
        var key: String          // "TCP 10.10.0.1:80", "FWM 256", or "-> 10.20.0.2:8080"
        var columns: [String]
    }

    /// Rows of `ipvsadm -Ln`-style listings: service lines and "->" backend lines (headers dropped).
    static func rows(_ text: String) -> [Row] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ").map(String.init)
            guard let first = fields.first else { return nil }
            switch first {
            case "TCP", "UDP", "SCTP", "FWM":
                guard fields.count >= 2 else { return nil }
                return Row(key: "\(first) \(fields[1])", columns: Array(fields.dropFirst(2)))
            case "->" where fields.count >= 2 && fields[1] != "RemoteAddress:Port":
                return Row(key: "-> \(fields[1])", columns: Array(fields.dropFirst(2)))
            default:
                return nil
            }
        }
    }

    /// Rows as "service" and "service -> backend" keys, so listings in different orders compare
    /// equal (the kernel dumps hash-table order; ipvsadm sorts).
    static func keyed(_ rows: [Row]) -> [String: [String]] {
        var result: [String: [String]] = [:]
        var service = ""
        for row in rows {
            if row.key.hasPrefix("->") {
                result["\(service) \(row.key)"] = row.columns
            } else {
                service = row.key
                result[service] = row.columns
            }
        }
        return result
    }

    /// `ipvsadm -Ln` header: "IP Virtual Server version 1.2.1 (size=4096)".
    static func tableSize(_ text: String) -> UInt32? {
        guard let range = text.range(of: "(size=") else { return nil }
        return UInt32(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// `ipvsadm -Ln --timeout`: "Timeout (tcp tcpfin udp): 900 120 300".
    static func timeouts(_ text: String) -> [UInt32] {
        guard let colon = text.firstIndex(of: ":") else { return [] }
        return text[text.index(after: colon)...].split(whereSeparator: \.isWhitespace).compactMap { UInt32($0) }
    }
}
