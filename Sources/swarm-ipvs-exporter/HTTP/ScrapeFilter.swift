import ExporterCore

/// node_exporter's per-scrape filter, from the scrape's URL: `collect[]=NAME` (repeatable) runs
/// only the enabled collectors named, `exclude[]=NAME` every enabled collector but those. One
/// Prometheus job can then scrape `ipvs` every 15 s and another `proc` every 60 s.
///
/// Refused (HTTP 400, as node_exporter does): `collect[]` and `exclude[]` together; a `collect[]`
/// name that is unknown or not enabled (it could only ever answer nothing); an `exclude[]` name
/// that is unknown (a typo would silently exclude nothing). An `exclude[]` name of a collector
/// that exists but is not enabled is accepted: there is nothing to exclude, and one job's URL
/// keeps working on exporters that run different collectors.
enum ScrapeFilter {
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    static let collectParameter = "collect[]"
    static let excludeParameter = "exclude[]"

    /// The selection `query` asks for; `.all` when it names every enabled collector or none.
    /// - Parameters:
    ///   - enabled: the collectors this exporter runs.
    ///   - known: every collector this binary has.
    static func selection(query: String?, enabled: [String], known: [String]) -> Result<ScrapeSelection, Refusal> {
        let items = URLQuery.items(query)
        let collect = URLQuery.values(collectParameter, in: items)
        let exclude = URLQuery.values(excludeParameter, in: items)
        if !collect.isEmpty && !exclude.isEmpty {
            return .failure(Refusal(description: "\(collectParameter) and \(excludeParameter) cannot be used together"))
        }
        let enabledSet = Set(enabled)
        let knownSet = Set(known).union(enabledSet)
        let parameter = collect.isEmpty ? excludeParameter : collectParameter
        let names = collect.isEmpty ? exclude : collect
        let unknown = ordered(names.filter { !knownSet.contains($0) })
        let disabled = collect.isEmpty ? [] : ordered(names.filter { knownSet.contains($0) && !enabledSet.contains($0) })
        var reasons: [String] = []
        if !unknown.isEmpty {
            reasons.append("unknown \(collectors(unknown)) in \(parameter)")
        }
        if !disabled.isEmpty {
            reasons.append("\(collectors(disabled)) in \(parameter) \(disabled.count == 1 ? "is" : "are") not enabled")
        }
        guard reasons.isEmpty else {
            let choices = enabled.isEmpty ? "none" : enabled.sorted().joined(separator: ", ")
            return .failure(Refusal(description: reasons.joined(separator: "; ") + "; enabled collectors: \(choices)"))
        }
        let chosen = collect.isEmpty ? enabledSet.subtracting(exclude) : Set(collect)
        return .success(chosen == enabledSet ? .all : .only(chosen))
    }

    /// Each name once, in the order first given.
    private static func ordered(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    private static func collectors(_ names: [String]) -> String {
        (names.count == 1 ? "collector " : "collectors ") + names.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
