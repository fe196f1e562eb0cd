import Logging
import Testing
@testable import ExporterCore

/// A collector that only exists to exercise the registry and the flag parser.
struct ProbeCollector: NamespaceCollector {
    static let name = "probe"
    static let summary = "test"
    static let enabledByDefault = false
    static let flagAliases = ["pr"]
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
        (["--collector.nope.x"], "--collector.nope.x: unknown collector \"nope\"; valid collectors: default-one, probe"),
        (["--collector.probe.nope"], "has no option \"nope\""),
        (["--collector.probe.target"], "needs a value"),
        (["--collector.nope"], "--collector.nope: unknown collector \"nope\"; valid collectors: default-one, probe"),
        (["--no-collector.nope"], "--no-collector.nope: unknown collector \"nope\"; valid collectors: default-one, probe"),
        (["--collector."], "unknown collector \"\""),
        (["--collector.probe=maybe"], "--collector.probe=maybe: expects true or false, or no value"),
        (["--no-collector.probe=true"], "--no-collector.probe=true: --no-collector.<collector> takes no value"),
        (["--no-collector.probe.fast"], "an option is turned off with --collector.<collector>.<option>=false"),
        (["--collector.probe", "--no-collector.probe"], "--collector.probe and --no-collector.probe contradict each other; give one of them"),
        (["--no-collector.pr", "--collector.probe=true"], "--no-collector.pr and --collector.probe=true contradict each other"),
        (["--collector.disable-defaults", "--no-collector.disable-defaults"], "--collector.disable-defaults and --no-collector.disable-defaults contradict"),
    ])
    func rejectsWithAClearMessage(arguments: [String], fragment: String) {
        do {
            _ = try CollectorFlagParser(registry: registry).parse(arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func togglesAreSplitOffAndNeverTakeTheNextArgument() throws {
        let result = try CollectorFlagParser(registry: registry).parse([
            "--collector.probe", "--log.level=debug", "--no-collector.default-one", "--collector.disable-defaults", "false",
        ])
        #expect(result.remaining == ["--log.level=debug", "false"])
        #expect(result.values.isEmpty)
        #expect(result.toggles.settings[.collector("probe")] == .init(on: true, argument: "--collector.probe"))
        #expect(result.toggles.settings[.collector("default-one")] == .init(on: false, argument: "--no-collector.default-one"))
        #expect(result.toggles.settings[.disableDefaults]?.on == true)
        #expect(result.toggles.arguments == ["--collector.disable-defaults", "--collector.probe", "--no-collector.default-one"])
    }

    @Test(arguments: [
        ([], ["default-one"]),
        (["--collector.probe"], ["default-one", "probe"]),
        (["--collector.probe=true"], ["default-one", "probe"]),
        (["--collector.probe=false"], ["default-one"]),
        (["--no-collector.default-one"], []),
        (["--collector.default-one=no"], []),
        (["--collector.disable-defaults"], []),
        (["--collector.disable-defaults", "--collector.probe"], ["probe"]),
        (["--collector.probe", "--collector.disable-defaults"], ["probe"]),
        (["--collector.disable-defaults=false", "--collector.probe"], ["default-one", "probe"]),
        (["--no-collector.disable-defaults"], ["default-one"]),
        (["--collector.disable-defaults", "--collector.default-one", "--no-collector.probe"], ["default-one"]),
        (["--collector.probe", "--collector.probe"], ["default-one", "probe"]),
        (["--collector.pr"], ["default-one", "probe"]),
    ])
    func togglesChangeTheDefaultSet(arguments: [String], expected: [String]) throws {
        let toggles = try CollectorFlagParser(registry: registry).parse(arguments).toggles
        #expect(toggles.select(from: registry).map { $0.name } == expected, "\(arguments)")
    }

    /// The alias is another spelling of the same collector, for options as for toggles.
    @Test func anAliasSpellsTheSameCollector() throws {
        let result = try CollectorFlagParser(registry: registry).parse(["--collector.pr.fast", "--collector.probe.target=b", "--collector.pr.target", "c"])
        #expect(result.values["probe"]?["fast"] == ["true"])
        #expect(result.values["probe"]?["target"] == ["b", "c"])
        #expect(result.values["pr"] == nil)
        #expect(registry.type(flagSpelling: "pr")?.name == "probe")
        #expect(registry.type(flagSpelling: "default-one")?.name == "default-one")
        #expect(registry.type(flagSpelling: "disable-defaults") == nil)
    }

    /// The config file's flags come first; the command line's toggle for the same collector takes
    /// their place, the others stay; values add up in order.
    @Test func theCommandLineOverridesTheFilesToggles() throws {
        let parser = CollectorFlagParser(registry: registry)
        var file = try parser.parse(["--collector.disable-defaults=true", "--collector.probe=true", "--collector.probe.file=a=net/a"])
        file.toggles = file.toggles.attributed(to: "from --config.file c.yml")
        let merged = file.followed(by: try parser.parse(["--no-collector.probe", "--collector.default-one", "--collector.probe.file", "b=net/b", "-x"]))
        #expect(merged.remaining == ["-x"])
        #expect(merged.values["probe"]?["file"] == ["a=net/a", "b=net/b"])
        #expect(merged.toggles.select(from: registry).map { $0.name } == ["default-one"])
        #expect(merged.toggles.settings[.disableDefaults]?.argument == "--collector.disable-defaults=true (from --config.file c.yml)")
        #expect(merged.toggles.settings[.collector("probe")]?.argument == "--no-collector.probe")
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
