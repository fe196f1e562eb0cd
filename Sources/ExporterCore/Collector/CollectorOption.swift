/// A flag a collector declares for itself: `--collector.<collector>.<name>`.
///
/// The declaration says what its values are (`valueType`); they are converted once, when the
/// collector's `CollectorConfiguration` is built, so a collector reads typed values.
public struct CollectorOption: Sendable, Hashable {
    /// How the option is spelled on the command line.
    public enum Kind: Sendable, Hashable {
        /// On when given (`--collector.ipvs.rates`), or `=true` / `=false`.
        case flag
        /// One value (`--collector.x.y VALUE` or `--collector.x.y=VALUE`); the last one given wins.
        case value(placeholder: String)
        /// Repeatable; every value is kept in order.
        case repeatedValue(placeholder: String)
    }

    /// What a value is converted to.
    public enum ValueType: Sendable, Hashable {
        /// true/false (also 1/0, yes/no).
        case flag
        /// The text as given.
        case text
        /// `250ms`, `15s`, `1m30s`, or a number of seconds (`DurationParser`).
        case duration
        /// A whole number in the range.
        case integer(ClosedRange<Int>)
        /// A regular expression a whole name must match (`NamePattern`).
        case pattern
    }

    public let name: String
    public let help: String
    public let kind: Kind
    public let valueType: ValueType
    /// Shown in `--help`; used when the flag is not given.
    public let defaultValue: String?

    public init(_ name: String, kind: Kind, valueType: ValueType = .text, default defaultValue: String? = nil, help: String) {
        self.name = name
        self.help = help
        self.kind = kind
        self.valueType = kind == .flag ? .flag : valueType
        self.defaultValue = defaultValue
    }

    /// On when given bare (`--collector.x.y`); `--collector.x.y=false` turns a default-on flag off.
    public static func flag(_ name: String, default on: Bool = false, help: String) -> CollectorOption {
        CollectorOption(name, kind: .flag, default: on ? "true" : "false", help: help)
    }

    /// One value taken as written.
    public static func value(_ name: String, placeholder: String, default defaultValue: String? = nil, help: String) -> CollectorOption {
        CollectorOption(name, kind: .value(placeholder: placeholder), default: defaultValue, help: help)
    }

    public static func duration(_ name: String, default defaultValue: String? = nil, help: String) -> CollectorOption {
        CollectorOption(name, kind: .value(placeholder: "DURATION"), valueType: .duration, default: defaultValue, help: help)
    }

    public static func integer(_ name: String, in range: ClosedRange<Int>, placeholder: String, default defaultValue: Int? = nil, help: String) -> CollectorOption {
        CollectorOption(name, kind: .value(placeholder: placeholder), valueType: .integer(range), default: defaultValue.map(String.init), help: help)
    }

    public static func pattern(_ name: String, default defaultValue: String? = nil, help: String) -> CollectorOption {
        CollectorOption(name, kind: .value(placeholder: "REGEX"), valueType: .pattern, default: defaultValue, help: help)
    }

    public static func repeated(_ name: String, placeholder: String, help: String) -> CollectorOption {
        CollectorOption(name, kind: .repeatedValue(placeholder: placeholder), help: help)
    }
}
