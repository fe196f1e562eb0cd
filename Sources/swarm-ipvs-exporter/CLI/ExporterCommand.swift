import ArgumentParser
import Collectors
import ExporterCore
import Hummingbird
import HummingbirdCore
import HTTPTypes
import ServiceLifecycle
import SwarmDiscovery
import Logging
import NIOCore
import NIOPosix
import UnixSignals
import WebSecurity
#if canImport(Glibc)
import Glibc
#endif

/// The command line: parses the flags, makes the collectors, and serves until SIGTERM/SIGINT.
struct ExporterCommand: AsyncParsableCommand {
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
            help: ArgumentHelp("Address to serve on: :PORT, HOST:PORT or [IPv6]:PORT.", valueName: "address"))
    var listenAddress = ":10118"

    @Option(name: [.customLong("web.telemetry-path"), .customLong("telemetry-path")],
            help: ArgumentHelp("Path under which to expose metrics.", valueName: "path"))
    var telemetryPath = "/metrics"

    @Option(name: .customLong("web.max-requests"),
            help: ArgumentHelp("Concurrent scrapes served at most; more get 503 at once (0 = no limit).", valueName: "n"))
    var maxRequests = 40

    @Option(name: .customLong("web.idle-timeout"),
            help: ArgumentHelp("Close a connection that sends nothing for this long (e.g. 60s).", valueName: "duration"))
    var idleTimeout = "60s"

    @Option(name: .customLong("web.write-timeout"),
            help: ArgumentHelp("Close a connection whose answer is not taken whole this long after it starts (a client that stopped reading).", valueName: "duration"))
    var writeTimeout = "10s"

    @Option(name: .customLong("web.config.file"),
            help: ArgumentHelp("TLS and basic-auth settings in the Prometheus exporter-toolkit format (tls_server_config, basic_auth_users, http_server_config.headers); re-read when it or the files it names change.", valueName: "path"))
    var webConfigFile: String?

    @Option(name: .customLong("scrape.timeout"),
            help: ArgumentHelp("Deadline of a scrape when Prometheus does not send X-Prometheus-Scrape-Timeout-Seconds.", valueName: "duration"))
    var scrapeTimeout = "10s"

    @Option(name: .customLong("scrape.timeout-offset"),
            help: ArgumentHelp("Subtracted from Prometheus' scrape timeout so the answer arrives in time.", valueName: "duration"))
    var scrapeTimeoutOffset = "500ms"

    @Option(name: .customLong("namespace-path"),
            help: ArgumentHelp("Network namespace file to read; repeatable; globs such as '/var/run/docker/netns/lb_*' are re-expanded at every scrape. (default: /var/run/docker/netns/ingress_sbox)", valueName: "path"))
    var namespacePaths: [String] = []

    @Option(name: .customLong("namespace-include"),
            help: ArgumentHelp("Only namespaces whose base name matches this regular expression (whole name).", valueName: "regex"))
    var namespaceInclude: String?

    @Option(name: .customLong("namespace-exclude"),
            help: ArgumentHelp("Skip namespaces whose base name matches this regular expression; wins over --namespace-include.", valueName: "regex"))
    var namespaceExclude: String?

    @Option(name: .customLong("collectors"),
            help: ArgumentHelp("Comma-separated collectors to run instead of the default set (see COLLECTORS above).", valueName: "names"))
    var collectors: String?

    @Option(name: .customLong("docker.socket"),
            help: ArgumentHelp("Docker Engine API socket for Swarm service names; used only while it exists.", valueName: "path"))
    var dockerSocket = "/var/run/docker.sock"

    @Flag(name: .customLong("no-docker"), help: "Never ask the Docker Engine API (no Swarm service names).")
    var noDocker = false

    @Option(name: .customLong("docker.refresh-interval"),
            help: ArgumentHelp("How often the Swarm names are refreshed from the Docker Engine API in the background.", valueName: "duration"))
    var dockerRefreshInterval = "15s"

    @Option(name: .customLong("docker.timeout"),
            help: ArgumentHelp("How long one refresh of the Swarm names (all its Engine API requests) may take; each request also gives up after 3s. Networks not reached keep their last names.", valueName: "duration"))
    var dockerTimeout = "10s"

    @Option(name: .customLong("log.level"), help: ArgumentHelp("Only log messages at or above: debug, info, warn, error.", valueName: "level"))
    var logLevel = "info"

    @Option(name: .customLong("log.format"), help: ArgumentHelp("Log line format: logfmt or json.", valueName: "format"))
    var logFormat = "logfmt"

    @Option(name: .customLong("config.file"),
            help: ArgumentHelp("YAML file of collector options (collectors: {proc: {file: [...]}}); command-line flags win.", valueName: "path"))
    var configFile: String?

    @Flag(name: .customLong("print-metrics"), help: "Print every metric this binary can export (name, type, help) and exit.")
    var printMetrics = false

    /// Collector flags, parsed before ArgumentParser sees the rest (see `CollectorFlagParser`).
    var collectorValues: [String: [String: [String]]] = [:]

    static let defaultNamespacePath = "/var/run/docker/netns/ingress_sbox"
    /// How long answers in flight may go on after SIGTERM before they are cancelled.
    static let gracefulShutdownLimit: Duration = .seconds(3)
    /// When the process ends after SIGTERM whatever still runs.
    static let shutdownLimit: Duration = .seconds(6)

    enum CodingKeys: String, CodingKey {
        case listenAddress, telemetryPath, maxRequests, idleTimeout, writeTimeout, scrapeTimeout, scrapeTimeoutOffset
        case namespacePaths, namespaceInclude, namespaceExclude, collectors, logLevel, logFormat, printMetrics
        case dockerSocket, noDocker, dockerRefreshInterval, dockerTimeout, configFile, webConfigFile
    }

    func validate() throws {
        guard ListenAddress(listenAddress) != nil else {
            throw ValidationError("--web.listen-address \"\(listenAddress)\" is not :PORT, HOST:PORT or [IPv6]:PORT with a port from 0 to 65535")
        }
        guard telemetryPath.hasPrefix("/"), telemetryPath != "/" else {
            throw ValidationError("--web.telemetry-path must start with / and must not be / itself (the landing page)")
        }
        // A space, a control character, ? or # cannot be part of a request's path as sent: such a
        // path would be served under a name no scraper can ask for.
        if let bad = telemetryPath.unicodeScalars.first(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "?" || $0 == "#" }) {
            throw ValidationError("--web.telemetry-path must not contain \(bad.value <= 0x20 || bad.value == 0x7F ? "spaces or control characters" : "\"\(bad)\"")")
        }
        guard (0...100_000).contains(maxRequests) else { throw ValidationError("--web.max-requests must be from 0 to 100000") }
        for (flag, value) in [("--web.idle-timeout", idleTimeout), ("--web.write-timeout", writeTimeout), ("--scrape.timeout", scrapeTimeout), ("--scrape.timeout-offset", scrapeTimeoutOffset),
                              ("--docker.refresh-interval", dockerRefreshInterval), ("--docker.timeout", dockerTimeout)] {
            guard let duration = DurationParser.parse(value), duration < .seconds(86_400) else {
                throw ValidationError("\(flag) \"\(value)\" is not a duration such as 500ms, 10s or 1m (under a day)")
            }
            let minimum: Duration = flag == "--docker.refresh-interval" ? .seconds(1) : flag == "--scrape.timeout-offset" ? .zero : .milliseconds(100)
            guard duration >= minimum else {
                throw ValidationError("\(flag) must be at least \(minimum == .zero ? "0" : minimum == .seconds(1) ? "1s" : "100ms"), not \"\(value)\"")
            }
        }
        guard Self.level(logLevel) != nil else { throw ValidationError("--log.level must be debug, info, warn or error, not \"\(logLevel)\"") }
        guard LogLineHandler.Format(rawValue: logFormat) != nil else { throw ValidationError("--log.format must be logfmt or json, not \"\(logFormat)\"") }
        for path in namespacePaths where path.isEmpty { throw ValidationError("--namespace-path must not be empty") }
        do {
            _ = try NameFilter(include: namespaceInclude, exclude: namespaceExclude)
        } catch {
            throw ValidationError("--namespace-\(error.isInclude ? "include" : "exclude") is not a valid regular expression: \(error.message)")
        }
        do {
            _ = try Self.registry.select(collectors)
        } catch {
            throw ValidationError("--collectors: \(error)")
        }
    }

    static func level(_ text: String) -> Logger.Level? {
        switch text.lowercased() {
        case "debug": .debug
        case "info": .info
        case "warn", "warning": .warning
        case "error": .error
        default: nil
        }
    }

    func run() async throws {
        if printMetrics {
            print(HelpText.metricList(registry: Self.registry), terminator: "")
            return
        }
        StraySignals.ignoreUntilHandled()
        let level = Self.level(logLevel)!
        let format = LogLineHandler.Format(rawValue: logFormat)!
        LoggingSystem.bootstrap { _ in LogLineHandler(level: level, format: format) }
        let logger = Logger(label: "swarm-ipvs-exporter")
        ResourceLimits.raiseOpenFileLimit(logger: logger)

        var webConfig: WebConfigStore?
        if let webConfigFile {
            do {
                webConfig = try WebConfigStore(path: webConfigFile, logger: logger)
            } catch {
                throw ValidationError("--web.config.file \(error)")
            }
        }

        let swarm: DockerSwarmDirectory? = noDocker ? nil : DockerSwarmDirectory(
            socketPath: dockerSocket, interval: DurationParser.parse(dockerRefreshInterval)!,
            refreshTimeout: DurationParser.parse(dockerTimeout)!, logger: logger)
        if let swarm {
            if access(swarm.socketPath, F_OK) == 0 {
                logger.info("Swarm service names from the Docker Engine API", metadata: ["socket": "\(swarm.socketPath)"])
            } else {
                logger.info("no Docker socket (yet); Swarm service names appear once it exists", metadata: ["socket": "\(swarm.socketPath)"])
            }
        }
        if let swarm {
            // The first refresh starts before serving and is waited for at most 2 s, so the first
            // scrapes usually carry the service names already; a slower Docker delays only the names.
            if await !swarm.startFirstRefresh(waitingAtMost: .seconds(2)) {
                logger.info("serving before the first refresh of the Swarm names ended (waited 2s); the names come when it does")
            }
        }
        let environment = CollectorEnvironment(logger: logger, swarm: swarm)
        var namespaceCollectors: [any NamespaceCollector] = []
        var globalCollectors: [any GlobalCollector] = []
        for type in try Self.registry.select(collectors) {
            let configuration = CollectorConfiguration(collectorName: type.name, flagPrefix: type.flagPrefix, options: type.options,
                                                       values: collectorValues[type.name] ?? [:])
            let collector: any Collector
            do {
                collector = try type.init(configuration: configuration, environment: environment)
            } catch {
                throw ValidationError("\(error)")
            }
            if let perNamespace = collector as? any NamespaceCollector { namespaceCollectors.append(perNamespace) }
            if let global = collector as? any GlobalCollector { globalCollectors.append(global) }
        }
        let enabledNames = (namespaceCollectors.map { type(of: $0).name } + globalCollectors.map { type(of: $0).name }).sorted()
        for name in collectorValues.keys.sorted() where !enabledNames.contains(name) {
            logger.warning("options given for a collector that is not enabled", metadata: ["collector": "\(name)"])
        }

        let paths = namespacePaths.isEmpty ? [Self.defaultNamespacePath] : namespacePaths
        let selector = NamespaceSelector(patterns: paths, filter: try NameFilter(include: namespaceInclude, exclude: namespaceExclude))
        let threadPool = NIOThreadPool(numberOfThreads: 4)
        threadPool.start()
        let scraper = Scraper(
            selector: selector, namespaceCollectors: namespaceCollectors, globalCollectors: globalCollectors,
            buildInfo: Self.buildInfo, logger: logger, threadPool: threadPool, swarm: swarm)

        logger.info("starting swarm-ipvs-exporter", metadata: [
            "version": "\(Self.buildInfo.version)", "revision": "\(Self.buildInfo.revision)",
            "collectors": "\(enabledNames.joined(separator: ","))",
            "namespace_paths": "\(paths.joined(separator: ","))",
        ])
        try StartupCheck.report(selector: selector, namespaceCollectors: namespaceCollectors.count, logger: logger)

        let address = ListenAddress(listenAddress)!
        let endpoint = MetricsEndpoint(
            scraper: scraper, maxConcurrentScrapes: maxRequests,
            defaultTimeout: DurationParser.parse(scrapeTimeout)!, timeoutOffset: DurationParser.parse(scrapeTimeoutOffset)!,
            logger: logger)
        let landing = LandingPage.html(buildInfo: Self.buildInfo, telemetryPath: telemetryPath, collectors: enabledNames, namespacePaths: paths)
        let router = Router()
        if let webConfig {
            router.add(middleware: WebSecurityMiddleware(store: webConfig, threadPool: threadPool))
        }
        let landingHeaders: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        router.add(middleware: AllowedMethods(pages: ["/": { _ in landingHeaders }, telemetryPath: MetricsEndpoint.headers(for:)]))
        router.get("/") { _, _ in
            Response(status: .ok, headers: landingHeaders, body: ResponseBody(byteBuffer: ByteBuffer(string: landing)))
        }
        router.get(RouterPath(telemetryPath)) { request, _ in await endpoint.respond(to: request) }
        // Liveness for the image's HEALTHCHECK (`swarm-ipvs-exporter healthcheck`): no scrape, no
        // basic auth (see WebSecurityMiddleware).
        if telemetryPath != HealthCheck.path {
            router.get(RouterPath(HealthCheck.path)) { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: "OK\n")))
            }
        }

        let idle = DurationParser.parse(idleTimeout)!
        let idleAmount = TimeAmount.nanoseconds(Int64(idle.seconds * 1e9))
        let writeAmount = TimeAmount.nanoseconds(Int64(DurationParser.parse(writeTimeout)!.seconds * 1e9))
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ExchangeDeadlines(readTimeout: idleAmount, writeTimeout: writeAmount, logger: logger)],
            idleTimeout: idleAmount)
        let server: HTTPServerBuilder
        if let webConfig, webConfig.servesTLS {
            server = HTTPServerBuilder { responder in
                TLSServerChannel(base: HTTP1Channel(responder: responder, configuration: http1), store: webConfig)
            }
        } else {
            server = .http1(configuration: http1)
        }
        if let webConfig {
            let state = webConfig.current
            logger.info("web config", metadata: [
                "file": "\(webConfig.path)", "tls": "\(webConfig.servesTLS)",
                "client_auth_type": "\(state.tls?.settings.clientAuth.rawValue ?? "-")",
                "basic_auth_users": "\(state.configuration.users.count)",
            ])
        }
        let app = Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: nil),
            services: globalCollectors.map { GlobalCollectorService(collector: $0, logger: logger) } as [any Service]
                + (swarm.map { [SwarmDirectoryService(directory: $0)] } ?? [])
                + [StraySignals(webConfig: webConfig, configFile: configFile, logger: logger)],
            logger: logger
        )
        // SIGTERM: stop accepting and let answers in flight finish for a moment, then cancel
        // them; the watchdog ends the process should anything still hold on. Together well
        // inside the stack's 10 s stop_grace_period, whatever the clients do.
        var group = ServiceGroupConfiguration(
            services: [.init(service: app), .init(service: ShutdownWatchdog(limit: Self.shutdownLimit, logger: logger))],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = Self.gracefulShutdownLimit
        do {
            try await ServiceGroup(configuration: group).run()
        } catch {
            try? await threadPool.shutdownGracefully()
            throw error
        }
        try? await threadPool.shutdownGracefully()
        logger.info("stopped")
    }
}
