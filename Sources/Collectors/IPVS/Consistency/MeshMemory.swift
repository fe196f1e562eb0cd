/// When this exporter first saw each disagreement and each drain, so that one scrape's reading of
/// the kernel can be weighed against a view of Docker read at another time.
///
/// A key is forgotten as soon as a reading no longer shows it: a drain that stops and starts again
/// is a new drain.
public struct MeshMemory: Sendable {
    var findingsSince: [MeshFinding: ContinuousClock.Instant] = [:]
    var drainsSince: [DrainKey: ContinuousClock.Instant] = [:]

    struct DrainKey: Hashable, Sendable {
        var fwmark: UInt32
        var address: String
    }

    public init() {}

    /// Keeps the first-seen time of each key present now, adds the new ones, forgets the rest.
    mutating func observe(findings: Set<MeshFinding>, drains: Set<DrainKey>, at now: ContinuousClock.Instant) {
        findingsSince = Self.carry(findingsSince, present: findings, now: now)
        drainsSince = Self.carry(drainsSince, present: drains, now: now)
    }

    private static func carry<Key>(_ since: [Key: ContinuousClock.Instant], present: Set<Key>, now: ContinuousClock.Instant)
        -> [Key: ContinuousClock.Instant] {
        var kept: [Key: ContinuousClock.Instant] = [:]
        kept.reserveCapacity(present.count)
        for key in present { kept[key] = since[key] ?? now }
        return kept
    }
}
