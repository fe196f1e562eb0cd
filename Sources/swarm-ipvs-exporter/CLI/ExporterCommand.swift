import ArgumentParser
import Collectors
import ExporterCore
import Logging
import SwarmDiscovery

/// The command line: every flag, converted to what it means when it is parsed (a bad value is a
/// usage error then, exit 2). `Exporter` runs what it asks for; the collectors' own flags are
/// split off before (`CollectorFlagParser`).
struct ExporterCommand: ParsableCommand {
    static let registry = CollectorRegistry.builtIn
    static let buildInfo = BuildInfo(version: ExporterVersion.version, revision: ExporterVersion.revision)

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "swarm-ipvs-exporter",
            abstract: "Prometheus exporter for Docker Swarm's routing mesh: IPVS load balancers and network namespaces.",
            discussion: HelpText.discussion(registry: registry),
            version: "swarm-ipvs-exporter \(buildInfo.version) (revision \(buildInfo.revision), Swift \(buildInfo.swiftVersion))"
        )
    }

    @Option(name: [.customLong("web.listen-address"), .customLong("listen-address")],
            help: ArgumentHelp("Address to serve on: :PORT (every IPv4 and IPv6 address), HOST:PORT or [IPv6]:PORT; repeatable, each one is served.", valueName: "address", default: ListenAddress.defaultAddress.description),
            transform: ListenAddress.flag)
    var listenAddressFlags: [ListenAddress] = []

    @Option(name: [.customLong("web.telemetry-path"), .customLong("telemetry-path")],
            help: ArgumentHelp("Path under which to expose metrics.", valueName: "path", default: "/metrics"),
            transform: WebFlags.telemetryPath)
    var telemetryPath = "/metrics"

    @Option(name: .customLong("web.max-requests"),
            help: ArgumentHelp("Concurrent scrapes served at most; more get 503 at once (0 = no limit).", valueName: "n"))
    var maxRequests = 40

    @Option(name: .customLong("web.idle-timeout"),
            help: ArgumentHelp("Close a connection that sends nothing for this long (e.g. 60s).", valueName: "duration", default: "60s"),
            transform: DurationFlag.converter("--web.idle-timeout", atLeast: .milliseconds(100)))
    var idleTimeout: Duration = .seconds(60)

    @Option(name: .customLong("web.write-timeout"),
            help: ArgumentHelp("Close a connection whose answer is not taken whole this long after it starts (a client that stopped reading).", valueName: "duration", default: "10s"),
            transform: DurationFlag.converter("--web.write-timeout", atLeast: .milliseconds(100)))
    var writeTimeout: Duration = .seconds(10)

    @Option(name: .customLong("web.config.file"),
            help: ArgumentHelp("TLS and basic-auth settings in the Prometheus exporter-toolkit format (tls_server_config, basic_auth_users, http_server_config.headers); re-read when it or the files it names change.", valueName: "path"))
    var webConfigFile: String?

    @Option(name: .customLong("scrape.timeout"),
            help: ArgumentHelp("Deadline of a scrape when Prometheus does not send X-Prometheus-Scrape-Timeout-Seconds.", valueName: "duration", default: "10s"),
            transform: DurationFlag.converter("--scrape.timeout", atLeast: .milliseconds(100)))
    var scrapeTimeout: Duration = .seconds(10)

    @Option(name: .customLong("scrape.timeout-offset"),
            help: ArgumentHelp("Subtracted from Prometheus' scrape timeout so the answer arrives in time.", valueName: "duration", default: "500ms"),
            transform: DurationFlag.converter("--scrape.timeout-offset", atLeast: .zero))
    var scrapeTimeoutOffset: Duration = .milliseconds(500)

    @Option(name: .customLong("namespace-path"),
            help: ArgumentHelp("Network namespace file to read; repeatable; globs such as '/var/run/docker/netns/lb_*' are re-expanded at every scrape.", valueName: "path", default: NamespaceFlags.defaultPath),
            transform: NamespaceFlags.path)
    var namespacePaths: [String] = []

    @OptionGroup var namespaceFilter: NamespaceFilterOptions

    /// nil unless given: then the default set, changed by `--collector.<name>` and its kin
    /// (`CollectorChoice`).
    @Option(name: .customLong("collectors"),
            help: ArgumentHelp("Comma-separated collectors to run instead of the default set (see COLLECTORS above); not together with --collector.<name>, --no-collector.<name> or --collector.disable-defaults.", valueName: "names"),
            transform: CollectorsFlag.select)
    var collectors: [any Collector.Type]?

    @Option(name: .customLong("docker.host"),
            help: ArgumentHelp("Docker Engine API for Swarm service names: unix:///PATH (used only while the socket exists) or tcp://HOST:PORT (plain HTTP, no TLS: a socket proxy that allows the GETs README lists).", valueName: "url", default: DockerFlags.defaultHost.description),
            transform: DockerFlags.host)
    var dockerHostFlag: DockerHost?

    @Option(name: .customLong("docker.socket"),
            help: ArgumentHelp("The same as --docker.host unix://PATH.", valueName: "path"))
    var dockerSocket: String?

    @Flag(name: .customLong("no-docker"), help: "Never ask the Docker Engine API (no Swarm service names).")
    var noDocker = false

    @Option(name: .customLong("docker.refresh-interval"),
            help: ArgumentHelp("How often the Swarm names are refreshed from the Docker Engine API in the background.", valueName: "duration", default: "15s"),
            transform: DurationFlag.converter("--docker.refresh-interval", atLeast: .seconds(1)))
    var dockerRefreshInterval: Duration = .seconds(15)

    @Option(name: .customLong("docker.timeout"),
            help: ArgumentHelp("How long one refresh of the Swarm names (all its Engine API requests) may take; each request also gives up after 3s. Networks not reached keep their last names.", valueName: "duration", default: "10s"),
            transform: DurationFlag.converter("--docker.timeout", atLeast: .milliseconds(100)))
    var dockerTimeout: Duration = .seconds(10)

    @Option(name: .customLong("log.level"),
            help: ArgumentHelp("Only log messages at or above: debug, info, warn, error.", valueName: "level", default: "info"),
            transform: LogFlags.level)
    var logLevel: Logger.Level = .info

    @Option(name: .customLong("log.format"),
            help: ArgumentHelp("Log line format: logfmt or json.", valueName: "format", default: "logfmt"),
            transform: LogFlags.format)
    var logFormat: LogLineHandler.Format = .logfmt

    @Option(name: .customLong("config.file"),
            help: ArgumentHelp("YAML file of collector options (collectors: {proc: {file: [...]}}); command-line flags win.", valueName: "path"))
    var configFile: String?

    @Flag(name: .customLong("print-metrics"), help: "Print every metric this binary can export, one per line (name, type, collector, labels, help; tab-separated), and exit.")
    var printMetrics = false

    /// The addresses to serve on: those given, or `:10118`.
    var listenAddresses: [ListenAddress] { listenAddressFlags.isEmpty ? [ListenAddress.defaultAddress] : listenAddressFlags }

    /// Where the Engine API is: `--docker.host`, `--docker.socket` or the daemon's own socket.
    var dockerHost: DockerHost { dockerHostFlag ?? dockerSocket.map { .unix(path: $0) } ?? DockerFlags.defaultHost }

    /// The namespace files to read: those given, or Swarm's routing mesh.
    var namespacePatterns: [String] { namespacePaths.isEmpty ? [NamespaceFlags.defaultPath] : namespacePaths }

    func validate() throws {
        guard (0...100_000).contains(maxRequests) else { throw ValidationError("--web.max-requests must be from 0 to 100000") }
        if let repeated = listenAddressFlags.enumerated().first(where: { listenAddressFlags[..<$0.offset].contains($0.element) })?.element {
            throw ValidationError("--web.listen-address \(repeated) is given twice")
        }
        if dockerHostFlag != nil, dockerSocket != nil {
            throw ValidationError("--docker.host and --docker.socket both name the Engine API: give one (--docker.socket PATH is --docker.host unix://PATH)")
        }
    }
}
