import ArgumentParser
import ExporterCore
import Logging

/// The collectors the command line chose (`CollectorChoice`), each made from its converted options.
struct EnabledCollectors {
    private(set) var perNamespace: [any NamespaceCollector] = []
    private(set) var global: [any GlobalCollector] = []

    /// - Parameter values: the collectors' flags, per collector and option (`CollectorFlagParser`).
    /// - Throws: a usage error naming the first option a collector cannot use.
    init(_ types: [any Collector.Type], values: [String: [String: [String]]], environment: CollectorEnvironment) throws(ValidationError) {
        for type in types {
            let collector: any Collector
            do {
                let configuration = try CollectorConfiguration(collectorName: type.name, options: type.options,
                                                               values: values[type.name] ?? [:])
                collector = try type.init(configuration: configuration, environment: environment)
            } catch {
                throw ValidationError("\(error)")
            }
            if let perNamespace = collector as? any NamespaceCollector { self.perNamespace.append(perNamespace) }
            if let global = collector as? any GlobalCollector { self.global.append(global) }
        }
    }

    /// Their names, sorted.
    var names: [String] {
        (perNamespace.map { type(of: $0).name } + global.map { type(of: $0).name }).sorted()
    }

    /// Options given for a collector that does not run are not checked: say so.
    func warnAboutOptions(for given: some Collection<String>, logger: Logger) {
        let enabled = names
        for name in given.sorted() where !enabled.contains(name) {
            logger.warning("options given for a collector that is not enabled", metadata: ["collector": "\(name)"])
        }
    }
}
