import NIOConcurrencyHelpers

/// One admitted scrape, counted against `--web.max-requests` for as long as it lives. The body
/// of a scrape is encoded while it is sent, so the ticket travels with the body and is released
/// when the body is done with — written, or dropped with a connection that went away — not when
/// collection ends: a client that reads slowly must not let more scrapes in than the limit.
final class ScrapeAdmission: Sendable {
    private let inFlight: NIOLockedValueBox<Int>

    /// A ticket, or nil when `limit` scrapes are already in flight (0 = no limit).
    static func admit(_ inFlight: NIOLockedValueBox<Int>, limit: Int) -> ScrapeAdmission? {
        let admitted = inFlight.withLockedValue { count in
            guard limit == 0 || count < limit else { return false }
            count += 1
            return true
        }
        return admitted ? ScrapeAdmission(inFlight) : nil
    }

    private init(_ inFlight: NIOLockedValueBox<Int>) {
        self.inFlight = inFlight
    }

    deinit {
        inFlight.withLockedValue { $0 -= 1 }
    }
}
