#if canImport(Glibc)
import Glibc
#endif

/// A namespace path to read this scrape, with the label its series carry.
public struct NamespaceTarget: Sendable, Hashable {
    public let path: String
    public let label: String
    /// True when the user named this path literally (not through a glob). A literal path that does
    /// not exist still gets `netns_up 0`; a glob that matches nothing simply yields no namespace.
    public let isLiteral: Bool
}

/// Turns the `--namespace-path` values and the include/exclude filters into this scrape's targets.
///
/// Globs are expanded anew on every call, so namespaces that appear later (new overlay networks'
/// `lb_*`) are picked up without a restart. Filters apply to a namespace's base name.
public struct NamespaceSelector: Sendable {
    public let patterns: [String]
    public let filter: NameFilter

    public init(patterns: [String], filter: NameFilter = .all) {
        self.patterns = patterns
        self.filter = filter
    }

    public func targets() -> [NamespaceTarget] {
        var paths: [(path: String, literal: Bool)] = []
        var seen: Set<String> = []
        for pattern in patterns {
            let expanded = Self.isGlob(pattern) ? Self.expand(pattern).map { ($0, false) } : [(pattern, true)]
            for (path, literal) in expanded where seen.insert(path).inserted {
                guard filter.accepts(Self.baseName(path)) else { continue }
                paths.append((path, literal))
            }
        }
        let labels = Self.labels(for: paths.map(\.path))
        return zip(paths, labels).map { NamespaceTarget(path: $0.path, label: $1, isLiteral: $0.literal) }
    }

    /// Base names, except where two paths share one: those keep their full path.
    static func labels(for paths: [String]) -> [String] {
        var counts: [String: Int] = [:]
        for path in paths { counts[baseName(path), default: 0] += 1 }
        return paths.map { counts[baseName($0)]! > 1 ? $0 : baseName($0) }
    }

    static func baseName(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    }

    static func isGlob(_ pattern: String) -> Bool {
        pattern.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }.sorted()
    }
}
