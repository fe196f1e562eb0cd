import ExporterCore
import Testing

@Suite struct ProcessStatTests {
    /// A command name with spaces and parentheses must not shift the fields after it.
    @Test func fieldsAreCountedFromTheLastParenthesis() throws {
        let line = "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 3 4 20 0 9 0 987654 812345344 5120 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n"
        let stat = try #require(ProcessStat(line: line))
        #expect(stat.cpuTicks == 325)
        #expect(stat.startTicks == 987654)
        #expect(stat.virtualBytes == 812345344)
        #expect(stat.residentPages == 5120)
        #expect(stat.residentBytes == 5120 * ProcessStat.pageSize)
        #expect(stat.startTimeSeconds(bootTime: 1_700_000_000) == 1_700_000_000 + 987654 / Double(ProcessStat.ticksPerSecond))
    }

    @Test func aTruncatedLineIsNoStat() {
        #expect(ProcessStat(line: "4242 (exporter) S 1 4242 4242 0 -1 4194560 100 0 0 0 250") == nil)
        #expect(ProcessStat(line: "no parenthesis at all") == nil)
    }

    @Test func bootTimeIsTheBtimeLine() {
        #expect(BootTime.parse("cpu  1 2 3\nintr 5\nctxt 99\nbtime 1764600000\nprocesses 12\n") == 1_764_600_000)
        #expect(BootTime.parse("cpu  1 2 3\n") == nil)
    }
}
