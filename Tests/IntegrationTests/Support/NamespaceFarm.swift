import Foundation

/// Many real network namespaces at once (`ip -batch`, a few seconds for hundreds), all named
/// PREFIX-N under /run/netns, deleted at the end: the body of a scrape grows with their number.
final class NamespaceFarm {
    let prefix: String
    let count: Int

    init(_ name: String, count: Int) throws {
        prefix = "\(name)\(getpid())x\(UInt32.random(in: 0...UInt32.max) % 100_000)"
        self.count = count
        try Self.batch((0..<count).map { "netns add \(prefix)-\($0)" })
    }

    deinit { delete() }

    /// The glob that selects every namespace of the farm.
    var pattern: String { "/run/netns/\(prefix)-*" }

    func delete() {
        try? Self.batch((0..<count).map { "netns del \(prefix)-\($0)" })
    }

    private static func batch(_ commands: [String]) throws {
        try Shell.run(["ip", "-force", "-batch", "-"], input: commands.joined(separator: "\n") + "\n")
    }
}
