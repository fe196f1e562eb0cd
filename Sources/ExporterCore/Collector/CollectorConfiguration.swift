/// One collector's options, converted once from the text they were given as to what their
/// declarations say they are (`CollectorOption.ValueType`). Building it is where a bad value is
/// refused; reading it cannot fail.
public struct CollectorConfiguration: Sendable {
    /// A converted value.
    public enum Value: Sendable {
        case flag(Bool)
        case text(String)
        case duration(Duration)
        case integer(Int)
        case pattern(NamePattern)
    }

    public let collectorName: String
    /// Per declared option: every value of a repeatable one, the last given (or the default) of
    /// any other; empty when there is none.
    private let values: [String: [Value]]

    /// - Parameter values: the texts given per option name (`CollectorFlagParser`).
    /// - Throws: the first value that is not what its option declares.
    public init(collectorName: String, options: [CollectorOption], values given: [String: [String]] = [:]) throws(CollectorConfigurationError) {
        self.collectorName = collectorName
        var values: [String: [Value]] = [:]
        for option in options where values[option.name] == nil {
            let texts = given[option.name] ?? option.defaultValue.map { [$0] } ?? []
            // Of a single-value option only the last one counts (a command-line value wins over
            // the config file's), so only that one is converted.
            let counted = if case .repeatedValue = option.kind { texts } else { Array(texts.suffix(1)) }
            let flag = "--collector.\(collectorName).\(option.name)"
            values[option.name] = try counted.map { text throws(CollectorConfigurationError) in try Self.convert(text, to: option.valueType, flag: flag) }
        }
        self.values = values
    }

    private static func convert(_ text: String, to type: CollectorOption.ValueType, flag: String) throws(CollectorConfigurationError) -> Value {
        switch type {
        case .flag:
            switch text.lowercased() {
            case "true", "1", "yes": return .flag(true)
            case "false", "0", "no": return .flag(false)
            default: throw CollectorConfigurationError(flag, "expects true or false, not \"\(text)\"")
            }
        case .text:
            return .text(text)
        case .duration:
            guard let duration = DurationParser.parse(text) else {
                throw CollectorConfigurationError(flag, "expects a duration such as 500ms, 15s or 1m, not \"\(text)\"")
            }
            return .duration(duration)
        case .integer(let range):
            guard let value = Int(text), range.contains(value) else {
                throw CollectorConfigurationError(flag, "expects a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
            }
            return .integer(value)
        case .pattern:
            do {
                return .pattern(try NamePattern(text))
            } catch {
                throw CollectorConfigurationError(flag, "is not a valid regular expression: \(error.message)")
            }
        }
    }

    public func flag(_ name: String) -> Bool {
        last(name, as: "a flag") { if case .flag(let on) = $0 { on } else { nil } } ?? false
    }

    public func string(_ name: String) -> String? {
        last(name, as: "text") { if case .text(let text) = $0 { text } else { nil } }
    }

    public func strings(_ name: String) -> [String] {
        all(name).map { value in
            guard case .text(let text) = value else { preconditionFailure("collector \(collectorName) reads option \(name) as text, but it holds \(value)") }
            return text
        }
    }

    public func duration(_ name: String) -> Duration? {
        last(name, as: "a duration") { if case .duration(let duration) = $0 { duration } else { nil } }
    }

    public func integer(_ name: String) -> Int? {
        last(name, as: "a whole number") { if case .integer(let value) = $0 { value } else { nil } }
    }

    public func filter(include: String, exclude: String) -> NameFilter {
        NameFilter(include: pattern(include), exclude: pattern(exclude))
    }

    private func pattern(_ name: String) -> NamePattern? {
        last(name, as: "a regular expression") { if case .pattern(let pattern) = $0 { pattern } else { nil } }
    }

    /// The last value of an option, read as the kind its collector declared; reading it as
    /// another kind is a mistake in the collector, not in the user's flags.
    private func last<T>(_ name: String, as kind: String, _ typed: (Value) -> T?) -> T? {
        guard let value = last(name) else { return nil }
        guard let result = typed(value) else { preconditionFailure("collector \(collectorName) reads option \(name) as \(kind), but it holds \(value)") }
        return result
    }

    /// The last value given wins.
    private func last(_ name: String) -> Value? { all(name).last }

    private func all(_ name: String) -> [Value] {
        guard let given = values[name] else { preconditionFailure("collector \(collectorName) reads undeclared option \(name)") }
        return given
    }
}

/// A collector option with a value the collector cannot use.
public struct CollectorConfigurationError: Error, CustomStringConvertible, Sendable {
    public let flag: String
    public let problem: String

    public init(_ flag: String, _ problem: String) {
        self.flag = flag
        self.problem = problem
    }

    public var description: String { "\(flag) \(problem)" }
}
