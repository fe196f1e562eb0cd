import ArgumentParser
import ExporterCore
import SwarmDiscovery

/// `swarm-ipvs-exporter inspect`: every load balancer of the selected namespaces, its Swarm names
/// and its backends, compared with Docker's view, for a person at a terminal or a script.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarm-ipvs-exporter inspect",
        abstract: "Show each load balancer of the routing mesh with its backends, compared with Docker's view.",
        discussion: """
        Reads every selected namespace's IPVS table twice, --interval apart, and Docker's view of each \
        network in between (GET /networks/{id}?verbose=true; on a manager also the managers' tasks view, \
        GET /tasks, and a mark names the view that found it: network, tasks or network+tasks). Each Swarm service is shown with its \
        fwmark, virtual IP, published ports and scheduler; each backend with its task, node, weight, \
        active and inactive connections, connections in all and new connections per second between \
        the two reads. Marks, by the rules of the ipvs collector's consistency check:
          STALE: weight above 0, and no task of the service has this address in Docker's view.
          MISSING: a task Docker lists here has no backend.
          DRAINING: weight 0, Swarm is taking the task out (how long: since the first read).
          UNCLAIMED: an IPVS service no Swarm service claims.
          UNPROGRAMMED: a Swarm service with no IPVS service here.
        A disagreement is shown only when it held at both reads, with Docker read in between.
        EXIT STATUS: 0 consistent; 1 an inconsistency is shown; 2 usage error; 3 nothing could be \
        compared (no Docker view, or a namespace could not be read).
        Run it on a node as root, or in the exporter's container: docker exec <task> swarm-ipvs-exporter inspect
        """)

    @Option(name: .customLong("namespace-path"),
            help: ArgumentHelp("Network namespace file to read; repeatable; globs allowed.",
                               valueName: "path", default: "\(InspectCommand.defaultPaths.joined(separator: " and "))"),
            transform: NamespaceFlags.path)
    var namespacePaths: [String] = []

    @OptionGroup var namespaceFilter: NamespaceFilterOptions

    @Option(name: .customLong("service"), help: ArgumentHelp("Only this Swarm service (repeatable).", valueName: "name"))
    var services: [String] = []

    @Flag(name: .customLong("json"), help: "One JSON document instead of the table.")
    var json = false

    @Option(name: .customLong("interval"),
            help: ArgumentHelp("Time between the two reads of the kernel (new connections per second are counted over it).", valueName: "duration", default: "1s"),
            transform: DurationFlag.converter("--interval", atLeast: .milliseconds(100)))
    var interval: Duration = .seconds(1)

    @Option(name: .customLong("docker.host"),
            help: ArgumentHelp("Docker Engine API: unix:///PATH or tcp://HOST:PORT, as for the exporter.", valueName: "url", default: DockerFlags.defaultHost.description),
            transform: DockerFlags.host)
    var dockerHostFlag: DockerHost?

    @Option(name: .customLong("docker.socket"), help: ArgumentHelp("The same as --docker.host unix://PATH.", valueName: "path"))
    var dockerSocket: String?

    var dockerHost: DockerHost { dockerHostFlag ?? dockerSocket.map { .unix(path: $0) } ?? DockerFlags.defaultHost }

    @Option(name: .customLong("docker.timeout"),
            help: ArgumentHelp("How long reading Docker's view may take.", valueName: "duration", default: "10s"),
            transform: DurationFlag.converter("--docker.timeout", atLeast: .milliseconds(100)))
    var dockerTimeout: Duration = .seconds(10)

    /// The routing mesh and every overlay network's load balancer: what an operator asks about.
    static let defaultPaths = [NamespaceFlags.defaultPath, "/var/run/docker/netns/lb_*"]

    var namespacePatterns: [String] { namespacePaths.isEmpty ? Self.defaultPaths : namespacePaths }

    func validate() throws {
        if dockerHostFlag != nil, dockerSocket != nil {
            throw ValidationError("--docker.host and --docker.socket both name the Engine API: give one")
        }
        guard interval < .seconds(3600) else { throw ValidationError("--interval must be under an hour") }
    }
}

extension InspectCommand {
    /// Parses `arguments` (after the word `inspect`), runs, prints, and returns the exit status.
    static func main(_ arguments: [String]) async -> Int32 {
        let command: InspectCommand
        do {
            command = try InspectCommand.parse(arguments)
        } catch {
            let code = InspectCommand.exitCode(for: error)
            if code == .success {
                print(InspectCommand.fullMessage(for: error))
                return 0
            }
            if let refusal = FlagRefusal.carried(by: error) {
                StandardError.write("swarm-ipvs-exporter inspect: \(refusal.description)\nSee 'swarm-ipvs-exporter inspect --help'.\n")
            } else {
                StandardError.write("swarm-ipvs-exporter inspect: \(InspectCommand.fullMessage(for: error))\n")
            }
            return 2
        }
        let outcome = await Inspection(command: command).run()
        print(command.json ? InspectJSON.render(outcome) : InspectText.render(outcome), terminator: "")
        return outcome.exitStatus
    }
}
