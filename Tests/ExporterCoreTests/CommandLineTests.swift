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
        .duration("interval", default: "15s", help: "x"),
        .integer("port", in: 1...9, placeholder: "N", help: "x"),
        .pattern("only", help: "x"),
        .pattern("except", help: "x"),
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

    @Test func valuesAreConvertedOnceWhenTheConfigurationIsBuilt() throws {
        let good = try CollectorConfiguration(collectorName: "probe", options: ProbeCollector.options,
                                              values: ["fast": ["false"], "interval": ["1m30s"], "port": ["7"], "only": ["eth[0-9]"]])
        #expect(good.flag("fast") == false)
        #expect(good.string("target") == "a", "the default")
        #expect(good.duration("interval") == .seconds(90))
        #expect(good.integer("port") == 7)
        #expect(good.filter(include: "only", exclude: "only").accepts("eth1") == false, "exclude wins")
        #expect(good.filter(include: "only", exclude: "except").accepts("eth1"), "an exclude pattern not given excludes nothing")
        #expect(!good.filter(include: "only", exclude: "except").accepts("lo"))
        let defaults = try CollectorConfiguration(collectorName: "probe", options: ProbeCollector.options)
        #expect(defaults.duration("interval") == .seconds(15))
        #expect(defaults.integer("port") == nil)
    }

    @Test(arguments: [
        (["fast": ["maybe"]], "--collector.probe.fast expects true or false, not \"maybe\""),
        (["interval": ["soon"]], "--collector.probe.interval expects a duration such as 500ms, 15s or 1m, not \"soon\""),
        (["port": ["10"]], "--collector.probe.port expects a whole number from 1 to 9, not \"10\""),
        (["only": ["("]], "--collector.probe.only is not a valid regular expression: expected ')'"),
    ])
    func aValueItsOptionCannotTakeIsRefusedWhenBuilt(values: [String: [String]], message: String) {
        let error = #expect(throws: CollectorConfigurationError.self) {
            try CollectorConfiguration(collectorName: "probe", options: ProbeCollector.options, values: values)
        }
        #expect(error?.description == message)
    }

    /// A single-value option's last value wins (the command line's over the config file's), so an
    /// earlier one is never converted; every value of a repeatable option is kept.
    @Test func onlyTheLastValueOfASingleValueOptionCounts() throws {
        let configuration = try CollectorConfiguration(collectorName: "probe", options: ProbeCollector.options,
                                                       values: ["interval": ["soon", "2s"], "file": ["x=net/a", "y=net/b"]])
        #expect(configuration.duration("interval") == .seconds(2))
        #expect(configuration.strings("file") == ["x=net/a", "y=net/b"])
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
        let filter = NameFilter(include: try NamePattern("lb_.*|ingress_sbox"), exclude: try NamePattern("lb_bad.*"))
        #expect(filter.accepts("ingress_sbox"))
        #expect(filter.accepts("lb_1234"))
        #expect(!filter.accepts("lb_bad1"))
        #expect(!filter.accepts("xingress_sbox"))
        #expect(throws: NamePattern.Invalid.self) { try NamePattern("(") }
        #expect(NameFilter(include: try NamePattern(""), exclude: try NamePattern("")).accepts("anything"), "an empty pattern is unset")
    }
}
