import ExporterCore

/// The exporter's own duration flags (`--web.idle-timeout`, `--scrape.timeout`, …): a duration
/// such as 500ms, 10s or 1m, under a day, and at least the flag's minimum.
enum DurationFlag {
    static func converter(_ flag: String, atLeast minimum: Duration) -> @Sendable (String) throws -> Duration {
        { text throws(FlagRefusal) in
            guard let duration = DurationParser.parse(text), duration < .seconds(86_400) else {
                throw FlagRefusal("\(flag) \"\(text)\" is not a duration such as 500ms, 10s or 1m (under a day)")
            }
            guard duration >= minimum else {
                throw FlagRefusal("\(flag) must be at least \(written(minimum)), not \"\(text)\"")
            }
            return duration
        }
    }

    /// A minimum as the messages write it: 0, 100ms, 1s.
    private static func written(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if duration == .zero { return "0" }
        if attoseconds == 0 { return "\(seconds)s" }
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
    }
}
