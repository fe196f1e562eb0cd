/// An include and an exclude regular expression over names (devices, namespaces).
///
/// Both are anchored (the whole name must match), as Prometheus' own regex flags are. A name
/// passes when it matches the include pattern (or none is set) and does not match the exclude
/// pattern; exclude wins when both match. An empty pattern counts as none (an empty
/// `--namespace-include` is unset, not "only the empty name").
public struct NameFilter: Sendable {
    public let include: NamePattern?
    public let exclude: NamePattern?

    public static let all = NameFilter(include: nil, exclude: nil)

    public init(include: NamePattern?, exclude: NamePattern?) {
        self.include = include.flatMap { $0.source.isEmpty ? nil : $0 }
        self.exclude = exclude.flatMap { $0.source.isEmpty ? nil : $0 }
    }

    public func accepts(_ name: String) -> Bool {
        if let exclude, exclude.matches(name) { return false }
        if let include { return include.matches(name) }
        return true
    }
}

/// A regular expression a whole name must match, compiled once from the text it was given as.
public struct NamePattern: Sendable, CustomStringConvertible {
    /// The pattern cannot be compiled; `message` is the regex parser's reason.
    public struct Invalid: Error, Sendable {
        public let message: String
    }

    public let source: String
    private let regex: AnchoredRegex

    public init(_ source: String) throws(Invalid) {
        self.source = source
        do {
            regex = try AnchoredRegex(source)
        } catch {
            throw Invalid(message: "\(error)")
        }
    }

    public func matches(_ name: String) -> Bool { regex.matches(name) }

    public var description: String { source }
}

/// A compiled regular expression that must match a whole string.
///
/// A pattern that is only names joined by `|` (letters, digits, `_`, `-`; the proc collector's
/// default field list is one) is matched as a set of those names: what the anchored regex would
/// accept, without compiling it. Swift's regex engine then never runs for the default
/// configuration: its libraries stay linked, but the parser and matcher pages it would touch
/// (measured at 1,000 namespaces: 1.7 MB of resident library pages fell to 0.9 MB) and the
/// compiled program (~0.35 MB of heap) stay out of memory.
struct AnchoredRegex: @unchecked Sendable {
    private enum Matcher {
        case names(Set<String>)
        // Regex<AnyRegexOutput> is not Sendable, but matching never mutates it: sharing it is safe.
        case regex(Regex<AnyRegexOutput>)
    }

    private let matcher: Matcher

    init(_ pattern: String) throws {
        if let names = Self.literalAlternatives(pattern) {
            matcher = .names(names)
        } else {
            matcher = .regex(try Regex(pattern))
        }
    }

    func matches(_ text: String) -> Bool {
        switch matcher {
        case .names(let names): names.contains(text)
        case .regex(let regex): (try? regex.wholeMatch(in: text)) != nil
        }
    }

    /// The names of a pattern like `Tcp_InErrs|Udp_NoPorts`, or nil when the pattern uses anything
    /// a regex gives a meaning (an empty alternative included: it would match the empty name).
    static func literalAlternatives(_ pattern: String) -> Set<String>? {
        var names: Set<String> = []
        for alternative in pattern.utf8.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false) {
            guard !alternative.isEmpty, alternative.allSatisfy(isLiteral) else { return nil }
            names.insert(String(decoding: alternative, as: UTF8.self))
        }
        return names
    }

    private static func isLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
