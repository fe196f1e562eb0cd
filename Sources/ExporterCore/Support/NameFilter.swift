/// An include and an exclude regular expression over names (devices, namespaces).
///
/// Both are anchored (the whole name must match), as Prometheus' own regex flags are. A name
/// passes when it matches the include pattern (or none is set) and does not match the exclude
/// pattern; exclude wins when both match.
public struct NameFilter: Sendable {
    public struct InvalidPattern: Error, Sendable {
        public let isInclude: Bool
        public let message: String
    }

    public let includePattern: String?
    public let excludePattern: String?
    private let include: AnchoredRegex?
    private let exclude: AnchoredRegex?

    public static let all = NameFilter()

    private init() {
        includePattern = nil
        excludePattern = nil
        include = nil
        exclude = nil
    }

    public init(include: String?, exclude: String?) throws(InvalidPattern) {
        includePattern = include.flatMap { $0.isEmpty ? nil : $0 }
        excludePattern = exclude.flatMap { $0.isEmpty ? nil : $0 }
        do {
            self.include = try includePattern.map(AnchoredRegex.init)
        } catch {
            throw InvalidPattern(isInclude: true, message: "\(error)")
        }
        do {
            self.exclude = try excludePattern.map(AnchoredRegex.init)
        } catch {
            throw InvalidPattern(isInclude: false, message: "\(error)")
        }
    }

    public func accepts(_ name: String) -> Bool {
        if let exclude, exclude.matches(name) { return false }
        if let include { return include.matches(name) }
        return true
    }
}

/// A compiled regular expression that must match a whole string.
struct AnchoredRegex: @unchecked Sendable {
    // Regex<AnyRegexOutput> is not Sendable, but matching never mutates it: sharing it is safe.
    private let regex: Regex<AnyRegexOutput>

    init(_ pattern: String) throws {
        regex = try Regex(pattern)
    }

    func matches(_ text: String) -> Bool {
        (try? regex.wholeMatch(in: text)) != nil
    }
}
