import ArgumentParser
import ExporterCore

/// `--namespace-include` and `--namespace-exclude`, the same for the exporter and `inspect`.
struct NamespaceFilterOptions: ParsableArguments {
    @Option(name: .customLong("namespace-include"),
            help: ArgumentHelp("Only namespaces whose base name matches this regular expression (whole name).", valueName: "regex"),
            transform: NamespaceFlags.include)
    var include: NamePattern?

    @Option(name: .customLong("namespace-exclude"),
            help: ArgumentHelp("Skip namespaces whose base name matches this regular expression; wins over --namespace-include.", valueName: "regex"),
            transform: NamespaceFlags.exclude)
    var exclude: NamePattern?

    var filter: NameFilter { NameFilter(include: include, exclude: exclude) }
}
