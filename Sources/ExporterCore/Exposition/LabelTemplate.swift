/// The fixed text around one family's label values, rendered once per family: for each label
/// `name{label="` (when it is the first written) and `",label="` (after another), and the end,
/// `"} ` (or `name ` when no label was written). Writing a sample is then its values, escaped,
/// between these pieces: no per-sample formatting of names, quotes or commas.
///
/// A label whose value is empty is not written. Prometheus treats an empty label value as no
/// label at all (the series is the same either way), and many series leave most labels empty
/// (an IPVS firewall-mark service has no protocol, address or port). Left out, a 2,000 × 10 IPVS
/// table's exposition is a quarter smaller.
struct LabelTemplate: Sendable {
    /// Every piece, back to back.
    private let text: [UInt8]
    /// For each label: where `name{label="` is in `text`.
    private let first: [Range<Int>]
    /// For each label: where `",label="` is in `text`.
    private let next: [Range<Int>]
    /// Where `"} ` and `name ` are in `text`.
    private let close: Range<Int>
    private let bare: Range<Int>

    init(metricName: String, labelNames: [String]) {
        var text: [UInt8] = []
        func piece(_ string: String) -> Range<Int> {
            let start = text.count
            text.append(contentsOf: string.utf8)
            return start..<text.count
        }
        first = labelNames.map { piece("\(metricName){\($0)=\"") }
        next = labelNames.map { piece("\",\($0)=\"") }
        close = piece("\"} ")
        bare = piece(metricName + " ")
        self.text = text
    }

    /// Writes the metric name and labels of one sample, up to the space before its value: the
    /// label values are `leading` followed by `values`, one per label name.
    func write(_ leading: [String], _ values: [String], to out: inout [UInt8]) {
        text.withUnsafeBufferPointer { text in
            var label = 0
            var written = false
            for value in leading where label < first.count {
                write(value, label: label, written: &written, text: text, to: &out)
                label += 1
            }
            for value in values where label < first.count {
                write(value, label: label, written: &written, text: text, to: &out)
                label += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[written ? close : bare]))
        }
    }

    private func write(_ value: String, label: Int, written: inout Bool, text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard !value.isEmpty else { return }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: text[written ? next[label] : first[label]]))
        out.appendLabelValue(value)
        written = true
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
