/// The fixed text around one family's label values, rendered once per family: `name{a="`,
/// `",b="`, …, `"} ` (or `name ` without labels). Writing a sample is then its values, escaped,
/// between these pieces: no per-sample formatting of names, quotes or commas.
struct LabelTemplate: Sendable {
    /// Every piece, back to back.
    private let text: [UInt8]
    /// Where each piece is in `text`: one before each label value, then the closing piece.
    private let pieces: [Range<Int>]

    init(metricName: String, labelNames: [String]) {
        var strings: [String]
        if let first = labelNames.first {
            strings = ["\(metricName){\(first)=\""] + labelNames.dropFirst().map { "\",\($0)=\"" } + ["\"} "]
        } else {
            strings = [metricName + " "]
        }
        var text: [UInt8] = []
        var pieces: [Range<Int>] = []
        for string in strings {
            let start = text.count
            text.append(contentsOf: string.utf8)
            pieces.append(start..<text.count)
        }
        self.text = text
        self.pieces = pieces
    }

    /// Writes the metric name and labels of one sample, up to the space before its value: the
    /// label values are `leading` followed by `values`, one per label name.
    func write(_ leading: [String], _ values: [String], to out: inout [UInt8]) {
        text.withUnsafeBufferPointer { text in
            var piece = 0
            for value in leading where piece < pieces.count - 1 {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: text[pieces[piece]]))
                out.appendLabelValue(value)
                piece += 1
            }
            for value in values where piece < pieces.count - 1 {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: text[pieces[piece]]))
                out.appendLabelValue(value)
                piece += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[pieces[pieces.count - 1]]))
        }
    }
}

extension [UInt8] {
    /// A label value with backslash, double quote and newline escaped.
    mutating func appendLabelValue(_ value: String) {
        let copied: Void? = value.utf8.withContiguousStorageIfAvailable { bytes in
            if bytes.contains(where: Self.needsEscape) {
                appendEscaped(bytes)
            } else {
                append(contentsOf: bytes)
            }
        }
        if copied == nil { appendEscaped(value.utf8) }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n")
    }

    private mutating func appendEscaped(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\""): append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\n"): append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            default: append(byte)
            }
        }
    }

    /// An unsigned integer in decimal, exactly.
    mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for the 20 digits of UInt64.max
        Swift.withUnsafeMutableBytes(of: &digits) { buffer in
            var remaining = value
            var index = buffer.count
            while remaining > 0 {
                index -= 1
                buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
            }
            append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index...]))
        }
    }
}
