import Logging
import Testing
@testable import ExporterCore

/// A collector that only exists to exercise the registry and the flag parser.
struct ProbeCollector: NamespaceCollector {
    static let name = "probe"
    static let summary = "test"
    static let enabledByDefault = false
    static let options: [CollectorOption] = [
        .flag("fast", help: "x"),
        .value("target", placeholder: "HOST", default: "a", help: "x"),
        .repeated("file", placeholder: "NAME=PATH", help: "x"),
        .value("interval", placeholder: "DURATION", default: "15s", help: "x"),
    ]
    static let metrics: [MetricDescriptor] = []
    init(configuration: CollectorConfiguration, environment: CollectorEnvironment) throws {}
    func open(in namespace: NamespaceDescription) throws -> any NamespaceReader { fatalError("not used") }
}

struct DefaultCollector: NamespaceCollector {
    static let name = "default-one"
    static let summary = "test"
    static let enabledByDefault = true
    static let metrics: [MetricDescriptor] = []
    init(configuration: CollectorConfiguration, environment: CollectorEnvironment) throws {}
    func open(in namespace: NamespaceDescription) throws -> any NamespaceReader { fatalError("not used") }
}

@Suite struct CollectorFlagParserTests {
    let registry = CollectorRegistry(types: [ProbeCollector.self, DefaultCollector.self])

    @Test func splitsCollectorFlagsFromTheRest() throws {
        let result = try CollectorFlagParser(registry: registry).parse([
            "--web.listen-address", ":1", "--collector.probe.fast", "--collector.probe.target", "b",
            "--collector.probe.file=x=net/a", "--collector.probe.file", "y=net/b", "--log.level=debug",
        ])
        #expect(result.remaining == ["--web.listen-address", ":1", "--log.level=debug"])
        #expect(result.values["probe"]?["fast"] == ["true"])
        #expect(result.values["probe"]?["target"] == ["b"])
        #expect(result.values["probe"]?["file"] == ["x=net/a", "y=net/b"])
    }

    @Test(arguments: [
        (["--collector.nope.x"], "unknown collector \"nope\""),
        (["--collector.probe.nope"], "has no option \"nope\""),
        (["--collector.probe"], "--collector.<collector>.<option>"),
        (["--collector.probe.target"], "needs a value"),
    ])
    func rejectsWithAClearMessage(arguments: [String], fragment: String) {
        do {
            _ = try CollectorFlagParser(registry: registry).parse(arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(error.description.contains(fragment))
        }
    }

    @Test func typedAccessorsValidateValues() throws {
        let good = CollectorConfiguration(collectorName: "probe", options: ProbeCollector.options,
                                          values: ["fast": ["false"], "interval": ["1m30s"]])
        #expect(try good.flag("fast") == false)
        #expect(try good.string("target") == "a")
        #expect(try good.duration("interval") == .seconds(90))
        let bad = CollectorConfiguration(collectorName: "probe", options: ProbeCollector.options,
                                         values: ["fast": ["maybe"], "interval": ["soon"]])
        #expect(throws: CollectorConfigurationError.self) { try bad.flag("fast") }
        #expect(throws: CollectorConfigurationError.self) { try bad.duration("interval") }
    }

    @Test func registrySelectsDefaultsOrTheNamedOnes() throws {
        #expect(try registry.select(nil).map { $0.name } == ["default-one"])
        #expect(try registry.select("probe, default-one,probe").map { $0.name } == ["probe", "default-one"])
        #expect(throws: UnknownCollectorError.self) { try registry.select("probe,ipvsx") }
        let error = #expect(throws: UnknownCollectorError.self) { try registry.select("ipvsx") }
        #expect(error?.description == "unknown collector \"ipvsx\"; valid collectors: default-one, probe")
    }
}

@Suite struct DurationAndFilterTests {
    @Test(arguments: [("15s", 15.0), ("500ms", 0.5), ("1m30s", 90.0), ("2h", 7200.0), ("1.5", 1.5), ("0", 0.0)])
    func parsesDurations(text: String, seconds: Double) {
        #expect(DurationParser.parse(text)?.seconds == seconds)
    }

    @Test(arguments: ["", "s", "10x", "-1s", "1s2", "inf", "nan", "1 s"])
    func rejectsBadDurations(text: String) {
        #expect(DurationParser.parse(text) == nil)
    }

    @Test func excludeWinsAndPatternsAreAnchored() throws {
        let filter = try NameFilter(include: "lb_.*|ingress_sbox", exclude: "lb_bad.*")
        #expect(filter.accepts("ingress_sbox"))
        #expect(filter.accepts("lb_1234"))
        #expect(!filter.accepts("lb_bad1"))
        #expect(!filter.accepts("xingress_sbox"))
        #expect(throws: NameFilter.InvalidPattern.self) { try NameFilter(include: "(", exclude: nil) }
    }
}
