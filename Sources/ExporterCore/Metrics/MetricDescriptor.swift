/// What a metric family is: its name, help text, type and label names.
///
/// Collectors declare their descriptors as static constants; the same values document the metrics
/// (`--print-metrics`, README) and shape every sample recorded against them, so a name or label can
/// never drift between the docs and the output.
public struct MetricDescriptor: Sendable, Hashable {
    public let name: String
    public let help: String
    public let type: MetricType
    /// Label names in the order samples give their values. `netns` is added in front by the core
    /// for per-namespace collectors and must not be listed here.
    public let labelNames: [String]

    public init(name: String, help: String, type: MetricType, labelNames: [String] = []) {
        precondition(MetricName.isValid(name), "invalid metric name \(name)")
        precondition(labelNames.allSatisfy(MetricName.isValidLabel), "invalid label name in \(labelNames)")
        precondition(type != .counter || name.hasSuffix("_total"), "counter \(name) must end in _total")
        self.name = name
        self.help = help
        self.type = type
        self.labelNames = labelNames
    }

    public static func counter(_ name: String, _ help: String, labels: [String] = []) -> MetricDescriptor {
        MetricDescriptor(name: name, help: help, type: .counter, labelNames: labels)
    }

    public static func gauge(_ name: String, _ help: String, labels: [String] = []) -> MetricDescriptor {
        MetricDescriptor(name: name, help: help, type: .gauge, labelNames: labels)
    }

    public static func histogram(_ name: String, _ help: String, labels: [String] = []) -> MetricDescriptor {
        MetricDescriptor(name: name, help: help, type: .histogram, labelNames: labels)
    }

    /// The same family with `names` put in front of its own labels. Not validated again: the core
    /// adds `netns` to every family of every namespace at each scrape.
    func prefixingLabels(_ names: [String]) -> MetricDescriptor {
        MetricDescriptor(validated: self, labelNames: names + labelNames)
    }

    private init(validated descriptor: MetricDescriptor, labelNames: [String]) {
        name = descriptor.name
        help = descriptor.help
        type = descriptor.type
        self.labelNames = labelNames
    }
}

/// Prometheus' rules for metric and label names.
public enum MetricName {
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, !isDigit(first) else { return false }
        return name.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") }
    }

    public static func isValidLabel(_ name: String) -> Bool {
        guard let first = name.utf8.first, !isDigit(first), !name.hasPrefix("__") else { return false }
        return name.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// Replaces every character that may not stand in a metric name by `_`.
    public static func sanitize(_ text: String) -> String {
        var out = String(decoding: text.utf8.map { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") ? $0 : UInt8(ascii: "_") }, as: UTF8.self)
        if let first = out.utf8.first, isDigit(first) { out = "_" + out }
        return out
    }

    private static func isLetter(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
