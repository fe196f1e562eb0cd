import Foundation
import Testing

/// The `process_*` series against /proc/PID/stat and /proc/stat, read by the test around each scrape.
@Suite(.enabled(if: Shell.exists("curl") && Shell.exists("getconf"), "needs curl and getconf"))
struct ProcessMetricsTests {
    /// Fields 14 (utime), 15 (stime), 22 (starttime), 23 (vsize) and 24 (rss) of /proc/PID/stat.
    struct Stat {
        let cpuTicks: Int
        let startTicks: Int
        let virtualBytes: Int
        let residentPages: Int

        init(pid: Int32) throws {
            let line = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
            let fields = line[line.index(after: line.lastIndex(of: ")")!)...].split(separator: " ").map { Int($0) ?? -1 }
            func field(_ number: Int) -> Int { fields[number - 3] }
            cpuTicks = field(14) + field(15)
            startTicks = field(22)
            virtualBytes = field(23)
            residentPages = field(24)
        }
    }

    static func getconf(_ name: String) throws -> Int { Int(try Shell.run(["getconf", name]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))! }

    @Test func processSeriesMatchProc() throws {
        let ticks = try Self.getconf("CLK_TCK")
        let pageSize = try Self.getconf("PAGESIZE")
        let procStat = try String(contentsOfFile: "/proc/stat", encoding: .utf8)
        let bootTime = Int(procStat.split(separator: "\n").first { $0.hasPrefix("btime ") }!.split(separator: " ")[1])!
        let exporter = try ExporterProcess(["--namespace-path", "/nonexistent/ingress_sbox", "--no-docker"])
        let pid = exporter.process.processIdentifier
        var sawCPU = false
        for _ in 0..<5 {
            let before = try Stat(pid: pid)
            let series = try exporter.scrape()
            let after = try Stat(pid: pid)
            func number(_ name: String) -> Double { Double(series.value(name, [:]) ?? "") ?? -1 }

            // Read by the exporter between the test's two reads: within their ticks, to the tick.
            let cpuTicks = (number("process_cpu_seconds_total") * Double(ticks)).rounded()
            #expect(Double(before.cpuTicks) <= cpuTicks && cpuTicks <= Double(after.cpuTicks),
                    "process_cpu_seconds_total \(cpuTicks) ticks, /proc says \(before.cpuTicks)…\(after.cpuTicks)")
            sawCPU = sawCPU || cpuTicks > 0

            #expect(number("process_start_time_seconds") == Double(bootTime) + Double(before.startTicks) / Double(ticks),
                    "process_start_time_seconds \(number("process_start_time_seconds")), btime \(bootTime) starttime \(before.startTicks)")

            // Memory moves while the scrape runs: within a tenth of what the test saw around it.
            let resident = number("process_resident_memory_bytes")
            let residentLow = Double(min(before.residentPages, after.residentPages) * pageSize)
            let residentHigh = Double(max(before.residentPages, after.residentPages) * pageSize)
            #expect(resident >= residentLow * 0.9 && resident <= residentHigh * 1.1,
                    "process_resident_memory_bytes \(resident), /proc says \(residentLow)…\(residentHigh)")
            let virtual = number("process_virtual_memory_bytes")
            let virtualLow = Double(min(before.virtualBytes, after.virtualBytes))
            let virtualHigh = Double(max(before.virtualBytes, after.virtualBytes))
            #expect(virtual >= virtualLow * 0.9 && virtual <= virtualHigh * 1.1,
                    "process_virtual_memory_bytes \(virtual), /proc says \(virtualLow)…\(virtualHigh)")
        }
        #expect(sawCPU, "starting and answering five scrapes took some CPU")
    }
}
