/// `--web.telemetry-path` (`--web.listen-address` is `ListenAddress`).
enum WebFlags {
    static func telemetryPath(_ text: String) throws(FlagRefusal) -> String {
        guard text.hasPrefix("/"), text != "/" else {
            throw FlagRefusal("--web.telemetry-path must start with / and must not be / itself (the landing page)")
        }
        // A space, a control character, ? or # cannot be part of a request's path as sent: such a
        // path would be served under a name no scraper can ask for.
        if let bad = text.unicodeScalars.first(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "?" || $0 == "#" }) {
            throw FlagRefusal("--web.telemetry-path must not contain \(bad.value <= 0x20 || bad.value == 0x7F ? "spaces or control characters" : "\"\(bad)\"")")
        }
        return text
    }
}
