import ExporterCore
import Hummingbird
import HummingbirdCore
import HTTPTypes
import Logging
import NIOCore
import NIOPosix
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
