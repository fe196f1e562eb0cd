import Foundation
import PackagePlugin

/// Generates `ExporterVersion.generated.swift` for the executable: the version from the package's
/// VERSION file and the git revision the build comes from ("unknown" outside a git checkout, as in
/// a Docker build context without .git). The git files it reads are the command's inputs, so a
/// new commit regenerates it.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let root = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "ExporterVersion.generated.swift")
        let versionFile = root.appending(path: "VERSION")
        let gitDirectory = root.appending(path: ".git")
        var inputs = [versionFile]
        let head = gitDirectory.appending(path: "HEAD")
        if let text = try? String(contentsOf: head, encoding: .utf8) {
            inputs.append(head)
            if text.hasPrefix("ref: ") {
                let ref = text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)
                let refFile = gitDirectory.appending(path: ref)
                if FileManager.default.fileExists(atPath: refFile.path(percentEncoded: false)) { inputs.append(refFile) }
            }
            let packed = gitDirectory.appending(path: "packed-refs")
            if FileManager.default.fileExists(atPath: packed.path(percentEncoded: false)) { inputs.append(packed) }
        }
        let generator = try context.tool(named: "BuildInfoGenerator")
        return [
            .buildCommand(
                displayName: "Generating the exporter's version and revision",
                executable: generator.url,
                arguments: [output.path(percentEncoded: false), versionFile.path(percentEncoded: false), gitDirectory.path(percentEncoded: false)],
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
