import Logging

/// `--log.level` and `--log.format`.
enum LogFlags {
    static func level(_ text: String) throws(FlagRefusal) -> Logger.Level {
        switch text.lowercased() {
        case "debug": .debug
        case "info": .info
        case "warn", "warning": .warning
        case "error": .error
        default: throw FlagRefusal("--log.level must be debug, info, warn or error, not \"\(text)\"")
        }
    }

    static func format(_ text: String) throws(FlagRefusal) -> LogLineHandler.Format {
        guard let format = LogLineHandler.Format(rawValue: text) else {
            throw FlagRefusal("--log.format must be logfmt or json, not \"\(text)\"")
        }
        return format
    }
}
