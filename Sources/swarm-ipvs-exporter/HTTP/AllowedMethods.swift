import HTTPTypes
import Hummingbird
import NIOCore

/// The exporter's pages answer GET and HEAD; any other method on them is `405 Method Not Allowed`
/// with an `Allow` header (a 404 would say the page does not exist). HEAD is answered with the
/// headers a GET would get, without running a scrape: it is how load balancers and uptime
/// checkers ask whether the endpoint is there.
struct AllowedMethods<Context: RequestContext>: RouterMiddleware {
    /// The served paths, and the headers a GET of each would be answered with.
    let pages: [String: @Sendable (Request) -> HTTPFields]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let headers = pages[request.uri.path] else { return try await next(request, context) }
        switch request.method {
        case .get:
            return try await next(request, context)
        case .head:
            // A body of unknown length, as GET's: an empty one would say `Content-Length: 0`.
            return Response(status: .ok, headers: headers(request), body: ResponseBody { writer in try await writer.finish(nil) })
        default:
            return Response(
                status: .methodNotAllowed,
                headers: [.allow: "GET, HEAD", .contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "method \(request.method) not allowed; use GET or HEAD\n")))
        }
    }
}
