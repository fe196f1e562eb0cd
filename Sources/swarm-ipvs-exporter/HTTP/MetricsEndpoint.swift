import CompressNIO
import ExporterCore
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Answers scrapes: narrows them to the collectors `collect[]`/`exclude[]` name, negotiates the
/// format, bounds concurrent scrapes, honours Prometheus' scrape timeout header, and compresses
/// when the client allows it.
struct MetricsEndpoint: Sendable {
    let scraper: Scraper
    let maxConcurrentScrapes: Int
    let defaultTimeout: Duration
    let timeoutOffset: Duration
    /// Every collector of the binary: a `collect[]` name among them is "not enabled", not "unknown".
    let knownCollectors: [String]
    let inFlight = NIOLockedValueBox(0)
    /// Scrapes of the same collectors at the same moment share one collection and one copy of its
    /// samples.
    let collections = CollectionSharing<ScrapeSelection, [MetricFamily]>()
    let logger: Logger

    init(scraper: Scraper, maxConcurrentScrapes: Int, defaultTimeout: Duration, timeoutOffset: Duration,
         knownCollectors: [String] = ExporterCommand.registry.names, logger: Logger) {
        self.scraper = scraper
        self.maxConcurrentScrapes = maxConcurrentScrapes
        self.defaultTimeout = defaultTimeout
        self.timeoutOffset = timeoutOffset
        self.knownCollectors = knownCollectors
        self.logger = logger
    }

    static let scrapeTimeoutHeader = HTTPField.Name("X-Prometheus-Scrape-Timeout-Seconds")!

    func respond(to request: Request) async -> Response {
        let selection: ScrapeSelection
        switch ScrapeFilter.selection(query: request.uri.query, enabled: scraper.collectorNames, known: knownCollectors) {
        case .success(let chosen):
            selection = chosen
        case .failure(let refusal):
            logger.debug("refusing a scrape's collector filter", metadata: ["reason": "\(refusal)"])
            return Response(
                status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "\(refusal)\n")))
        }
        guard let admission = ScrapeAdmission.admit(inFlight, limit: maxConcurrentScrapes) else {
            logger.warning("too many concurrent scrapes; answering 503", metadata: ["limit": "\(maxConcurrentScrapes)"])
            return Response(
                status: .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=utf-8", .retryAfter: "1"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "too many concurrent scrapes (--web.max-requests \(maxConcurrentScrapes))\n")))
        }

        let format = Self.format(for: request)
        let timeout = timeout(for: request)
        let scraper = self.scraper
        let (families, source, hold) = await collections.value(of: selection, deadline: .now + timeout) {
            await scraper.scrape(timeout: timeout, selection: selection).sortedFamilies()
        }
        if source == .held {
            logger.debug("answered from a result still held by answers in flight (too many held)",
                         metadata: ["held": "\(collections.heldResults)"])
        }
        let gzip = Self.gzip(for: request)
        // The body is encoded while it is sent; the admission and the hold end with it.
        let body = ExpositionBody.make(families, encoder: ExpositionEncoder(format: format), gzip: gzip, admission: admission, hold: hold)
        return Response(status: .ok, headers: Self.headers(for: request), body: body)
    }

    /// The headers of a scrape's answer to `request` (also HEAD's answer).
    static func headers(for request: Request) -> HTTPFields {
        var headers: HTTPFields = [.contentType: format(for: request).contentType, .vary: "Accept, Accept-Encoding"]
        if gzip(for: request) { headers[.contentEncoding] = "gzip" }
        return headers
    }

    private static func format(for request: Request) -> ExpositionFormat {
        ExpositionFormat.negotiate(accept: request.headers[values: .accept].joined(separator: ","))
    }

    private static func gzip(for request: Request) -> Bool {
        ContentCoding.acceptsGzip(request.headers[values: .acceptEncoding].joined(separator: ","))
    }

    /// Prometheus' own timeout for this scrape minus the offset, or the default; never below 100 ms.
    func timeout(for request: Request) -> Duration {
        guard let header = request.headers[Self.scrapeTimeoutHeader], let seconds = Double(header), seconds.isFinite, seconds > 0 else {
            return defaultTimeout
        }
        // Clamped before it becomes a Duration: an absurd header must not trap the conversion.
        return max(.seconds(min(seconds, 3600)) - timeoutOffset, .milliseconds(100))
    }
}
