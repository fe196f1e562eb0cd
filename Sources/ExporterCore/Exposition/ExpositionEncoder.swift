/// Writes metric families as Prometheus text 0.0.4 or OpenMetrics 1.0.0.
///
/// Families come out sorted by name and series by label values (see `MetricSink.sortedFamilies`),
/// unsigned values exactly as integers, HELP and TYPE on every family, and OpenMetrics ends in
/// `# EOF`. The encoder knows nothing about where the numbers came from.
public struct ExpositionEncoder: Sendable {
    public let format: ExpositionFormat

    public init(format: ExpositionFormat) {
        self.format = format
    }

    public func encode(_ families: [MetricFamily]) -> String {
        var out = ""
        out.reserveCapacity(families.reduce(0) { $0 + 64 + $1.samples.count * 96 })
        for family in families {
            write(family, to: &out)
        }
        if format == .openMetrics { out += "# EOF\n" }
        return out
    }

    private func write(_ family: MetricFamily, to out: inout String) {
        let descriptor = family.descriptor
        // OpenMetrics names a counter family without its `_total`; samples keep it.
        let familyName = format == .openMetrics && descriptor.type == .counter
            ? String(descriptor.name.dropLast("_total".count))
            : descriptor.name
        out += "# HELP \(familyName) \(Self.escapeHelp(descriptor.help, format: format))\n"
        out += "# TYPE \(familyName) \(descriptor.type.rawValue)\n"
        for sample in family.samples {
            switch sample.value {
            case .unsigned(let value):
                writeLine(descriptor.name, descriptor.labelNames, sample.labelValues, extra: nil, String(value), &out)
            case .double(let value):
                writeLine(descriptor.name, descriptor.labelNames, sample.labelValues, extra: nil, Self.format(value), &out)
            case .histogram(let histogram):
                let bucket = descriptor.name + "_bucket"
                for (bound, count) in zip(histogram.upperBounds, histogram.cumulativeCounts) {
                    writeLine(bucket, descriptor.labelNames, sample.labelValues, extra: ("le", Self.format(bound)), String(count), &out)
                }
                writeLine(bucket, descriptor.labelNames, sample.labelValues, extra: ("le", "+Inf"), String(histogram.count), &out)
                writeLine(descriptor.name + "_sum", descriptor.labelNames, sample.labelValues, extra: nil, Self.format(histogram.sum), &out)
                writeLine(descriptor.name + "_count", descriptor.labelNames, sample.labelValues, extra: nil, String(histogram.count), &out)
            }
        }
    }

    private func writeLine(
        _ name: String, _ labelNames: [String], _ labelValues: [String],
        extra: (String, String)?, _ value: String, _ out: inout String
    ) {
        out += name
        if !labelNames.isEmpty || extra != nil {
            out += "{"
            var first = true
            for (labelName, labelValue) in zip(labelNames, labelValues) {
                if !first { out += "," }
                first = false
                out += labelName
                out += "=\""
                out += Self.escapeLabelValue(labelValue)
                out += "\""
            }
            if let (labelName, labelValue) = extra {
                if !first { out += "," }
                out += "\(labelName)=\"\(labelValue)\""
            }
            out += "}"
        }
        out += " "
        out += value
        out += "\n"
    }

    /// HELP text: backslash and newline escaped; OpenMetrics also escapes double quotes.
    static func escapeHelp(_ text: String, format: ExpositionFormat) -> String {
        escape(text, quotes: format == .openMetrics)
    }

    /// Label values: backslash, double quote and newline escaped (both formats).
    static func escapeLabelValue(_ text: String) -> String {
        escape(text, quotes: true)
    }

    private static func escape(_ text: String, quotes: Bool) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || (quotes && $0 == UInt8(ascii: "\"")) }) else {
            return text
        }
        var out = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"" where quotes: out += "\\\""
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A float as both formats spell it: `+Inf`, `-Inf`, `NaN`, otherwise Swift's shortest exact form.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        // Whole numbers print without ".0" while exactly representable (below 2^53).
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return value.description
    }
}
