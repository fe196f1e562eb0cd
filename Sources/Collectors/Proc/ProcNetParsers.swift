/// A named value from a /proc/net table.
struct ProcNetValue: Equatable {
    /// `Tcp_CurrEstab`, `TcpExt_ListenDrops`, `Ip6InReceives`, `TCP_inuse`, …
    let name: String
    /// Kept as the kernel wrote it (signed: Tcp MaxConn is -1).
    let value: Int64
}

/// The fields of one /proc/net file, in the order the kernel wrote them.
struct ProcNetTable {
    /// Every field name, each followed by a 0 byte. The names of a file do not change while the
    /// kernel runs: a reader compares this to the last read and only turns names into strings,
    /// filters and families when it differs.
    private(set) var layout: [UInt8] = []
    private(set) var values: [Int64] = []

    init(capacity: Int) {
        layout.reserveCapacity(capacity)
        values.reserveCapacity(capacity / 16)
    }

    /// Whether a name can go into `layout`: a 0 byte in it would end it early, and every name
    /// after it would be paired with the wrong value. The kernel never writes one; a damaged or
    /// hostile file may.
    static func canHold(_ name: ArraySlice<UInt8>) -> Bool {
        !name.contains(0)
    }

    /// `prefix_name` when there is a prefix, else `name` (both checked with `canHold` first).
    mutating func append(prefix: ArraySlice<UInt8>? = nil, name: ArraySlice<UInt8>, value: Int64) {
        if let prefix {
            layout.append(contentsOf: prefix)
            layout.append(UInt8(ascii: "_"))
        }
        layout.append(contentsOf: name)
        layout.append(0)
        values.append(value)
    }

    var names: [String] {
        layout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    var namedValues: [ProcNetValue] {
        zip(names, values).map { ProcNetValue(name: $0, value: $1) }
    }
}

struct ProcParseError: Error, CustomStringConvertible {
    let file: String
    let line: Int
    let problem: String
    var description: String { "\(file) line \(line): \(problem)" }
}

/// Pure parsers of the /proc/net files the proc collector reads.
///
/// They work on the file's bytes (ASCII): splitting a `String` walks grapheme clusters, and a scrape
/// of many namespaces parses a few hundred fields per namespace.
enum ProcNetParsers {
    private static let newline = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let colon = UInt8(ascii: ":")

    /// `snmp` and `netstat`: pairs of lines, `Proto: Name Name …` then `Proto: 1 2 …`. The two lines
    /// are walked side by side, word by word, without splitting them into arrays.
    static func pairedTable(_ bytes: [UInt8], file: String) throws -> ProcNetTable {
        var table = ProcNetTable(capacity: bytes.count)
        var lines = Words(bytes, separator: newline)
        var lineNumber = 0
        while let header = lines.next() {
            lineNumber += 2
            guard let valuesLine = lines.next() else {
                throw ProcParseError(file: file, line: lineNumber - 1, problem: "header without values")
            }
            var names = Words(bytes, in: header, separator: space)
            var numbers = Words(bytes, in: valuesLine, separator: space)
            guard let proto = names.next(), bytes[proto.upperBound - 1] == colon, let first = numbers.next(),
                  bytes[first].elementsEqual(bytes[proto]) else {
                throw ProcParseError(file: file, line: lineNumber - 1, problem: "header and values name different protocols")
            }
            let prefix = bytes[proto.lowerBound..<(proto.upperBound - 1)]
            guard ProcNetTable.canHold(prefix), ProcNetTable.canHold(bytes[header]) else {
                throw ProcParseError(file: file, line: lineNumber - 1, problem: "a 0 byte in a field name")
            }
            while true {
                let name = names.next()
                let number = numbers.next()
                guard let name, let number else {
                    if name == nil && number == nil { break }
                    let nameCount = bytes[header].split(separator: space).count - 1
                    let valueCount = bytes[valuesLine].split(separator: space).count - 1
                    throw ProcParseError(file: file, line: lineNumber, problem: "\(nameCount) names but \(valueCount) values")
                }
                guard let value = integer(bytes[number]) else {
                    throw ProcParseError(file: file, line: lineNumber, problem: "\(text(prefix)) \(text(bytes[name])) is not a number: \(text(bytes[number]))")
                }
                table.append(prefix: prefix, name: bytes[name], value: value)
            }
        }
        return table
    }

