import ExporterCore
import Hummingbird
import HummingbirdCore
import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import WebSecurity

/// The HTTP side of `Exporter`: which paths answer what, and the server that carries them.
extension Exporter {
    func makeRouter(scraper: Scraper, collectors: [String], webConfig: WebConfigStore?, threadPool: NIOThreadPool, logger: Logger) -> Router<BasicRequestContext> {
        let telemetryPath = command.telemetryPath
        let endpoint = MetricsEndpoint(
            scraper: scraper, maxConcurrentScrapes: command.maxRequests,
            defaultTimeout: command.scrapeTimeout, timeoutOffset: command.scrapeTimeoutOffset, logger: logger)
        let landing = LandingPage.html(buildInfo: ExporterCommand.buildInfo, hostname: HostName.current, telemetryPath: telemetryPath, collectors: collectors,
                                       namespacePaths: command.namespacePatterns)
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
        return router
    }

    /// One server per socket of the `--web.listen-address` values, all answering with `router`.
    /// `:PORT` is IPv4 and IPv6 (`ListeningSockets`); where the kernel has no IPv6, IPv4 alone, said once.
    func makeListeners(router: Router<BasicRequestContext>, server: HTTPServerBuilder, logger: Logger) -> [Listener] {
        let addresses = command.listenAddresses
        let ipv6 = addresses.contains(where: \.isEveryAddress) ? ListeningSockets.IPv6Support.probe() : .dualStack
        let sockets = ListeningSockets.sockets(for: addresses, ipv6: ipv6)
        let everyAddress = addresses.filter(\.isEveryAddress).map(\.description).joined(separator: ",")
        switch ipv6 {
        case .absent(let reason):
            logger.info("no IPv6 on this host: \(everyAddress) listens on IPv4 only", metadata: ["reason": "\(reason)"])
        case .separate:
            logger.debug("IPv6 sockets are IPv6-only here (net.ipv6.bindv6only): \(everyAddress) binds :: and 0.0.0.0 apart")
        case .dualStack:
            break
        }
        let responder = router.buildResponder()
        return sockets.map { socket in
            Listener(socket: socket, application: Application(
                responder: responder, server: server,
                configuration: ApplicationConfiguration(address: .hostname(socket.host, port: socket.port), serverName: nil),
                logger: logger))
        }
    }

    /// HTTP/1.1 with the connection deadlines, over TLS when the web config asks for it.
    func makeServer(webConfig: WebConfigStore?, logger: Logger) -> HTTPServerBuilder {
        let idle = TimeAmount.nanoseconds(Int64(command.idleTimeout.seconds * 1e9))
        let write = TimeAmount.nanoseconds(Int64(command.writeTimeout.seconds * 1e9))
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ExchangeDeadlines(readTimeout: idle, writeTimeout: write, logger: logger)],
            idleTimeout: idle)
        guard let webConfig else { return .http1(configuration: http1) }
        let state = webConfig.current
        logger.info("web config", metadata: [
            "file": "\(webConfig.path)", "tls": "\(webConfig.servesTLS)",
            "client_auth_type": "\(state.tls?.settings.clientAuth.rawValue ?? "-")",
            "basic_auth_users": "\(state.configuration.users.count)",
        ])
        guard webConfig.servesTLS else { return .http1(configuration: http1) }
        return HTTPServerBuilder { responder in
            TLSServerChannel(base: HTTP1Channel(responder: responder, configuration: http1), store: webConfig)
        }
    }
}

/// The server on one listening socket. A failure to bind names the socket, so that of several
/// `--web.listen-address` values the one that failed is known.
struct Listener: Service {
    let socket: ListeningSockets.Socket
    let application: Application<RouterResponder<BasicRequestContext>>

    struct Failure: Error, CustomStringConvertible {
        let socket: ListeningSockets.Socket
        let underlying: any Error

        var description: String {
            let given = socket.address.isEveryAddress ? " (for --web.listen-address \(socket.address))" : ""
            return "cannot serve on \(socket)\(given): \(underlying)"
        }
    }

    func run() async throws {
        do {
            try await application.run()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw Failure(socket: socket, underlying: error)
        }
    }
}
