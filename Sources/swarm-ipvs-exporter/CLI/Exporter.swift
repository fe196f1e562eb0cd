#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ExporterCore
import Hummingbird
import Logging
import NIOPosix
import ServiceLifecycle
import SwarmDiscovery
import UnixSignals
import WebSecurity

/// The running exporter: what the command line asked for, built one step at a time (logging, web
/// config, Swarm names, collectors, scraper, HTTP server) and served until SIGTERM or SIGINT.
struct Exporter {
    let command: ExporterCommand
    /// The collectors to run (`CollectorChoice`).
    let collectors: [any Collector.Type]
    /// The collectors' own flags, per collector and option (`CollectorFlagParser`).
    let collectorValues: [String: [String: [String]]]

    /// How long answers in flight may go on after SIGTERM before they are cancelled.
    static let gracefulShutdownLimit: Duration = .seconds(3)
    /// When the process ends after SIGTERM whatever still runs.
    static let shutdownLimit: Duration = .seconds(6)

    func run() async throws {
        StraySignals.ignoreUntilHandled()
        let logger = startLogging()
        // Collector options are usage errors: refused before anything is logged or waited for.
        let swarm = makeSwarmNames(logger: logger)
        var environment = CollectorEnvironment(logger: logger)
        environment.swarm = swarm
        let collectors = try EnabledCollectors(self.collectors, values: collectorValues, environment: environment)
        ResourceLimits.raiseOpenFileLimit(logger: logger)
        let webConfig = try loadWebConfig(logger: logger)
        collectors.warnAboutOptions(for: collectorValues.keys, logger: logger)
        if let swarm { await startSwarmNames(swarm, logger: logger) }

        let threadPool = NIOThreadPool(numberOfThreads: 4)
        threadPool.start()
        let selector = NamespaceSelector(patterns: command.namespacePatterns,
                                         filter: command.namespaceFilter.filter)
        let scraper = Scraper(
            selector: selector, namespaceCollectors: collectors.perNamespace, globalCollectors: collectors.global,
            buildInfo: ExporterCommand.buildInfo, logger: logger, threadPool: threadPool, metricSources: swarm.map { [$0] } ?? [])
        logger.info("starting swarm-ipvs-exporter", metadata: [
            "version": "\(ExporterCommand.buildInfo.version)", "revision": "\(ExporterCommand.buildInfo.revision)",
            "hostname": "\(HostName.current)",
            "collectors": "\(collectors.names.joined(separator: ","))",
            "namespace_paths": "\(command.namespacePatterns.joined(separator: ","))",
            "listen_addresses": "\(command.listenAddresses.map(\.description).joined(separator: ","))",
        ])
        try StartupCheck.report(selector: selector, namespaceCollectors: collectors.perNamespace.count, logger: logger)

        let background = collectors.global.map { BackgroundWork.probes(of: $0, logger: logger) } as [any Service]
            + (swarm.map { [BackgroundWork.refreshes(of: $0)] } ?? [])
            + [StraySignals(webConfig: webConfig, configFile: command.configFile, logger: logger)]
        let listeners = makeListeners(
            router: makeRouter(scraper: scraper, collectors: collectors.names, webConfig: webConfig, threadPool: threadPool, logger: logger),
            server: makeServer(webConfig: webConfig, logger: logger), logger: logger)
        try await serve(listeners, background: background, threadPool: threadPool, logger: logger)
    }

    private func startLogging() -> Logger {
        let (level, format) = (command.logLevel, command.logFormat)
        LoggingSystem.bootstrap { _ in LogLineHandler(level: level, format: format) }
        return Logger(label: "swarm-ipvs-exporter")
    }

    private func loadWebConfig(logger: Logger) throws -> WebConfigStore? {
        guard let path = command.webConfigFile else { return nil }
        do {
            return try WebConfigStore(path: path, logger: logger)
        } catch {
            throw ValidationError("--web.config.file \(error)")
        }
    }

    /// The Docker Engine API client, unless `--no-docker` (not yet asking anything).
    private func makeSwarmNames(logger: Logger) -> DockerSwarmDirectory? {
        guard !command.noDocker else { return nil }
        return DockerSwarmDirectory(host: command.dockerHost, interval: command.dockerRefreshInterval,
                                    refreshTimeout: command.dockerTimeout, logger: logger)
    }

    /// Starts the first refresh of the Swarm names.
    private func startSwarmNames(_ swarm: DockerSwarmDirectory, logger: Logger) async {
        if swarm.isReachable {
            logger.info("Swarm service names from the Docker Engine API", metadata: swarm.logMetadata)
        } else {
            logger.info("no Docker socket (yet); Swarm service names appear once it exists", metadata: swarm.logMetadata)
        }
        // The first refresh starts before serving and is waited for at most 2 s, so the first
        // scrapes usually carry the service names already; a slower Docker delays only the names.
        if await !swarm.startFirstRefresh(waitingAtMost: .seconds(2)) {
            logger.info("serving before the first refresh of the Swarm names ended (waited 2s); the names come when it does")
        }
    }

    /// Serves until SIGTERM or SIGINT. Answers in flight may finish for a moment, then they are
    /// cancelled; the watchdog ends the process should anything still hold on. Together well
    /// inside the stack's 10 s stop_grace_period, whatever the clients do.
    ///
    /// A group stops its services in the reverse of their order: the listeners stop taking
    /// connections first, the background work (probes, Swarm names) after them.
    private func serve(_ listeners: [Listener], background: [any Service], threadPool: NIOThreadPool, logger: Logger) async throws {
        let services: [any Service] = background + listeners as [any Service] + [ShutdownWatchdog(limit: Self.shutdownLimit, logger: logger)]
        var group = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) },
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
