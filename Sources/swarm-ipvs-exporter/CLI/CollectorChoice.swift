import ExporterCore

/// Which collectors run: those `--collectors` lists, or node_exporter's way, the default set
/// changed by `--collector.<name>`, `--no-collector.<name>` and `--collector.disable-defaults`.
/// Both ways at once would leave the reader guessing which one wins: refused.
enum CollectorChoice {
    static func resolve(list: [any Collector.Type]?, toggles: CollectorToggles, registry: CollectorRegistry) throws(CollectorFlagError) -> [any Collector.Type] {
        guard let list else { return toggles.select(from: registry) }
        guard toggles.isEmpty else {
            throw CollectorFlagError("--collectors cannot be combined with \(toggles.arguments.joined(separator: ", ")): choose collectors either with --collectors or with --collector.<name>, --no-collector.<name> and --collector.disable-defaults")
        }
        return list
    }
}
