import Foundation
import TestSupport

/// The real exporter binary, started on a loopback port for one test and stopped with SIGTERM.
final class ExporterProcess {
    private(set) var process = Process()
    private(set) var port: Int
    private(set) var logPath: String
    /// The network namespace the exporter runs in (`ip netns exec`), nil for the test's own.
    let namespace: String?
    /// "https" when the exporter serves TLS (`--web.config.file`).
    let scheme: String

    /// `$EXPORTER_BIN`, or the binary `swift build` put beside the test bundle.
    static var binary: String { BuiltExecutable.path("swarm-ipvs-exporter", unlessSetIn: "EXPORTER_BIN") }

    /// A random port below Linux's ephemeral range (32768 and up), where client connections of
    /// this and other test runs on the machine would otherwise collide with it now and then.
    static func randomPort() -> Int { Int.random(in: 20_000...32_000) }

    /// Starts the exporter and waits until it answers `/` — with `readinessCurlArguments` (a client
    /// certificate, credentials) when it serves TLS or asks for authentication.
    /// - Parameter environment: variables added to the test's own environment (LD_PRELOAD, …).
    /// - Parameter launcher: a command that runs the exporter (`prlimit --nofile=…`), or none.
    /// - Parameter listen: the `--web.listen-address` values for the chosen port; they must include
    ///   one that 127.0.0.1 reaches (`url` asks there).
    init(_ arguments: [String], in namespace: String? = nil, environment: [String: String] = [:],
         scheme: String = "http", readinessCurlArguments: [String] = [], launcher: [String] = [],
         listen: @escaping (Int) -> [String] = { ["127.0.0.1:\($0)"] }) throws {
        self.namespace = namespace
        self.scheme = scheme
        port = Self.randomPort()
        logPath = ""
        // A port another process took meanwhile makes the exporter exit at once: another port.
        for attempt in 1...5 {
            if attempt > 1 { port = Self.randomPort(); process = Process() }
            logPath = FileManager.default.temporaryDirectory.appendingPathComponent("exporter-\(port)-\(UUID().uuidString).log").path
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            let command = [Self.binary] + listen(port).flatMap { ["--web.listen-address", $0] } + arguments
            if let namespace {
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["ip", "netns", "exec", namespace] + launcher + command
            } else if !launcher.isEmpty {
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = launcher + command
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
                if let output = try? Shell.run(curl + ["-s", "-o", "/dev/null", "-w", "%{http_code}"] + readinessCurlArguments + [url("/")], check: false),
                   output.stdout == "200" {
                    // The answer came from this exporter, not from another one on the same port
                    // (its start line is at info level; with a quieter log, its being alive has to do).
                    let quiet = arguments.contains { $0.hasPrefix("--log.level") }
                    if process.isRunning && (quiet || listens(on: port)) { return }
                }
                guard process.isRunning else { break }
                usleep(100_000)
            }
            if !process.isRunning && log.contains("Address already in use") { continue }
            break
        }
        throw Shell.Failure(command: [Self.binary] + arguments, output: .init(status: -1, stdout: "", stderr: "did not start: \(log)"))
    }

    deinit { stop() }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Whether the log says a socket on `port` is listening (`127.0.0.1:PORT`, `:::PORT` for `:PORT`).
    func listens(on port: Int) -> Bool {
        log.split(separator: "\n").contains { $0.contains("listening on ") && $0.contains(":\(port)") }
    }

    func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(port)\(path)" }

    /// curl, run in the exporter's namespace.
    var curl: [String] { (namespace.map { ["ip", "netns", "exec", $0] } ?? []) + ["curl"] }

    /// GET `path` with extra curl arguments: the HTTP status (0 when there was no HTTP answer: the
    /// connection or the TLS handshake was refused), the response headers and the body.
    func get(_ path: String = "/metrics", _ curlArguments: [String] = []) throws -> (status: Int, headers: String, body: Data) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("get-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: scratch + ".h")
            try? FileManager.default.removeItem(atPath: scratch + ".b")
        }
        let output = try Shell.run(curl + ["-s", "-D", scratch + ".h", "-o", scratch + ".b", "-w", "%{http_code}"] + curlArguments + [url(path)],
                                   check: false)
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

    /// The exit status once `stop` has reaped the process itself.
    private var reapedStatus: Int32?

    /// SIGTERM and wait (at most 15 s, then SIGKILL); returns the exit status.
    ///
    /// Polls instead of `waitUntilExit`: Foundation sometimes never notices a child's exit (the
    /// reason `Shell` uses posix_spawn), and then waiting would hang the test. A child it missed is
    /// reaped here.
    @discardableResult
    func stop() -> Int32 {
        if let reapedStatus { return reapedStatus }
        guard process.isRunning else { return process.terminationStatus }
        let pid = process.processIdentifier
        process.terminate()
        let deadline = Date().addingTimeInterval(15)
        var status: Int32 = 0
        while process.isRunning {
            if waitpid(pid, &status, WNOHANG) == pid { break }
            if Date() > deadline {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                break
            }
            usleep(50_000)
        }
        guard process.isRunning else { return process.terminationStatus }
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        reapedStatus = code
        return code
    }
}
