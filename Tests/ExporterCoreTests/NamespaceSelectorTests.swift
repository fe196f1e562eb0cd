import Foundation
import Testing
@testable import ExporterCore

@Suite struct NamespaceSelectorTests {
    @Test func labelsAreBaseNamesUnlessTwoClash() {
        #expect(NamespaceSelector.labels(for: ["/var/run/docker/netns/ingress_sbox", "/run/netns/a", "/x/a"])
                == ["ingress_sbox", "/run/netns/a", "/x/a"])
    }

    @Test func globsAreExpandedFilteredAndLiteralPathsKept() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("selector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["lb_aaa", "lb_bbb", "lb_ccc", "1-abcdef"] {
            _ = FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: nil)
        }
        let selector = NamespaceSelector(
            patterns: [directory.path + "/lb_*", directory.path + "/missing"],
            filter: NameFilter(include: nil, exclude: try NamePattern("lb_bbb")))
        let targets = selector.targets()
        #expect(targets.map(\.label) == ["lb_aaa", "lb_ccc", "missing"])
        #expect(targets.map(\.isLiteral) == [false, false, true])

        // A namespace that appears later is picked up by the next expansion.
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("lb_ddd").path, contents: nil)
        #expect(selector.targets().map(\.label) == ["lb_aaa", "lb_ccc", "lb_ddd", "missing"])
    }

    @Test func aGlobWhoseDirectoryCannotBeReadKeepsItsLastMatches() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("selector-\(UUID().uuidString)")
        let directory = root.appendingPathComponent("netns")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["lb_aaa", "lb_bbb"] {
            _ = FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: nil)
        }
        let selector = NamespaceSelector(patterns: [directory.path + "/lb_*"])
        let first = selector.select()
        #expect(first.targets.map(\.label) == ["lb_aaa", "lb_bbb"])
        #expect(first.unreadable.isEmpty)

        // The directory becomes a symbolic link to itself: opendir fails with ELOOP, a failure
        // that is not "no such directory".
        try FileManager.default.removeItem(at: directory)
        try FileManager.default.createSymbolicLink(atPath: directory.path, withDestinationPath: directory.path)
        let second = selector.select()
        #expect(second.targets.map(\.label) == ["lb_aaa", "lb_bbb"], "the last good expansion stands in")
        #expect(second.unreadable.map(\.error.errno) == [ELOOP])

        // A directory that does not exist matches nothing, as before.
        try FileManager.default.removeItem(at: directory)
        let third = selector.select()
        #expect(third.targets.isEmpty && third.unreadable.isEmpty)
    }
}
