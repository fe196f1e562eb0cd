import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import Logging

/// Writes one line per event to standard error, as logfmt (`ts=… level=info msg="…" key=value`)
/// or as a JSON object, the two formats Prometheus' own tools offer.
struct LogLineHandler: LogHandler {
    enum Format: String, CaseIterable, Sendable {
        case logfmt
        case json
    }

    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let format: Format

    init(level: Logger.Level, format: Format) {
        self.logLevel = level
        self.format = format
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [(String, String)] = [("ts", Self.timestamp()), ("level", Self.name(event.level)), ("msg", "\(event.message)")]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() { fields.append((key, "\(merged[key]!)")) }
        var line = format == .json ? Self.json(fields) : Self.logfmt(fields)
        line += "\n"
        StandardError.write(line)
    }

    static func name(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "debug"
        case .info, .notice: "info"
        case .warning: "warn"
        case .error, .critical: "error"
        }
    }

    static func logfmt(_ fields: [(String, String)]) -> String {
        fields.map { key, value in
            // Anything but printable text without `=`, `"` and `\` is quoted and escaped: a raw tab,
            // CR or backslash from a hostile value (a path, an API answer) would split or forge fields.
            let needsQuotes = value.isEmpty || value.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F || $0 == "=" || $0 == "\"" || $0 == "\\" }
            return needsQuotes ? "\(key)=\(JSONValue.quoted(value))" : "\(key)=\(value)"
        }.joined(separator: " ")
    }

    static func json(_ fields: [(String, String)]) -> String {
        JSONValue.object(fields.map { ($0, .string($1)) }).text
    }


    private static func timestamp() -> String {
        // Foundation's clock: with MemberImportVisibility the release build cannot see timespec's
        // fields (they come through CDispatch there).
        let now = Date().timeIntervalSince1970
        var seconds = time_t(now.rounded(.down))
        let milliseconds = Int32(((now - now.rounded(.down)) * 1000).rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T" +
            "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(milliseconds, 3))Z"
    }
}
