import Logging
import NIOConcurrencyHelpers

/// The state of one target for one scrape.
enum NamespaceState: Sendable {
    case up(NamespaceTarget, [ReaderSlot])
    case down(NamespaceTarget, reason: String)

    var target: NamespaceTarget {
        switch self {
        case .up(let target, _), .down(let target, _): target
        }
    }
}

/// Keeps every namespace's readers open between scrapes, and re-opens them when a path starts
/// naming a different namespace (its nsfs inode changed) or a reader could not be opened before.
/// Readers of namespaces whose path is gone are released, which closes their sockets and files and
/// lets the kernel free the namespace.
public final class NamespaceTracker: @unchecked Sendable {
    private struct Opened {
        let identity: NamespaceIdentity
        var slots: [ReaderSlot]
        /// When readers that failed to open were last tried again.
        var attempted: ContinuousClock.Instant
    }

    /// How long a reader that could not be opened waits before the namespace is entered again
    /// for it (the working readers of that namespace are kept meanwhile).
    static let retryInterval: Duration = .seconds(30)

    private let collectors: [any NamespaceCollector]
    private let namespaces: any NamespaceAccess
    private let lock = NIOLock()
    private var opened: [String: Opened] = [:]   // by path; guarded by `lock`
    private let reportedDown = ReasonLog()  // the last down reason logged per path
    private var reportedRefusals = 0  // namespaces refused for want of descriptors, as last logged; guarded

    /// - Parameters:
    ///   - namespaces: how paths are identified and entered (the kernel's nsfs files and setns).
    public init(collectors: [any NamespaceCollector], namespaces: any NamespaceAccess = KernelNamespaces()) {
        self.collectors = collectors
        self.namespaces = namespaces
    }

