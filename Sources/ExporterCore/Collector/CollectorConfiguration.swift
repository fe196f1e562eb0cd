/// One collector's parsed options, with typed accessors that fail with a clear message.
public struct CollectorConfiguration: Sendable {
    public let collectorName: String
    /// `--collector.<flagPrefix>.` (the collector's name unless it declares a shorter prefix).
    public let flagPrefix: String
    private let values: [String: [String]]
    private let declared: [String: CollectorOption]

    public init(collectorName: String, flagPrefix: String? = nil, options: [CollectorOption], values: [String: [String]] = [:]) {
        self.collectorName = collectorName
        self.flagPrefix = flagPrefix ?? collectorName
        self.values = values
        self.declared = Dictionary(options.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func flag(_ name: String) throws -> Bool {
        let text = try single(name) ?? "false"
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw CollectorConfigurationError(flag(for: name), "expects true or false, not \"\(text)\"")
        }
    }

    public func string(_ name: String) throws -> String? {
        try single(name)
    }

    public func strings(_ name: String) -> [String] {
        values[name] ?? []
    }

    public func filter(include: String, exclude: String) throws -> NameFilter {
        do {
            return try NameFilter(include: single(include), exclude: single(exclude))
        } catch let error as NameFilter.InvalidPattern {
            throw CollectorConfigurationError(flag(for: error.isInclude ? include : exclude), "is not a valid regular expression: \(error.message)")
        }
    }

    public func duration(_ name: String) throws -> Duration? {
        guard let text = try single(name) else { return nil }
        guard let duration = DurationParser.parse(text) else {
            throw CollectorConfigurationError(flag(for: name), "expects a duration such as 500ms, 15s or 1m, not \"\(text)\"")
        }
        return duration
    }

    public func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try single(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw CollectorConfigurationError(flag(for: name), "expects a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
        }
        return value
    }

    private func single(_ name: String) throws -> String? {
        precondition(declared[name] != nil, "collector \(collectorName) reads undeclared option \(name)")
        return values[name]?.last ?? declared[name]?.defaultValue
    }

    private func flag(for name: String) -> String { "--collector.\(flagPrefix).\(name)" }
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
