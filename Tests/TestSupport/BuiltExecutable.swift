import Foundation

/// Where `swift build` put one of this package's executables, for tests that run it.
public enum BuiltExecutable {
    /// `$variable` if it is set, else `name` beside the test bundle (or up to two folders above it),
    /// else `.build/debug/name` of this package.
    public static func path(_ name: String, unlessSetIn variable: String) -> String {
        if let path = ProcessInfo.processInfo.environment[variable] { return path }
        var directory = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            directory.deleteLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/\(name)").path
    }
}
