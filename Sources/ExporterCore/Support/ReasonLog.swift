import NIOConcurrencyHelpers

/// Remembers the last reason reported for each key, so that a failure that repeats at every
/// scrape is logged once, and again only when its reason changes (or it ends).
public final class ReasonLog: Sendable {
    private let reasons = NIOLockedValueBox<[String: String]>([:])

    public init() {}

    /// Records `reason` for `key` (nil: no failure now) and says whether it differs from the last.
    public func record(_ reason: String?, for key: String) -> Bool {
        reasons.withLockedValue { reasons in
            defer { reasons[key] = reason }
            return reasons[key] != reason
        }
    }
}
