import Foundation

// Usage: BuildInfoGenerator OUTPUT VERSION_FILE GIT_DIR
// Writes `enum ExporterVersion { version, revision }` for the executable target.

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: BuildInfoGenerator OUTPUT VERSION_FILE GIT_DIR\n".utf8))
    exit(2)
}
let (outputPath, versionPath, gitDirectory) = (arguments[1], arguments[2], arguments[3])

func read(_ path: String) -> String? {
    (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
}

let version = read(versionPath) ?? "0.0.0-unknown"

/// The commit HEAD points at, from the loose ref or packed-refs; nil when there is no checkout.
func revision() -> String? {
    guard let head = read(gitDirectory + "/HEAD") else { return nil }
    guard head.hasPrefix("ref: ") else { return head.isEmpty ? nil : head }
    let ref = String(head.dropFirst(5))
    if let loose = read(gitDirectory + "/" + ref), !loose.isEmpty { return loose }
    for line in (read(gitDirectory + "/packed-refs") ?? "").split(separator: "\n") {
        let parts = line.split(separator: " ")
        if parts.count == 2, parts[1] == ref { return String(parts[0]) }
    }
    return nil
}

let environmentRevision = ProcessInfo.processInfo.environment["SWARM_IPVS_EXPORTER_REVISION"]
let resolved = environmentRevision ?? revision().map { String($0.prefix(12)) } ?? "unknown"

func literal(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

let text = """
// Generated at build time by BuildInfoGenerator (Plugins/BuildInfoPlugin). Do not edit.
enum ExporterVersion {
    static let version = \(literal(version))
    static let revision = \(literal(resolved))
}

"""
if read(outputPath).map({ $0 + "\n" }) != text {
    do {
        try text.write(toFile: outputPath, atomically: true, encoding: .utf8)
    } catch {
        FileHandle.standardError.write(Data("BuildInfoGenerator: cannot write \(outputPath): \(error)\n".utf8))
        exit(1)
    }
}
