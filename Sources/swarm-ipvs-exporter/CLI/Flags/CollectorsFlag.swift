import ExporterCore

/// `--collectors`: comma-separated names of the registry's collectors, in the order given.
enum CollectorsFlag {
    static func select(_ text: String) throws(FlagRefusal) -> [any Collector.Type] {
        do {
            return try ExporterCommand.registry.select(text)
        } catch {
            throw FlagRefusal("--collectors: \(error)")
        }
    }
}
