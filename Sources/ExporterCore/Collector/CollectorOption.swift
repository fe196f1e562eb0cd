/// A flag a collector declares for itself: `--collector.<collector>.<name>`.
public struct CollectorOption: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// On when given (`--collector.ipvs.rates`), or `=true` / `=false`.
        case flag
        /// One value (`--collector.x.y VALUE` or `--collector.x.y=VALUE`); the last one given wins.
        case value(placeholder: String)
        /// Repeatable; every value is kept in order.
        case repeatedValue(placeholder: String)
    }

    public let name: String
    public let help: String
    public let kind: Kind
    /// Shown in `--help`; used when the flag is not given.
    public let defaultValue: String?

    public init(_ name: String, kind: Kind, default defaultValue: String? = nil, help: String) {
        self.name = name
        self.help = help
        self.kind = kind
        self.defaultValue = defaultValue
    }

    /// On when given bare (`--collector.x.y`); `--collector.x.y=false` turns a default-on flag off.
    public static func flag(_ name: String, default on: Bool = false, help: String) -> CollectorOption {
        CollectorOption(name, kind: .flag, default: on ? "true" : "false", help: help)
    }

    public static func value(_ name: String, placeholder: String, default defaultValue: String? = nil, help: String) -> CollectorOption {
        CollectorOption(name, kind: .value(placeholder: placeholder), default: defaultValue, help: help)
    }

    public static func repeated(_ name: String, placeholder: String, help: String) -> CollectorOption {
        CollectorOption(name, kind: .repeatedValue(placeholder: placeholder), help: help)
    }
}
