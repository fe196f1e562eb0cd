import Foundation
import Testing

/// Log lines carry values from outside (paths, API answers): whatever they hold, a line stays one
/// line, its fields cannot be forged, and the value reads back as it was.
@Suite(.enabled(if: Shell.exists("curl"), "needs curl"))
struct LogFormatIntegrationTests {
    /// A literal path that does not exist is logged at start with its path as given.
    static let hostilePath = "/nonexistent/a\tb\rc\\d e=\"f\" level=error g\u{7F}"
    /// The same without a space (a value with a space was always quoted).
    static let compactPath = "/nonexistent/t\tr\rb\\s\u{7F}"

    @Test func logfmtQuotesAndEscapesControlCharactersAndBackslashes() throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.hostilePath, "--namespace-path", Self.compactPath,
                                            "--no-docker", "--collectors", "interfaces"])
        let lines = exporter.log.split(separator: "\n").filter { $0.contains("namespace is absent") }
        #expect(lines.count == 2, "\(exporter.log)")
        for line in lines {
            #expect(!line.contains("\t") && !line.contains("\r") && !line.contains("\u{7F}"), "raw control characters in \(line)")
        }
        #expect(lines.contains { $0.contains(#"path="/nonexistent/a\tb\rc\\d e=\"f\" level=error g\u007f""#) }, "\(lines)")
        #expect(lines.contains { $0.contains(#"path="/nonexistent/t\tr\rb\\s\u007f""#) }, "\(lines)")
        // Read back as logfmt, the forged " level=error" stays inside the path's value.
        for line in lines {
            let fields = Self.logfmtFields(String(line))
            #expect(fields.filter { $0.key == "level" }.map(\.value) == ["warn"], "\(fields)")
            let path = fields.first { $0.key == "path" }?.value
            #expect(path == Self.hostilePath || path == Self.compactPath, "\(String(describing: path))")
        }
    }

    /// key=value and key="quoted \"value\"" pairs, with the escapes the exporter writes undone.
    static func logfmtFields(_ line: String) -> [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = []
        var rest = Substring(line)
        while let equals = rest.firstIndex(of: "=") {
            let key = String(rest[..<equals].drop { $0 == " " })
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    guard character == "\\", let escaped = rest.first else { value.append(character); continue }
                    rest = rest.dropFirst()
                    switch escaped {
                    case "t": value.append("\t")
                    case "r": value.append("\r")
                    case "n": value.append("\n")
                    case "u":
                        value.unicodeScalars.append(Unicode.Scalar(UInt32(rest.prefix(4), radix: 16) ?? 0)!)
                        rest = rest.dropFirst(4)
                    default: value.append(escaped)
                    }
                }
                rest = rest.dropFirst()
            } else {
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            fields.append((key, value))
        }
        return fields
    }

    @Test func jsonReadsBackTheValueAsItWas() throws {
        let exporter = try ExporterProcess(["--namespace-path", Self.hostilePath, "--no-docker", "--collectors", "interfaces", "--log.format", "json"])
        let line = try #require(exporter.log.split(separator: "\n").first { $0.contains("namespace is absent") }, "\(exporter.log)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["path"] as? String == Self.hostilePath)
        #expect(object["level"] as? String == "warn")
    }
}
