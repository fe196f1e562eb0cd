public import ExporterCore
public import Logging

/// A namespace collector that records one constant per namespace: a second collector beside
/// `ScriptedCollector`, so a test can tell which collectors a scrape ran (`collect[]`).
public struct ConstantCollector: NamespaceCollector {
    public static let name = "constant"
    public static let summary = "test collector"
    public static let enabledByDefault = true
    public static let value = MetricDescriptor.gauge("test_constant", "Always 7.")
    public static let metrics = [value]

    public init() {}

    public init(configuration: CollectorConfiguration, environment: CollectorEnvironment) {}

    public func open(in namespace: NamespaceDescription) throws -> any NamespaceReader { Reader() }

    private final class Reader: NamespaceReader {
        func collect(into sink: inout MetricSink, logger: Logger) throws {
            sink.add(ConstantCollector.value, [], UInt64(7))
        }
    }
}

/// A global collector that records one constant.
public struct ConstantGlobalCollector: GlobalCollector {
    public static let name = "constant-global"
    public static let summary = "test collector"
    public static let enabledByDefault = true
    public static let value = MetricDescriptor.gauge("test_global_constant", "Always 3.")
    public static let metrics = [value]

    public init() {}

    public init(configuration: CollectorConfiguration, environment: CollectorEnvironment) {}

    public func collect(into sink: inout MetricSink) async throws {
        sink.add(ConstantGlobalCollector.value, [], UInt64(3))
    }
}
