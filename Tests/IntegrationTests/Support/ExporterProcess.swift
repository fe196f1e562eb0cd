import Foundation

/// The real exporter binary, started on a loopback port for one test and stopped with SIGTERM.
final class ExporterProcess {
    let process = Process()
    let port: Int
    let logPath: String
    /// The network namespace the exporter runs in (`ip netns exec`), nil for the test's own.
    let namespace: String?

    /// `$EXPORTER_BIN`, or the binary `swift build` put beside the test bundle.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["EXPORTER_BIN"] { return path }
        var directory = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("swarm-ipvs-exporter")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            directory.deleteLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/swarm-ipvs-exporter").path
    }

    /// - Parameter environment: variables added to the test's own environment (LD_PRELOAD, …).
    init(_ arguments: [String], in namespace: String? = nil, environment: [String: String] = [:]) throws {
        self.namespace = namespace
        port = Int.random(in: 20_000...40_000)
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("exporter-\(port)-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let command = [Self.binary, "--web.listen-address", "127.0.0.1:\(port)"] + arguments
        if let namespace {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["ip", "netns", "exec", namespace] + command
        } else {
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = Array(command.dropFirst())
        }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = FileHandle(forWritingAtPath: logPath)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let output = try? Shell.run(curl + ["-s", "-o", "/dev/null", "-w", "%{http_code}", url("/")], check: false), output.stdout == "200" {
                return
            }
            guard process.isRunning else { break }
            usleep(100_000)
        }
        throw Shell.Failure(command: [Self.binary] + arguments, output: .init(status: -1, stdout: "", stderr: "did not start: \(log)"))
    }

    deinit { stop() }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// curl, run in the exporter's namespace.
    var curl: [String] { (namespace.map { ["ip", "netns", "exec", $0] } ?? []) + ["curl"] }

    /// GET `path` with extra curl arguments: the HTTP status, the response headers and the body.
    func get(_ path: String = "/metrics", _ curlArguments: [String] = []) throws -> (status: Int, headers: String, body: Data) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("get-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: scratch + ".h")
            try? FileManager.default.removeItem(atPath: scratch + ".b")
        }
        let output = try Shell.run(curl + ["-s", "-D", scratch + ".h", "-o", scratch + ".b", "-w", "%{http_code}"] + curlArguments + [url(path)])
        let headers = (try? String(contentsOfFile: scratch + ".h", encoding: .utf8)) ?? ""
        let body = FileManager.default.contents(atPath: scratch + ".b") ?? Data()
        return (Int(output.stdout) ?? 0, headers, body)
    }

    func scrapeText() throws -> String {
        let response = try get()
        guard response.status == 200 else {
            throw Shell.Failure(command: ["GET /metrics"], output: .init(status: Int32(response.status), stdout: "", stderr: log))
        }
        return String(decoding: response.body, as: UTF8.self)
    }

    func scrape() throws -> [Series] { Exposition.parse(try scrapeText()) }

    /// The resident set size of the exporter, in kB (VmRSS of /proc/PID/status).
    var residentKilobytes: Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? -1
    }

    /// Open descriptors of the exporter (entries of /proc/PID/fd).
    var openDescriptors: Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count) ?? -1
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }
}
