/// A named value from a /proc/net table.
struct ProcNetValue: Equatable {
    /// `Tcp_CurrEstab`, `TcpExt_ListenDrops`, `Ip6InReceives`, `TCP_inuse`, …
    let name: String
    /// Kept as the kernel wrote it (signed: Tcp MaxConn is -1).
    let value: Int64
}

struct ProcParseError: Error, CustomStringConvertible {
    let file: String
    let line: Int
    let problem: String
    var description: String { "\(file) line \(line): \(problem)" }
}

/// Pure parsers of the /proc/net files the proc collector reads.
enum ProcNetParsers {
    /// `snmp` and `netstat`: pairs of lines, `Proto: Name Name …` then `Proto: 1 2 …`.
    static func pairedTable(_ text: String, file: String) throws -> [ProcNetValue] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.count % 2 == 0 else { throw ProcParseError(file: file, line: lines.count, problem: "header without values") }
        var values: [ProcNetValue] = []
        for index in stride(from: 0, to: lines.count, by: 2) {
            let names = lines[index].split(separator: " ")
            let numbers = lines[index + 1].split(separator: " ")
            guard let proto = names.first, proto.hasSuffix(":"), numbers.first == proto else {
                throw ProcParseError(file: file, line: index + 1, problem: "header and values name different protocols")
            }
            guard names.count == numbers.count else {
                throw ProcParseError(file: file, line: index + 2, problem: "\(names.count - 1) names but \(numbers.count - 1) values")
            }
            let prefix = proto.dropLast()
            for (name, number) in zip(names.dropFirst(), numbers.dropFirst()) {
                guard let value = Int64(number) else {
                    throw ProcParseError(file: file, line: index + 2, problem: "\(prefix) \(name) is not a number: \(number)")
                }
                values.append(ProcNetValue(name: "\(prefix)_\(name)", value: value))
            }
        }
        return values
    }

    /// `snmp6`: one `Name value` per line.
    static func singleColumn(_ text: String, file: String) throws -> [ProcNetValue] {
        var values: [ProcNetValue] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2, let value = Int64(fields[1]) else {
                throw ProcParseError(file: file, line: index + 1, problem: "expected a name and a number: \(line)")
            }
            values.append(ProcNetValue(name: String(fields[0]), value: value))
        }
        return values
    }

    /// `sockstat` and `sockstat6`: `PROTO: key value key value …`.
    static func sockstat(_ text: String, file: String) throws -> [ProcNetValue] {
        var values: [ProcNetValue] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: " ")
            guard let proto = fields.first, proto.hasSuffix(":"), fields.count % 2 == 1 else {
                throw ProcParseError(file: file, line: index + 1, problem: "expected PROTO: key value …: \(line)")
            }
            for pair in stride(from: 1, to: fields.count, by: 2) {
                guard let value = Int64(fields[pair + 1]) else {
                    throw ProcParseError(file: file, line: index + 1, problem: "\(fields[pair]) is not a number: \(fields[pair + 1])")
                }
                values.append(ProcNetValue(name: "\(proto.dropLast())_\(fields[pair])", value: value))
            }
        }
        return values
    }

    /// A single-value file such as /proc/sys/net/netfilter/nf_conntrack_count.
    static func singleValue(_ text: String, file: String) throws -> Double {
        let trimmed = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        guard trimmed.count == 1, let value = Double(trimmed[0]), value.isFinite else {
            throw ProcParseError(file: file, line: 1, problem: "expected one number, found \"\(text.prefix(60))\"")
        }
        return value
    }
}
