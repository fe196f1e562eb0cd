/// Writes metric families as Prometheus text 0.0.4 or OpenMetrics 1.0.0.
///
/// Families come out sorted by name and series by label values (see `MetricSink.sortedFamilies`),
/// unsigned values exactly as integers, HELP and TYPE on every family, and OpenMetrics ends in
/// `# EOF`. The encoder knows nothing about where the numbers came from.
///
/// It writes UTF-8 bytes straight into one buffer: a scrape of a large IPVS table is hundreds of
/// thousands of lines, so each family's label-name text is rendered once (`LabelTemplate`) and a
/// sample only adds its values and number.
public struct ExpositionEncoder: Sendable {
    public let format: ExpositionFormat

    public init(format: ExpositionFormat) {
        self.format = format
    }

    /// The exposition as text (tests, small outputs).
    public func encode(_ families: [MetricFamily]) -> String {
        var out: [UInt8] = []
        encode(families, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the whole exposition of `families` (in the order given) to `out`.
    public func encode(_ families: [MetricFamily], into out: inout [UInt8]) {
        var chunks = chunks(of: families, size: .max)
        while chunks.next(into: &out) {}
    }

    /// The exposition of `families` in pieces of about `size` bytes, so a large scrape can be
    /// sent while it is written instead of held in memory whole.
    public func chunks(of families: [MetricFamily], size: Int) -> ExpositionChunks {
        ExpositionChunks(encoder: self, families: families, size: size)
    }

    /// HELP and TYPE of a family.
    func writeHeader(_ descriptor: MetricDescriptor, to out: inout [UInt8]) {
        // OpenMetrics names a counter family without its `_total`; samples keep it.
        let familyName = format == .openMetrics && descriptor.type == .counter
            ? String(descriptor.name.dropLast("_total".count))
            : descriptor.name
        out.append(contentsOf: "# HELP \(familyName) \(Self.escapeHelp(descriptor.help, format: format))\n# TYPE \(familyName) \(descriptor.type.rawValue)\n".utf8)
    }

    /// The line (or, for a histogram, lines) of one sample; its label values are `prefix`
    /// followed by the sample's own.
    func writeSample(_ sample: Sample, prefix: [String], of descriptor: MetricDescriptor, template: LabelTemplate, to out: inout [UInt8]) {
        switch sample.value {
        case .unsigned(let value):
            template.write(prefix, sample.labelValues, to: &out)
            out.appendDecimal(value)
        case .double(let value):
            template.write(prefix, sample.labelValues, to: &out)
            out.append(contentsOf: Self.format(value).utf8)
        case .histogram(let histogram):
            writeHistogram(descriptor, prefix + sample.labelValues, histogram, to: &out)
            return
        }
        out.append(UInt8(ascii: "\n"))
    }

    private func writeHistogram(_ descriptor: MetricDescriptor, _ labels: [String], _ histogram: HistogramSnapshot, to out: inout [UInt8]) {
        let bucket = LabelTemplate(metricName: descriptor.name + "_bucket", labelNames: descriptor.labelNames + ["le"])
        for (bound, count) in zip(histogram.upperBounds, histogram.cumulativeCounts) {
            bucket.write(labels, [Self.format(bound)], to: &out)
            out.appendDecimal(count)
            out.append(UInt8(ascii: "\n"))
        }
        bucket.write(labels, ["+Inf"], to: &out)
        out.appendDecimal(histogram.count)
        out.append(UInt8(ascii: "\n"))
        LabelTemplate(metricName: descriptor.name + "_sum", labelNames: descriptor.labelNames).write(labels, [], to: &out)
        out.append(contentsOf: Self.format(histogram.sum).utf8)
        out.append(UInt8(ascii: "\n"))
        LabelTemplate(metricName: descriptor.name + "_count", labelNames: descriptor.labelNames).write(labels, [], to: &out)
        out.appendDecimal(histogram.count)
        out.append(UInt8(ascii: "\n"))
    }

    /// HELP text: backslash and newline escaped; OpenMetrics also escapes double quotes.
    static func escapeHelp(_ text: String, format: ExpositionFormat) -> String {
        escape(text, quotes: format == .openMetrics)
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
