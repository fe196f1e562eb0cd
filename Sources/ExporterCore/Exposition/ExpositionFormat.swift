/// The two text formats Prometheus scrapes, and how a request's `Accept` header picks one.
public enum ExpositionFormat: Sendable, Hashable {
    /// The classic text format, version 0.0.4.
    case text
    /// OpenMetrics 1.0.0 text.
    case openMetrics

    public var contentType: String {
        switch self {
        case .text: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// OpenMetrics when the `Accept` header lists `application/openmetrics-text` with a non-zero
    /// quality and no higher quality for the text format; the text format otherwise.
    public static func negotiate(accept: String?) -> ExpositionFormat {
        guard let accept else { return .text }
        var openMetricsQuality = 0.0
        var textQuality = 0.0
        for range in HeaderElement.parse(accept) {
            switch range.value {
            case "application/openmetrics-text":
                // We speak 1.0.0 (and 0.0.1, which is the same text); an unknown version is not ours.
                let version = range.parameter("version")
                if version == nil || version == "1.0.0" || version == "0.0.1" {
                    openMetricsQuality = max(openMetricsQuality, range.quality)
                }
            case "text/plain", "text/*", "*/*":
                textQuality = max(textQuality, range.quality)
            default:
                break
            }
        }
        return openMetricsQuality > 0 && openMetricsQuality >= textQuality ? .openMetrics : .text
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (keeps the module free of Foundation).
    public var trimmedWhitespace: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}
