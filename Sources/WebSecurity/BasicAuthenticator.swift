import NIOConcurrencyHelpers

/// Checks `Authorization: Basic` headers against `basic_auth_users`.
///
/// bcrypt is slow on purpose (tens of milliseconds at cost 10), and Prometheus sends the same
/// credentials at every scrape, so verdicts are remembered per (user, password) for the lifetime of
/// this configuration; a reloaded file makes a new authenticator. An unknown user is checked against
/// a dummy hash so that the answer takes as long as for a known one.
public final class BasicAuthenticator: Sendable {
    public let users: [String: BcryptHash]
    private let verdicts = NIOLockedValueBox<[BasicCredentials: Bool]>([:])

    /// Verdicts kept at most; when full the cache starts over (a client guessing passwords must not
    /// grow memory).
    static let cacheLimit = 256
    // A hash of a random password nobody knows, cost 10 like htpasswd's default.
    private static let dummy = try! BcryptHash("$2y$10$UVoLlsjVTn2ssUHwme63gOOsJa/vtBBgmDqGGC7feeXeVHIv945zO")

    public init(users: [String: BcryptHash]) {
        self.users = users
    }

    /// The remembered verdict for these credentials, if they were checked before (fast).
    public func rememberedVerdict(for credentials: BasicCredentials) -> Bool? {
        verdicts.withLockedValue { $0[credentials] }
    }

    /// Whether the credentials name a user with the right password. Runs bcrypt unless the verdict
    /// is remembered: call it off the event loops and the cooperative pool.
    public func authorizes(_ credentials: BasicCredentials) -> Bool {
        if let known = rememberedVerdict(for: credentials) { return known }
        let verdict: Bool
        if let hash = users[credentials.user] {
            verdict = hash.matches(credentials.password)
        } else {
            _ = Self.dummy.matches(credentials.password)
            verdict = false
        }
        verdicts.withLockedValue { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[credentials] = verdict
        }
        return verdict
    }
}
