import HTTPTypes
import Hummingbird
import NIOPosix
import WebSecurity

/// Applies `--web.config.file` to every request: basic auth (401 without the right user and
/// password) and the configured response headers. The health path (`HealthCheck.path`, which
/// answers only "OK") is exempt from basic auth, so the image's HEALTHCHECK works whatever users
/// the config names (TLS still applies to it).
struct WebSecurityMiddleware<Context: RequestContext>: RouterMiddleware {
    let store: WebConfigStore
    /// bcrypt takes tens of milliseconds by design: it runs here, not on the event loops.
    let threadPool: NIOThreadPool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let state = store.current
        var response: Response
        if let authenticator = state.authenticator, request.uri.path != HealthCheck.path,
           !(try await authorizes(request, authenticator)) {
            response = Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: "Basic", .contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "Unauthorized\n")))
        } else {
            response = try await next(request, context)
        }
        for header in state.configuration.headers {
            if let name = HTTPField.Name(header.name) { response.headers[name] = header.value }
        }
        return response
    }

    private func authorizes(_ request: Request, _ authenticator: BasicAuthenticator) async throws -> Bool {
        guard let header = request.headers[.authorization], let credentials = BasicCredentials(authorization: header) else { return false }
        if let known = authenticator.rememberedVerdict(for: credentials) { return known }
        return try await threadPool.runIfActive { authenticator.authorizes(credentials) }
    }
}