    /// Brings the open readers in line with `targets` and says which namespaces are up.
    func refresh(_ targets: [NamespaceTarget], logger: Logger) async -> [NamespaceState] {
        let wanted = Set(targets.map(\.path))
        let released: [String] = lock.withLock {
            let gone = opened.keys.filter { !wanted.contains($0) }
            for path in gone { opened[path] = nil }
            return gone
        }
        for path in released { logger.info("namespace no longer selected; readers closed", metadata: ["path": "\(path)"]) }

        let allowance = DescriptorAllowance()
        let states = await withTaskGroup(of: (Int, NamespaceState).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask { (index, await self.state(of: target, allowance: allowance, logger: logger)) }
            }
            var states = [NamespaceState?](repeating: nil, count: targets.count)
            for await (index, state) in group { states[index] = state }
            return states.map { $0! }
        }
        reportRefusals(allowance, logger: logger)
        return states
    }

    /// One line for all the namespaces that could not be opened for want of descriptors (one per
    /// namespace would be hundreds), when their number changes.
    private func reportRefusals(_ allowance: DescriptorAllowance, logger: Logger) {
        let refused = allowance.refused
        let changed = lock.withLock {
            defer { reportedRefusals = refused }
            return reportedRefusals != refused
        }
        guard changed, let limit = allowance.limit else { return }
        if refused == 0 {
            logger.info("every selected namespace fits under the open file limit again", metadata: ["limit": "\(limit)"])
        } else {
            logger.error("namespaces not opened: the open file limit is nearly reached; they report netns_up 0 until it is raised", metadata: [
                "namespaces": "\(refused)", "limit": "\(limit)", "reserve": "\(FileDescriptors.reserve(limit: limit))",
                "open": "\(FileDescriptors.openCount.map(String.init) ?? "?")",
                "descriptors_per_namespace": "\(FileDescriptors.perNamespace(collectors: collectors.count))",
            ])
        }
    }

    static func descriptorShortage(limit: Int?) -> String {
        "not opened: the open file limit (\(limit.map(String.init) ?? "?")) is nearly reached; raise it (ulimit -n, or ulimits: nofile: in the stack)"
    }

    private func state(of target: NamespaceTarget, allowance: DescriptorAllowance, logger: Logger) async -> NamespaceState {
        let current: NamespaceIdentity
        switch namespaces.identity(of: target.path) {
        case .success(let identity):
            current = identity
        case .failure(let error):
            let dropped = lock.withLock { opened.removeValue(forKey: target.path) != nil }
            if dropped { logger.warning("namespace vanished; readers closed", metadata: ["netns": "\(target.label)", "path": "\(target.path)", "error": "\(error)"]) }
            return down(target, reason: "\(error)", logger: logger)
        }

        let existing = lock.withLock { opened[target.path] }
        var reopen = Array(collectors.indices)
        if let existing, existing.identity == current {
            let failed = existing.slots.indices.filter { !existing.slots[$0].isOpen }
            if failed.isEmpty || ContinuousClock.now - existing.attempted < Self.retryInterval {
                return .up(target, existing.slots)
            }
            reopen = failed
        }
        if let existing, existing.identity != current {
            logger.info("namespace changed at path; re-opening", metadata: [
                "netns": "\(target.label)", "path": "\(target.path)",
                "old": "\(existing.identity)", "new": "\(current)",
            ])
        }

        if existing?.identity != current, case .failure(let refusal) = namespaces.check(target.path) {
            lock.withLock { opened[target.path] = nil }
            return down(target, reason: refusal.description, logger: logger)
        }
        let toOpen = reopen.map { (index: $0, collector: collectors[$0]) }
        guard allowance.take(FileDescriptors.perNamespace(collectors: toOpen.count)) else {
            // Logged once for all such namespaces by `reportRefusals`; the working readers of a
            // namespace that only lacks some are kept.
            if let existing, existing.identity == current { return .up(target, existing.slots) }
            lock.withLock { opened[target.path] = nil }  // readers of a namespace no longer there
            return .down(target, reason: Self.descriptorShortage(limit: allowance.limit))
        }
        let label = target.label
        let path = target.path
        let result = await namespaces.run(in: path) { identity in
            let description = NamespaceDescription(path: path, label: label, identity: identity)
            let slots = toOpen.map { entry -> (Int, ReaderSlot) in
                let name = type(of: entry.collector).name
                do {
                    return (entry.index, ReaderSlot(collectorName: name, reader: try entry.collector.open(in: description)))
                } catch {
                    return (entry.index, ReaderSlot(collectorName: name, openError: "cannot open: \(error)"))
                }
            }
            return (identity, slots)
        }
        switch result {
        case .success(let (identity, newSlots)):
            var fresh: Opened
            if let existing, existing.identity == identity, newSlots.count < collectors.count {
                fresh = existing   // only the failed readers were opened again
            } else {
                fresh = Opened(identity: identity, slots: [], attempted: .now)
                fresh.slots = collectors.map { ReaderSlot(collectorName: type(of: $0).name, openError: "not opened") }
            }
            for (index, slot) in newSlots { fresh.slots[index] = slot }
            fresh.attempted = .now
            let settled = fresh
            lock.withLock {
                opened[target.path] = settled
            }
            _ = reportedDown.record(nil, for: target.path)
            for (_, slot) in newSlots where !slot.isOpen {
                logger.warning("collector could not open its reader", metadata: [
                    "collector": "\(slot.collectorName)", "netns": "\(target.label)", "error": "\(slot.openError ?? "")",
                ])
            }
            logger.debug("namespace opened", metadata: ["netns": "\(target.label)", "path": "\(target.path)", "identity": "\(settled.identity)"])
            return .up(target, settled.slots)
        case .failure(let failure):
            lock.withLock { opened[target.path] = nil }
            return down(target, reason: failure.description, logger: logger)
        }
    }

    /// Logs a down namespace once per distinct reason (at every scrape it would flood the log).
    private func down(_ target: NamespaceTarget, reason: String, logger: Logger) -> NamespaceState {
        let isNew = reportedDown.record(reason, for: target.path)
        if isNew {
            logger.warning("namespace is down", metadata: ["netns": "\(target.label)", "path": "\(target.path)", "reason": "\(reason)"])
        }
        return .down(target, reason: reason)
    }
}
