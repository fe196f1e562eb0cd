/// Which of the enabled collectors one scrape runs: every one, or only those named (node_exporter's
/// `collect[]` and `exclude[]` URL parameters). The exporter's own series (build info, `netns_up`,
/// process and Docker metrics) come with every selection.
///
/// Scrapes share a collection only when their selections are equal (`CollectionSharing`'s key),
/// so a selection that names every enabled collector should be `.all`.
public struct ScrapeSelection: Hashable, Sendable, CustomStringConvertible {
    /// nil: every enabled collector.
    private let names: Set<String>?

    /// Every enabled collector.
    public static let all = ScrapeSelection(names: nil)

    /// Only the collectors named (none when empty: only the exporter's own series).
    public static func only(_ names: some Sequence<String>) -> ScrapeSelection {
        ScrapeSelection(names: Set(names))
    }

    public func includes(_ collector: String) -> Bool {
        names?.contains(collector) ?? true
    }

    public var description: String {
        names.map { "only \($0.sorted().joined(separator: ","))" } ?? "all"
    }
}
