@testable import Collectors

/// The /proc/net formats read the slow, obvious way (split into arrays of words, then
/// `Int64(_:)`), as the reference that the byte-walking ProcNetParsers must agree with: the same
/// values, or both refuse. Bytes, not Characters: "\r\n" is one Character, but the kernel's
/// separator is the byte "\n".
enum PlainProcReading {
    enum Layout { case paired, singleColumn, sockstat }

    static func read(_ text: String, layout: Layout) -> [ProcNetValue]? {
        let lines = Array(text.utf8).split(separator: UInt8(ascii: "\n"))
        // A 0 byte in a name is refused (names are kept 0-separated; see ProcNetTable.canHold).
        func words(_ line: ArraySlice<UInt8>, tabsToo: Bool = false) -> [String] {
            line.split(whereSeparator: { $0 == UInt8(ascii: " ") || (tabsToo && $0 == UInt8(ascii: "\t")) })
                .map { String(decoding: $0, as: UTF8.self) }
        }
        var values: [ProcNetValue] = []
        switch layout {
        case .paired:
            guard lines.count % 2 == 0 else { return nil }
            for pair in stride(from: 0, to: lines.count, by: 2) {
                let names = words(lines[pair]), numbers = words(lines[pair + 1])
                guard let proto = names.first, proto.hasSuffix(":"), numbers.first.map({ Array($0.utf8) == Array(proto.utf8) }) == true,
                      names.count == numbers.count, !names.joined().utf8.contains(0) else { return nil }
                for (name, number) in zip(names.dropFirst(), numbers.dropFirst()) {
                    guard let value = integer(number) else { return nil }
                    values.append(ProcNetValue(name: "\(proto.dropLast())_\(name)", value: value))
                }
            }
        case .singleColumn:
            for line in lines {
                let fields = words(line, tabsToo: true)
                guard fields.count == 2, let value = integer(fields[1]), !fields[0].utf8.contains(0) else { return nil }
                values.append(ProcNetValue(name: fields[0], value: value))
            }
        case .sockstat:
            for line in lines {
                let fields = words(line)
                guard let proto = fields.first, proto.hasSuffix(":"), fields.count % 2 == 1, !line.contains(0) else { return nil }
                for pair in stride(from: 1, to: fields.count, by: 2) {
                    guard let value = integer(fields[pair + 1]) else { return nil }
                    values.append(ProcNetValue(name: "\(proto.dropLast())_\(fields[pair])", value: value))
                }
            }
        }
        return values
    }

    /// Digits with an optional leading minus, within Int64 (`Int64(_:)` alone would take a `+`).
    private static func integer(_ word: String) -> Int64? {
        let digits = word.utf8.first == UInt8(ascii: "-") ? word.utf8.dropFirst() : word.utf8[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int64(word)
    }
}
