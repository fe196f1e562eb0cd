/// Splits the command line into the collectors' own flags (`--collector.<name>.<option>`) and
/// everything else, which the command-line parser handles.
///
/// Collector flags are declared by the collectors at run time (`Collector.options`), so they cannot
/// be static properties of the command; this parser gives them the same forms and the same clear
/// errors: `--collector.x.y VALUE`, `--collector.x.y=VALUE`, and for flags `--collector.x.y` or
/// `--collector.x.y=false`.
public struct CollectorFlagParser: Sendable {
    public struct Result: Sendable {
        /// The arguments that are not collector flags, in order.
        public var remaining: [String]
        /// Values per collector name, per option name.
        public var values: [String: [String: [String]]]
    }

    public let registry: CollectorRegistry

    public init(registry: CollectorRegistry) {
        self.registry = registry
    }

    public func parse(_ arguments: [String]) throws(CollectorFlagError) -> Result {
        var result = Result(remaining: [], values: [:])
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                result.remaining.append(contentsOf: arguments[(index - 1)...])
                break
            }
            guard argument.hasPrefix("--collector.") else {
                result.remaining.append(argument)
                continue
            }
            let body = argument.dropFirst("--collector.".count)
            let nameAndValue = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = nameAndValue[0]
            let inlineValue = nameAndValue.count == 2 ? String(nameAndValue[1]) : nil
            // Collector names may contain dashes and dots never; the option follows the first dot.
            guard let dot = key.firstIndex(of: ".") else {
                throw CollectorFlagError("\(argument): collector flags are spelled --collector.<collector>.<option>; valid collectors: \(registry.names.joined(separator: ", "))")
            }
            let prefix = String(key[..<dot])
            let optionName = String(key[key.index(after: dot)...])
            guard let type = registry.type(flagPrefix: prefix) else {
                let prefixes = registry.types.map { $0.flagPrefix }
                throw CollectorFlagError("\(argument): unknown collector \"\(prefix)\"; valid collector flag prefixes: \(prefixes.joined(separator: ", "))")
            }
            let collectorName = type.name
            guard let option = type.options.first(where: { $0.name == optionName }) else {
                let valid = type.options.map { "--collector.\(prefix).\($0.name)" }
                throw CollectorFlagError("\(argument): collector \(collectorName) has no option \"\(optionName)\"" +
                    (valid.isEmpty ? " (it takes no options)" : "; valid: \(valid.joined(separator: ", "))"))
            }
            let value: String
            switch option.kind {
            case .flag:
                value = inlineValue ?? "true"
            case .value, .repeatedValue:
                if let inlineValue {
                    value = inlineValue
                } else if index < arguments.endIndex {
                    value = arguments[index]
                    index += 1
                } else {
                    throw CollectorFlagError("\(argument) needs a value")
                }
            }
            result.values[collectorName, default: [:]][optionName, default: []].append(value)
        }
        return result
    }
}

public struct CollectorFlagError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
