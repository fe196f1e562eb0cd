import ExporterCore

/// Whether a request's `Accept-Encoding` allows a gzip response (`gzip` or `*` with q > 0).
enum ContentCoding {
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var gzip: Double?
        var wildcard: Double?
        for coding in HeaderElement.parse(header) {
            if coding.value == "gzip" || coding.value == "x-gzip" { gzip = coding.quality }
            if coding.value == "*" { wildcard = coding.quality }
        }
        return (gzip ?? wildcard ?? 0) > 0
    }
}
