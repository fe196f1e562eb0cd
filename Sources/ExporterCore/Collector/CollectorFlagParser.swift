/// Splits the command line into the collectors' own flags and everything else, which the
/// command-line parser handles.
///
/// Collector flags are declared by the collectors at run time (`Collector.options`, the
/// registry's names), so they cannot be static properties of the command; this parser gives them
/// the same forms and the same clear errors:
/// - options: `--collector.x.y VALUE`, `--collector.x.y=VALUE`, and for flags `--collector.x.y`
///   or `--collector.x.y=false`;
/// - node_exporter's toggles: `--collector.x` (or `=true`/`=false`), `--no-collector.x`,
///   `--collector.disable-defaults` (and `--no-collector.disable-defaults`, kingpin's negation).
///   They never take the next argument as their value.
public struct CollectorFlagParser: Sendable {
    public struct Result: Sendable {
        /// The arguments that are not collector flags, in order.
        public var remaining: [String]
        /// Values per collector name, per option name.
        public var values: [String: [String: [String]]]
        /// The collectors turned on or off.
        public var toggles: CollectorToggles

        public init(remaining: [String] = [], values: [String: [String: [String]]] = [:], toggles: CollectorToggles = CollectorToggles()) {
            self.remaining = remaining
            self.values = values
            self.toggles = toggles
        }

        /// These flags followed by `later`'s (the config file's, then the command line's): values
        /// add up in that order, and `later`'s toggles take the place of these for the same subject.
        public func followed(by later: Result) -> Result {
            var merged = self
            merged.remaining += later.remaining
            for (collector, options) in later.values {
                for (option, values) in options { merged.values[collector, default: [:]][option, default: []] += values }
            }
            merged.toggles = toggles.overridden(by: later.toggles)
            return merged
        }
    }

    public let registry: CollectorRegistry

    public init(registry: CollectorRegistry) {
        self.registry = registry
    }

    public func parse(_ arguments: [String]) throws(CollectorFlagError) -> Result {
        var result = Result()
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                result.remaining.append(contentsOf: arguments[(index - 1)...])
                break
            }
            if argument.hasPrefix("--no-collector.") {
                try negation(argument, into: &result.toggles)
                continue
            }
            guard argument.hasPrefix("--collector.") else {
                result.remaining.append(argument)
                continue
            }
            let body = argument.dropFirst("--collector.".count)
            let nameAndValue = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = nameAndValue[0]
            let inlineValue = nameAndValue.count == 2 ? String(nameAndValue[1]) : nil
            // Collector names never contain a dot; an option follows the first one.
            guard let dot = key.firstIndex(of: ".") else {
                let subject = try subject(String(key), argument: argument)
                try result.toggles.set(subject, on: try switchValue(inlineValue, argument: argument), argument: argument)
                continue
            }
            let prefix = String(key[..<dot])
            let optionName = String(key[key.index(after: dot)...])
            guard let type = registry.type(flagSpelling: prefix) else {
                throw unknownCollector(prefix, argument: argument)
            }
            let collectorName = type.name
            guard let option = type.options.first(where: { $0.name == optionName }) else {
                let valid = type.options.map { "--collector.\(collectorName).\($0.name)" }
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

    /// `--no-collector.<name>` or `--no-collector.disable-defaults`: a whole collector (or the
    /// default set) off; it takes no value and no option part.
    private func negation(_ argument: String, into toggles: inout CollectorToggles) throws(CollectorFlagError) {
        let key = argument.dropFirst("--no-collector.".count)
        if key.contains("=") {
            throw CollectorFlagError("\(argument): --no-collector.<collector> takes no value")
        }
        if key.contains(".") {
            throw CollectorFlagError("\(argument): --no-collector.<collector> turns a whole collector off; an option is turned off with --collector.<collector>.<option>=false")
        }
        try toggles.set(try subject(String(key), argument: argument), on: false, argument: argument)
    }

    private func subject(_ spelling: String, argument: String) throws(CollectorFlagError) -> CollectorToggles.Subject {
        if spelling == CollectorRegistry.disableDefaults { return .disableDefaults }
        guard let type = registry.type(flagSpelling: spelling) else { throw unknownCollector(spelling, argument: argument) }
        return .collector(type.name)
    }

    /// A toggle's value: none (on), or true/false in the spellings collector flags take.
    private func switchValue(_ text: String?, argument: String) throws(CollectorFlagError) -> Bool {
        switch text?.lowercased() {
        case nil, "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw CollectorFlagError("\(argument): expects true or false, or no value")
        }
    }

    private func unknownCollector(_ spelling: String, argument: String) -> CollectorFlagError {
        CollectorFlagError("\(argument): unknown collector \"\(spelling)\"; valid collectors: \(registry.names.joined(separator: ", "))")
    }
}

public struct CollectorFlagError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
