import Foundation
import Testing

/// README.md must stay true: every metric and every flag the binary has is documented there.
@Suite struct DocumentationTests {
    static let readme: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }()

    @Test func everyMetricIsInTheReadme() throws {
        let list = try Shell.run([ExporterProcess.binary, "--print-metrics"]).stdout
        let names = list.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        #expect(names.count > 10)
        for name in names {
            let documented = Self.readme.contains("`\(name)`")
            #expect(documented, "README.md does not document \(name)")
        }
    }

    @Test func everyFlagIsInTheReadme() throws {
        let help = try Shell.run([ExporterProcess.binary, "--help"]).stdout
        let flags = Set(help.matches(of: /--[a-z][a-z0-9.\-]*/).map { String($0.output) })
        #expect(flags.contains("--web.listen-address"))
        for flag in flags where !flag.hasSuffix(".") && flag != "--collector.<collector>.<option>" {
            let documented = Self.readme.contains("`\(flag)")
            #expect(documented, "README.md does not document \(flag)")
        }
    }
}
