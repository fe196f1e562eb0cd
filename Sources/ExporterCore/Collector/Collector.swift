public import Logging

/// A module that turns some part of the kernel's state into metric families.
///
/// Conform through `NamespaceCollector` (reads every network namespace) or `GlobalCollector`
/// (reads state the exporter keeps itself, once per scrape). The build-tool plugin lists every
/// conforming type of the `Collectors` target in `CollectorRegistry.builtIn`: a new collector is one
/// new folder with one type and no edit anywhere else.
public protocol Collector: Sendable {
    /// The name used by `--collectors`, `--collector.<name>`, `--no-collector.<name>`,
    /// `--collector.<name>.<option>` and the `collect[]` URL parameter.
    static var name: String { get }
    /// One line for `--help`.
    static var summary: String { get }
    /// Whether the collector runs unless the command line chooses otherwise.
    static var enabledByDefault: Bool { get }
    /// The collector's own flags, spelled `--collector.<name>.<option>` on the command line.
    static var options: [CollectorOption] { get }
    /// Other spellings of the name after `--collector.` and `--no-collector.`, kept so that
    /// command lines written before a rename go on working (`dial-latency` was `dial` there).
    static var flagAliases: [String] { get }
    /// Every family the collector may emit (documentation and `--print-metrics` come from here).
    static var metrics: [MetricDescriptor] { get }

    /// Makes a collector from its parsed options. Throw `CollectorConfigurationError` for bad values.
    init(configuration: CollectorConfiguration, environment: CollectorEnvironment) throws
}

extension Collector {
    public static var options: [CollectorOption] { [] }
    public static var flagAliases: [String] { [] }
}

/// A collector that reads each network namespace through handles opened inside it.
///
/// `open(in:)` runs on a dedicated thread that has joined the namespace and exits afterwards:
/// that is the only place to open sockets and files that must belong to the namespace. The reader
/// it returns is kept and asked to `collect` on every scrape from some other thread, so it must not
/// depend on the calling thread's namespace (netlink sockets and files under /proc/thread-self/
/// opened in `open` keep pointing at the namespace they were opened in).
public protocol NamespaceCollector: Collector {
    func open(in namespace: NamespaceDescription) throws -> any NamespaceReader
}

/// What a namespace collector keeps open inside one namespace. Closed when released (deinit).
///
/// The core never calls `collect` on one reader from two threads at once.
public protocol NamespaceReader: AnyObject {
    /// Reads the namespace's current state into `sink`. The core adds the `netns` label.
    /// Throwing marks this collector as failed for this namespace in this scrape.
    func collect(into sink: inout MetricSink, logger: Logger) throws
}

/// A collector whose state is not per namespace (probes that run on their own timer).
public protocol GlobalCollector: Collector {
    /// False when the collector has nothing to do with its options (no target configured): it is
    /// then left out of scrapes entirely, success metric included. The default is true.
    var isActive: Bool { get }
    /// Background work (probe loops) until the task is cancelled. The default does nothing.
    func run() async throws
    /// Reads the accumulated state. Must be quick: scrapes never wait for probes.
    func collect(into sink: inout MetricSink) async throws
}

extension GlobalCollector {
    public var isActive: Bool { true }
    public func run() async throws {}
}

/// What the core hands to every collector when it is made: a logger, and whatever the executable
/// keeps for collectors that the core knows nothing of (a directory of names refreshed in the
/// background, say), each under a key its module declares (`CollectorEnvironmentKey`).
public struct CollectorEnvironment: Sendable {
    public var logger: Logger
    private var values: [ObjectIdentifier: any Sendable] = [:]

    public init(logger: Logger) {
        self.logger = logger
    }

    /// The value set for `key`, or its default when none was.
    public subscript<Key: CollectorEnvironmentKey>(key: Key.Type) -> Key.Value {
        get { values[ObjectIdentifier(key)] as? Key.Value ?? Key.defaultValue }
        set { values[ObjectIdentifier(key)] = newValue }
    }
}

/// Names one value of `CollectorEnvironment`; the module that defines the value declares the key
/// (and usually a property on `CollectorEnvironment` that reads it).
public protocol CollectorEnvironmentKey {
    associatedtype Value: Sendable
    static var defaultValue: Value { get }
}

/// The namespace a reader is being opened in.
public struct NamespaceDescription: Sendable, Hashable {
    /// The nsfs file (for example `/run/netns/blue` or `/proc/1/ns/net`).
    public let path: String
    /// The `netns` label value of its series.
    public let label: String
    public let identity: NamespaceIdentity

    public init(path: String, label: String, identity: NamespaceIdentity) {
        self.path = path
        self.label = label
        self.identity = identity
    }
}
