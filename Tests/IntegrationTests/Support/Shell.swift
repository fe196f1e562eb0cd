import Foundation

/// Runs external commands (ip, curl, promtool, python3) for the integration tests.
enum Shell {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    struct Failure: Error, CustomStringConvertible {
        let command: [String]
        let output: Output
        var description: String { "\(command.joined(separator: " ")) exited \(output.status): \(output.stderr)" }
    }

    @discardableResult
    static func run(_ arguments: [String], input: String? = nil, check: Bool = true) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        // stdout through a pipe, stderr through a file: neither can fill up and block the command.
        let out = Pipe()
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: errPath)
        let inPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        if let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = Output(status: process.terminationStatus,
                            stdout: String(decoding: stdoutData, as: UTF8.self),
                            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        if check && output.status != 0 { throw Failure(command: arguments, output: output) }
        return output
    }

    static func exists(_ tool: String) -> Bool {
        (try? run(["sh", "-c", "command -v \(tool)"], check: false).status) == 0
    }

    static var isRoot: Bool { getuid() == 0 }
}
