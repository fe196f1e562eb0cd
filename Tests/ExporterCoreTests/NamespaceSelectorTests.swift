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
            filter: try NameFilter(include: nil, exclude: "lb_bbb"))
        let targets = selector.targets()
        #expect(targets.map(\.label) == ["lb_aaa", "lb_ccc", "missing"])
        #expect(targets.map(\.isLiteral) == [false, false, true])

        // A namespace that appears later is picked up by the next expansion.
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("lb_ddd").path, contents: nil)
        #expect(selector.targets().map(\.label) == ["lb_aaa", "lb_ccc", "lb_ddd", "missing"])
    }
}
