/// Whether a request's `Accept-Encoding` allows a gzip response (`gzip` or `*` with q > 0).
enum ContentCoding {
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var gzip: Double?
        var wildcard: Double?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.filter { !$0.isWhitespace } }
            guard let coding = parts.first?.lowercased() else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            if coding == "gzip" || coding == "x-gzip" { gzip = quality }
            if coding == "*" { wildcard = quality }
        }
        return (gzip ?? wildcard ?? 0) > 0
    }
}
