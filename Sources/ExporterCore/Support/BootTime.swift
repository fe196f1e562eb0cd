/// When the machine booted, in seconds since the Unix epoch: the `btime` line of /proc/stat. A
/// process's start time in /proc/PID/stat counts from there.
public enum BootTime {
    /// The `btime` value of a /proc/stat text, or nil when it has none.
    public static func parse(_ procStat: String) -> UInt64? {
        for line in procStat.split(separator: "\n") where line.hasPrefix("btime ") {
            return UInt64(line.dropFirst("btime ".count).trimmingSpaces)
        }
        return nil
    }

    /// Read again at each call, as client_golang does: setting the clock moves it.
    public static var current: UInt64? { readProcText("/proc/stat").flatMap(parse) }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
