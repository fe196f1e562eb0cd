import ExporterCore
import SwarmDiscovery

/// The parts of `--help` and `--print-metrics` that come from the collector registry.
enum HelpText {
    static func discussion(registry: CollectorRegistry) -> String {
        var out = "COLLECTORS (* = enabled by default):\n"
        let width = registry.names.map(\.count).max() ?? 0
        for type in registry.types {
            let mark = type.enabledByDefault ? "*" : " "
            let scope = type is any GlobalCollector.Type ? " [global]" : ""
            out += "  \(mark) \(type.name.padding(width))  \(type.summary)\(scope)\n"
        }
        // ArgumentParser re-wraps lines wider than 80 columns: these stay narrower.
        out += """

            Choosing collectors, one way or the other (not both):
              --collectors <names>          run exactly these (comma-separated)
              --collector.<name>            turn one on (as node_exporter spells it)
              --no-collector.<name>         turn one off
              --collector.disable-defaults  start from none; --collector.<name> adds
            One scrape can be narrowed to enabled collectors with the URL parameters
            collect[]=<name> (repeatable) or exclude[]=<name>; an unknown name (in
            collect[], also one not enabled) answers 400.

            """
        for type in registry.types {
            for alias in type.flagAliases {
                out += "--collector.\(alias) (in every collector flag) is the older spelling of\n"
                out += "--collector.\(type.name) and still works.\n"
            }
        }
        let optionTypes = registry.types.filter { !$0.options.isEmpty }
        if !optionTypes.isEmpty {
            out += "\nCOLLECTOR OPTIONS (--collector.<collector>.<option>):\n"
            for type in optionTypes {
                for option in type.options {
                    let value: String
                    switch option.kind {
                    case .flag: value = ""
                    case .value(let placeholder): value = " <\(placeholder.lowercased())>"
                    case .repeatedValue(let placeholder): value = " <\(placeholder.lowercased())> (repeatable)"
                    }
                    let defaultText: String
                    switch (option.kind, option.defaultValue) {
                    case (.flag, "true"?): defaultText = " (default: on; =false turns it off)"
                    case (.flag, _), (_, nil): defaultText = ""
                    case (_, let value?): defaultText = value.count > 60 ? " (default: a built-in list, see README)" : " (default: \(value))"
                    }
                    out += "  --collector.\(type.name).\(option.name)\(value)\n      \(option.help)\(defaultText)\n"
                }
            }
        }
        out += "\nEvery series of a per-namespace collector carries netns=\"<base name of the namespace file>\"."
        out += "\nSee --print-metrics for every metric, and README.md for deployment."
        return out
    }

    static func metricList(registry: CollectorRegistry) -> String {
        var out = ""
        func line(_ descriptor: MetricDescriptor, collector: String, perNamespace: Bool) {
            let labels = (perNamespace ? ["netns"] : []) + descriptor.labelNames
            out += "\(descriptor.name)\t\(descriptor.type.rawValue)\t\(collector)\t\(labels.joined(separator: ","))\t\(descriptor.help)\n"
        }
        for descriptor in ExporterMetrics.all(adding: [DockerSwarmDirectory.self]) { line(descriptor, collector: "(exporter)", perNamespace: false) }
        for type in registry.types {
            for descriptor in type.metrics {
                line(descriptor, collector: type.name, perNamespace: type is any NamespaceCollector.Type)
            }
        }
        return out
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
