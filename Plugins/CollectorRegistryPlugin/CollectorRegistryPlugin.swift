import Foundation
import PackagePlugin

/// Generates `CollectorRegistry.generated.swift` for the target it is attached to: the list of every
/// type in that target's sources that conforms to one of the collector protocols. Adding a collector
/// is one new folder with one type; this plugin finds it on the next build.
@main
struct CollectorRegistryPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        guard let sourceTarget = target as? SourceModuleTarget else { return [] }
        let sources = sourceTarget.sourceFiles(withSuffix: "swift").map(\.url)
        let output = context.pluginWorkDirectoryURL.appending(path: "CollectorRegistry.generated.swift")
        let generator = try context.tool(named: "CollectorRegistryGenerator")
        return [
            .buildCommand(
                displayName: "Generating the collector registry of \(target.name)",
                executable: generator.url,
                arguments: [output.path(percentEncoded: false)] + sources.map { $0.path(percentEncoded: false) },
                inputFiles: sources,
                outputFiles: [output]
            )
        ]
    }
}
