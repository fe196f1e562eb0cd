public import ExporterCore
import Foundation
public import Logging

/// What the readers of a `ScriptedCollector` do, namespace by namespace (by `netns` label): record
/// the inode of the namespace they were opened in, then fail with a reason, or block until
/// `release()`. It counts the readers alive, so a test sees readers closed.
public final class CollectorScript: @unchecked Sendable {
    private let condition = NSCondition()
    private var failures: [String: String] = [:]
    private var blocked: Set<String> = []
    private var readers = 0

    public init() {}

    /// Readers in namespace `label` record their sample, then throw `reason` (nil: succeed).
    public func fail(_ label: String, _ reason: String?) {
        condition.withLock { failures[label] = reason }
    }

    /// Readers in namespace `label` block in `collect` until `release()`, or at most `limit`: a
    /// scrape that waited for them would then end with their sample and success, and fail its
    /// test rather than hang it.
    public func block(_ label: String, atMost limit: Duration = .seconds(600)) {
        condition.withLock { _ = blocked.insert(label) }
        let (seconds, attoseconds) = limit.components
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(Int(seconds)) + .nanoseconds(Int(attoseconds / 1_000_000_000))) { [self] in
            release(label)
        }
    }

    /// Lets the readers of `label` go on, or of every blocked namespace when nil.
    public func release(_ label: String? = nil) {
        condition.withLock {
            if let label { blocked.remove(label) } else { blocked = [] }
            condition.broadcast()
        }
    }

    /// Readers not yet closed.
    public var readersAlive: Int { condition.withLock { readers } }


    fileprivate func opened() { condition.withLock { readers += 1 } }
    fileprivate func closed() { condition.withLock { readers -= 1 } }

    /// Blocks while `label` is blocked, as a reader there does.
    public func wait(_ label: String) {
        condition.withLock {
            while blocked.contains(label) { condition.wait() }
        }
    }

    fileprivate func collect(_ label: String) -> String? {
        wait(label)
        return condition.withLock { failures[label] }
    }
}

public struct ScriptedFailure: Error, CustomStringConvertible {
    public let description: String
}

/// A namespace collector whose readers follow a `CollectorScript`.
public struct ScriptedCollector: NamespaceCollector {
    public static let name = "scripted"
    public static let summary = "test collector"
    public static let enabledByDefault = true
    public static let inode = MetricDescriptor.gauge("test_namespace_inode", "The inode of the namespace the reader was opened in.")
    public static let metrics = [inode]

    public let script: CollectorScript

    public init(script: CollectorScript) {
        self.script = script
    }

    public init(configuration: CollectorConfiguration, environment: CollectorEnvironment) {
        self.init(script: CollectorScript())
    }

    public func open(in namespace: NamespaceDescription) throws -> any NamespaceReader {
        Reader(namespace: namespace, script: script)
    }

    private final class Reader: NamespaceReader {
        let namespace: NamespaceDescription
        let script: CollectorScript

        init(namespace: NamespaceDescription, script: CollectorScript) {
            self.namespace = namespace
            self.script = script
            script.opened()
        }

        deinit { script.closed() }

        func collect(into sink: inout MetricSink, logger: Logger) throws {
            let failure = script.collect(namespace.label)
            sink.add(ScriptedCollector.inode, [], namespace.identity.inode)
            if let failure { throw ScriptedFailure(description: failure) }
        }
    }
}
