import ArgumentParser
import ExporterCore
#if canImport(Glibc)
import Glibc
#endif

/// Entry point: collector flags are split off first (they are declared by the collectors at run
/// time), ArgumentParser parses the rest. Every usage error exits with status 2.
@main
enum Main {
    static func main() async {
        MemoryPolicy.configure()
        let arguments = Array(CommandLine.arguments.dropFirst())
        // The image's HEALTHCHECK: a subcommand of its own, parsed apart from the exporter's flags.
        if arguments.first == "healthcheck" {
            exit(await HealthCheck.run(Array(arguments.dropFirst())))
        }
        // The operator's view of the mesh: a subcommand of its own, with its own flags.
        if arguments.first == "inspect" {
            exit(await InspectCommand.main(Array(arguments.dropFirst())))
        }
        let split: CollectorFlagParser.Result
        do {
            // A config file's collector flags go first: the command line's come later and win.
            let parser = CollectorFlagParser(registry: ExporterCommand.registry)
            var fromFile = CollectorFlagParser.Result()
            if let path = try ConfigFile.path(in: arguments) {
                fromFile = try parser.parse(try ConfigFile.collectorArguments(fromFile: path))
                fromFile.toggles = fromFile.toggles.attributed(to: "from --config.file \(path)")
            }
            split = fromFile.followed(by: try parser.parse(arguments))
        } catch {
            usageError("\(error)")
        }
        let command: ExporterCommand
        do {
            let parsed = try ExporterCommand.parseAsRoot(split.remaining)
            guard let exporter = parsed as? ExporterCommand else {
                var other = parsed  // `help`
                try other.run()
                return
            }
            command = exporter
        } catch {
            exitWith(FlagRefusal.carried(by: error)?.asValidationError ?? error)
        }
        let collectors: [any Collector.Type]
        do {
            collectors = try CollectorChoice.resolve(list: command.collectors, toggles: split.toggles, registry: ExporterCommand.registry)
        } catch {
            usageError("\(error)")
        }
        if let shortfall = ResourceLimits.addressSpaceShortfall() {
            StandardError.write("swarm-ipvs-exporter: \(shortfall)\n")
            exit(1)
        }
        if command.printMetrics {
            print(HelpText.metricList(registry: ExporterCommand.registry), terminator: "")
            return
        }
        do {
            try await Exporter(command: command, collectors: collectors, collectorValues: split.values).run()
        } catch {
            exitWith(error)
        }
    }

    /// Help and version go to standard output with status 0; a usage error exits with 2, any
    /// other failure with 1.
    static func exitWith(_ error: any Error) -> Never {
        let code = ExporterCommand.exitCode(for: error)
        if code == .success {
            ExporterCommand.exit(withError: error)
        }
        StandardError.write("swarm-ipvs-exporter: \(ExporterCommand.fullMessage(for: error))\n")
        exit(code == .validationFailure || error is ValidationError ? 2 : 1)
    }

    static func usageError(_ message: String) -> Never {
        StandardError.write("swarm-ipvs-exporter: \(message)\nSee 'swarm-ipvs-exporter --help'.\n")
        exit(2)
    }
}