    /// `snmp6`: one `Name value` per line.
    static func singleColumn(_ bytes: [UInt8], file: String) throws -> ProcNetTable {
        var table = ProcNetTable(capacity: bytes.count)
        var lines = Words(bytes, separator: newline)
        var lineNumber = 0
        while let line = lines.next() {
            lineNumber += 1
            var fields = Words(bytes, in: line, separator: space, or: UInt8(ascii: "\t"))
            guard let name = fields.next(), let number = fields.next(), fields.next() == nil, let value = integer(bytes[number]),
                  ProcNetTable.canHold(bytes[name]) else {
                throw ProcParseError(file: file, line: lineNumber, problem: "expected a name and a number: \(text(bytes[line]))")
            }
            table.append(name: bytes[name], value: value)
        }
        return table
    }

    /// `sockstat` and `sockstat6`: `PROTO: key value key value …`.
    static func sockstat(_ bytes: [UInt8], file: String) throws -> ProcNetTable {
        var table = ProcNetTable(capacity: bytes.count)
        for (index, line) in bytes.split(separator: newline).enumerated() {
            let fields = line.split(separator: space)
            guard let proto = fields.first, proto.last == colon, fields.count % 2 == 1, ProcNetTable.canHold(line) else {
                throw ProcParseError(file: file, line: index + 1, problem: "expected PROTO: key value …: \(text(line))")
            }
            for pair in stride(from: 1, to: fields.count, by: 2) {
                guard let value = integer(fields[pair + 1]) else {
                    throw ProcParseError(file: file, line: index + 1, problem: "\(text(fields[pair])) is not a number: \(text(fields[pair + 1]))")
                }
                table.append(prefix: proto.dropLast(), name: fields[pair], value: value)
            }
        }
        return table
    }

    /// A decimal integer, optionally negative; nil for anything else or an overflow.
    static func integer(_ digits: ArraySlice<UInt8>) -> Int64? {
        var rest = digits
        let negative = rest.first == UInt8(ascii: "-")
        if negative { rest = rest.dropFirst() }
        guard !rest.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in rest {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let digit = Int64(byte &- UInt8(ascii: "0"))
            let (sum, overflowAgain) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow, !overflowAgain else { return nil }
            value = sum
        }
        return value
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// A single-value file such as /proc/sys/net/netfilter/nf_conntrack_count.
    static func singleValue(_ text: String, file: String) throws -> Double {
        let trimmed = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        guard trimmed.count == 1, let value = Double(trimmed[0]), value.isFinite else {
            throw ProcParseError(file: file, line: 1, problem: "expected one number, found \"\(text.prefix(60))\"")
        }
        return value
    }
}

/// The non-empty runs of bytes between separators, as ranges, one at a time (no arrays).
private struct Words {
    private let bytes: [UInt8]
    /// One or two separator bytes (two the same when there is one): compared directly, as this
    /// runs for every byte of every file of every namespace.
    private let separator: UInt8
    private let otherSeparator: UInt8
    private var position: Int
    private let end: Int

    init(_ bytes: [UInt8], in range: Range<Int>? = nil, separator: UInt8, or otherSeparator: UInt8? = nil) {
        self.bytes = bytes
        self.separator = separator
        self.otherSeparator = otherSeparator ?? separator
        position = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    private func isSeparator(_ byte: UInt8) -> Bool {
        byte == separator || byte == otherSeparator
    }

    mutating func next() -> Range<Int>? {
        while position < end, isSeparator(bytes[position]) { position += 1 }
        guard position < end else { return nil }
        let start = position
        while position < end, !isSeparator(bytes[position]) { position += 1 }
        return start..<position
    }
}
