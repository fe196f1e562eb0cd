import CLinux
public import LinuxSystem
import NIOConcurrencyHelpers
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
///
/// A glob whose directory cannot be read (EMFILE at the descriptor limit, EACCES) is not taken as
/// matching nothing, which would close every reader of its namespaces and empty the scrape: its
/// last good expansion stands in, and the failure is reported in `Selection.unreadable`.
public struct NamespaceSelector: Sendable {
    public let patterns: [String]
    public let filter: NameFilter
    /// The last expansion of each glob that could be read. Shared by the copies of a selector.
    private let lastGood = NIOLockedValueBox<[String: [String]]>([:])

    public init(patterns: [String], filter: NameFilter = .all) {
        self.patterns = patterns
        self.filter = filter
    }

    /// This scrape's targets, and the globs that could not be read.
    public struct Selection: Sendable {
        public var targets: [NamespaceTarget]
        public var unreadable: [(pattern: String, error: SystemError)]
    }

    public func targets() -> [NamespaceTarget] { select().targets }

    public func select() -> Selection {
        var paths: [(path: String, literal: Bool)] = []
        var seen: Set<String> = []
        var unreadable: [(pattern: String, error: SystemError)] = []
        for pattern in patterns {
            var expanded = [(pattern, true)]
            if Self.isGlob(pattern) {
                switch Self.expand(pattern) {
                case .success(let matches):
                    lastGood.withLockedValue { $0[pattern] = matches }
                    expanded = matches.map { ($0, false) }
                case .failure(let error):
                    unreadable.append((pattern, error))
                    expanded = lastGood.withLockedValue { $0[pattern] ?? [] }.map { ($0, false) }
                }
            }
            for (path, literal) in expanded where seen.insert(path).inserted {
                guard filter.accepts(Self.baseName(path)) else { continue }
                paths.append((path, literal))
            }
        }
        let labels = Self.labels(for: paths.map(\.path))
        let targets = zip(paths, labels).map { NamespaceTarget(path: $0.path, label: $1, isLiteral: $0.literal) }
        return Selection(targets: targets, unreadable: unreadable)
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

    /// The glob's matches, sorted; none when a directory on its way does not exist.
    static func expand(_ pattern: String) -> Result<[String], SystemError> {
        var result = glob_t()
        defer { globfree(&result) }
        var error: Int32 = 0
        switch clinux_glob(pattern, &result, &error) {
        case 0: break
        case GLOB_NOMATCH: return .success([])
        case GLOB_ABORTED: return .failure(SystemError(call: "reading a directory of the glob", errno: error))
        case GLOB_NOSPACE: return .failure(SystemError(call: "glob", errno: ENOMEM))
        default: return .failure(SystemError(call: "glob", errno: error == 0 ? EINVAL : error))
        }
        return .success((0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }.sorted())
    }
}
