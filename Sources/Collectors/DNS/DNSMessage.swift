/// The few DNS wire-format pieces the probes need: a query, and the answer's header and records.
enum DNSMessage {
    enum RecordType: UInt16 {
        case a = 1
        case ptr = 12
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    /// Response codes the probes tell apart (RFC 1035 §4.1.1).
    enum ResponseCode: UInt8 {
        case noError = 0, formatError = 1, serverFailure = 2, nameError = 3, notImplemented = 4, refused = 5
    }

    struct Response {
        let id: UInt16
        let responseCode: UInt8
        let truncated: Bool
        /// A records (dotted quads) and PTR names found in the answer section.
        let addresses: [String]
        let names: [String]
    }

    /// A standard recursive query for one name and type.
    static func query(id: UInt16, name: String, type: RecordType) throws -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        let labels = name.split(separator: ".", omittingEmptySubsequences: true)
        guard !labels.isEmpty else { throw ParseError(description: "empty name") }
        for label in labels {
            let utf8 = Array(label.utf8)
            guard utf8.count <= 63 else { throw ParseError(description: "label \(label) longer than 63 bytes") }
            bytes.append(UInt8(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        bytes.append(0)
        guard bytes.count - 12 <= 255 else { throw ParseError(description: "name longer than 255 bytes") }
        bytes += [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xFF), 0, 1]
        return bytes
    }

    /// "4.3.2.1.in-addr.arpa" for 1.2.3.4.
    static func reverseName(ipv4: String) -> String? {
        let octets = ipv4.split(separator: ".")
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return nil }
        return octets.reversed().joined(separator: ".") + ".in-addr.arpa"
    }

    static func parse(_ bytes: [UInt8]) throws -> Response {
        guard bytes.count >= 12 else { throw ParseError(description: "answer of \(bytes.count) bytes is shorter than a header") }
        func u16(_ offset: Int) throws -> UInt16 {
            guard offset + 2 <= bytes.count else { throw ParseError(description: "answer ends inside a record") }
            return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
        }
        guard bytes[2] & 0x80 != 0 else { throw ParseError(description: "not a response (QR bit clear)") }
        let questions = Int(try u16(4)), answers = Int(try u16(6))
        var offset = 12
        for _ in 0..<questions {
            (_, offset) = try readName(bytes, at: offset)
            offset += 4
        }
        var addresses: [String] = [], names: [String] = []
        for _ in 0..<answers {
            (_, offset) = try readName(bytes, at: offset)
            let type = try u16(offset), length = Int(try u16(offset + 8))
            let start = offset + 10
            guard start + length <= bytes.count else { throw ParseError(description: "record data runs past the answer") }
            if type == RecordType.a.rawValue && length == 4 {
                addresses.append(bytes[start..<start + 4].map(String.init).joined(separator: "."))
            } else if type == RecordType.ptr.rawValue {
                names.append(try readName(bytes, at: start).name)
            }
            offset = start + length
        }
        return Response(id: try u16(0), responseCode: bytes[3] & 0x0F, truncated: bytes[2] & 0x02 != 0, addresses: addresses, names: names)
    }

    /// A possibly compressed name at `offset`; returns it and the offset after it in place.
    static func readName(_ bytes: [UInt8], at start: Int) throws -> (name: String, next: Int) {
        var labels: [String] = []
        var offset = start
        var next: Int?
        var jumps = 0
        while true {
            guard offset < bytes.count else { throw ParseError(description: "name runs past the answer") }
            let length = Int(bytes[offset])
            if length == 0 {
                return (labels.joined(separator: "."), next ?? offset + 1)
            }
            if length & 0xC0 == 0xC0 {
                guard offset + 1 < bytes.count, jumps < 32 else { throw ParseError(description: "bad name compression") }
                if next == nil { next = offset + 2 }
                offset = (length & 0x3F) << 8 | Int(bytes[offset + 1])
                jumps += 1
                continue
            }
            guard length <= 63, offset + 1 + length <= bytes.count else { throw ParseError(description: "label runs past the answer") }
            labels.append(String(decoding: bytes[(offset + 1)..<(offset + 1 + length)], as: UTF8.self))
            offset += 1 + length
        }
    }
}
