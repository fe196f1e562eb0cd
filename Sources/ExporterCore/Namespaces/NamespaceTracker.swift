import Logging
import NIOConcurrencyHelpers

/// The state of one target for one scrape.
enum NamespaceState: Sendable {
    case up(NamespaceTarget, [ReaderSlot])
    case down(NamespaceTarget, reason: String)
}

/// Keeps every namespace's readers open between scrapes, and re-opens them when a path starts
/// naming a different namespace (its nsfs inode changed) or a reader could not be opened before.
/// Readers of namespaces whose path is gone are released, which closes their sockets and files and
/// lets the kernel free the namespace.
public final class NamespaceTracker: @unchecked Sendable {
    private struct Opened {
        let identity: NamespaceIdentity
        let slots: [ReaderSlot]
    }

    private let collectors: [any NamespaceCollector]
    private let lock = NIOLock()
    private var opened: [String: Opened] = [:]   // by path; guarded by `lock`
    private var reportedDown: [String: String] = [:]  // last down reason logged per path; guarded

    public init(collectors: [any NamespaceCollector]) {
        self.collectors = collectors
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

        return await withTaskGroup(of: (Int, NamespaceState).self) { group in
            for (index, target) in targets.enumerated() {
                group.addTask { (index, await self.state(of: target, logger: logger)) }
            }
            var states = [NamespaceState?](repeating: nil, count: targets.count)
            for await (index, state) in group { states[index] = state }
            return states.map { $0! }
        }
    }

    private func state(of target: NamespaceTarget, logger: Logger) async -> NamespaceState {
        let current: NamespaceIdentity
        switch NamespaceIdentity.of(path: target.path) {
        case .success(let identity):
            current = identity
        case .failure(let error):
            let dropped = lock.withLock { opened.removeValue(forKey: target.path) != nil }
            if dropped { logger.warning("namespace vanished; readers closed", metadata: ["netns": "\(target.label)", "path": "\(target.path)", "error": "\(error)"]) }
            return down(target, reason: "\(error)", logger: logger)
        }

        let existing = lock.withLock { opened[target.path] }
        if let existing, existing.identity == current, existing.slots.allSatisfy(\.isOpen) {
            return .up(target, existing.slots)
        }
        if let existing, existing.identity != current {
            logger.info("namespace changed at path; re-opening", metadata: [
                "netns": "\(target.label)", "path": "\(target.path)",
                "old": "\(existing.identity)", "new": "\(current)",
            ])
        }

        let collectors = self.collectors
        let label = target.label
        let path = target.path
        let result = await NamespaceThread.run(in: path) { identity in
            let description = NamespaceDescription(path: path, label: label, identity: identity)
            let slots = collectors.map { collector -> ReaderSlot in
                let name = type(of: collector).name
                do {
                    return ReaderSlot(collectorName: name, reader: try collector.open(in: description))
                } catch {
                    return ReaderSlot(collectorName: name, openError: "cannot open: \(error)")
                }
            }
            return Opened(identity: identity, slots: slots)
        }
        switch result {
        case .success(let fresh):
            lock.withLock {
                opened[target.path] = fresh
                reportedDown[target.path] = nil
            }
            for slot in fresh.slots where !slot.isOpen {
                logger.warning("collector could not open its reader", metadata: [
                    "collector": "\(slot.collectorName)", "netns": "\(target.label)", "error": "\(slot.openError ?? "")",
                ])
            }
            logger.debug("namespace opened", metadata: ["netns": "\(target.label)", "path": "\(target.path)", "identity": "\(fresh.identity)"])
            return .up(target, fresh.slots)
        case .failure(let failure):
            lock.withLock { opened[target.path] = nil }
            return down(target, reason: failure.description, logger: logger)
        }
    }

    /// Logs a down namespace once per distinct reason (at every scrape it would flood the log).
    private func down(_ target: NamespaceTarget, reason: String, logger: Logger) -> NamespaceState {
        let isNew = lock.withLock {
            defer { reportedDown[target.path] = reason }
            return reportedDown[target.path] != reason
        }
        if isNew {
            logger.warning("namespace is down", metadata: ["netns": "\(target.label)", "path": "\(target.path)", "reason": "\(reason)"])
        }
        return .down(target, reason: reason)
    }

    /// How many namespaces have open readers (for tests and diagnostics).
    public var openCount: Int { lock.withLock { opened.count } }
}
