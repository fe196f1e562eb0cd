import Foundation

// Usage: CollectorRegistryGenerator OUTPUT SOURCE...
//
// Reads the Swift sources of the collectors target and writes a file that lists every type whose
// declaration names `NamespaceCollector` or `GlobalCollector` among its conformances. The scan is
// textual on purpose: it runs inside the build, before the module is compiled.

let arguments = CommandLine.arguments.dropFirst()
guard let outputPath = arguments.first else {
    FileHandle.standardError.write(Data("usage: CollectorRegistryGenerator OUTPUT SOURCE...\n".utf8))
    exit(2)
}

let declaration = try Regex(
    #"(?m)^\s*(?:(?:public|package|internal|fileprivate|private|final|open)\s+)*(?:struct|class|enum|actor)\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{]*)\{"#
)
let collectorProtocols: Set<String> = ["NamespaceCollector", "GlobalCollector"]

var found: [(type: String, file: String)] = []
for path in arguments.dropFirst().sorted() {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        FileHandle.standardError.write(Data("CollectorRegistryGenerator: cannot read \(path)\n".utf8))
        exit(1)
    }
    for match in text.matches(of: declaration) {
        guard let typeName = match.output[1].substring, let inherits = match.output[2].substring else { continue }
        // `ExporterCore.NamespaceCollector` counts as `NamespaceCollector`.
        let conformances = inherits.split(separator: ",").map {
            ($0.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").first.map(String.init) ?? "")
                .split(separator: ".").last.map(String.init) ?? ""
        }
        if conformances.contains(where: collectorProtocols.contains) {
            found.append((String(typeName), URL(fileURLWithPath: path).lastPathComponent))
        }
    }
}

var out = """
// Generated at build time by CollectorRegistryGenerator (Plugins/CollectorRegistryPlugin).
// Do not edit: add a collector by adding a type that conforms to NamespaceCollector or GlobalCollector.
public import ExporterCore

extension CollectorRegistry {
    /// Every collector type compiled into this binary, in name order of their source files.
    public static let builtIn = CollectorRegistry(types: [

"""
for entry in found.sorted(by: { $0.type < $1.type }) {
    out += "        \(entry.type).self, // \(entry.file)\n"
}
out += """
    ])
}

"""

let existing = try? String(contentsOfFile: outputPath, encoding: .utf8)
if existing != out {
    do {
        try out.write(toFile: outputPath, atomically: true, encoding: .utf8)
    } catch {
        FileHandle.standardError.write(Data("CollectorRegistryGenerator: cannot write \(outputPath): \(error)\n".utf8))
        exit(1)
    }
}
