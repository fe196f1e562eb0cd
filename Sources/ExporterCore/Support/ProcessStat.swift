#if canImport(Glibc)
import Glibc
#endif

/// The exporter's own CPU time, memory and start as /proc/self/stat gives them (proc(5)), read the
/// way client_golang's process collector reads them, so its `process_*` series mean the same here.
public struct ProcessStat: Sendable, Equatable {
    /// User plus system time, in clock ticks (fields 14 and 15, utime and stime).
    public let cpuTicks: UInt64
    /// When the process started, in clock ticks after boot (field 22, starttime).
    public let startTicks: UInt64
    /// Virtual memory size in bytes (field 23, vsize).
    public let virtualBytes: UInt64
    /// Resident set size in pages (field 24, rss).
    public let residentPages: UInt64

    /// Parses one line of /proc/PID/stat. The command name (field 2) sits in parentheses and may
    /// itself hold spaces and parentheses, so fields are counted from the last ')'.
    public init?(line: String) {
        guard let close = line.lastIndex(of: ")") else { return nil }
        // fields[0] is field 3 (state), so field N of proc(5) is fields[N - 3].
        let fields = line[line.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        func field(_ number: Int) -> UInt64? {
            guard fields.count > number - 3 else { return nil }
            let text = fields[number - 3]
            // rss is signed in the kernel's format; a negative value is no size at all.
            if text.hasPrefix("-") { return Int64(text) != nil ? 0 : nil }
            return UInt64(text)
        }
        guard let utime = field(14), let stime = field(15), let start = field(22),
              let vsize = field(23), let rss = field(24) else { return nil }
        cpuTicks = utime + stime
        startTicks = start
        virtualBytes = vsize
        residentPages = rss
    }

    /// This process's figures now, or nil when /proc/self/stat cannot be read.
    public static var current: ProcessStat? {
        readProcText("/proc/self/stat").flatMap { ProcessStat(line: $0) }
    }

    /// Clock ticks per second (`getconf CLK_TCK`, 100 on Linux).
    public static let ticksPerSecond = UInt64(max(1, sysconf(Int32(_SC_CLK_TCK))))
    /// Bytes per page, for the resident set size.
    public static let pageSize = UInt64(max(1, sysconf(Int32(_SC_PAGESIZE))))

    public var cpuSeconds: Double { Double(cpuTicks) / Double(Self.ticksPerSecond) }
    public var residentBytes: UInt64 { residentPages * Self.pageSize }

    /// Seconds since the Unix epoch at which the process started, given the boot time.
    public func startTimeSeconds(bootTime: UInt64) -> Double {
        Double(bootTime) + Double(startTicks) / Double(Self.ticksPerSecond)
    }
}
