public import ExporterCore

/// The series of an exposition as `name{labels}` → value, comments and `# EOF` left out.
public enum ExpositionSeries {
    public static func parse(_ text: String) -> [String: String] {
        var series: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            series[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return series
    }

    /// The text encoding of a scrape's sink.
    public static func of(_ sink: MetricSink) -> [String: String] {
        parse(ExpositionEncoder(format: .text).encode(sink.sortedFamilies()))
    }
}
