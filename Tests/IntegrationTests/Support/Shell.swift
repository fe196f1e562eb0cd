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

    /// Runs a command to its end. posix_spawn and waitpid rather than Foundation's Process: the
    /// latter sometimes never noticed the exit of a shell that left a server running in the
    /// background (the child stayed a zombie and the test hung).
    @discardableResult
    static func run(_ arguments: [String], input: String? = nil, check: Bool = true) throws -> Output {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("shell-\(UUID().uuidString)").path
        defer { for suffix in [".in", ".out", ".err"] { try? FileManager.default.removeItem(atPath: base + suffix) } }
        try (input ?? "").write(toFile: base + ".in", atomically: false, encoding: .utf8)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, base + ".in", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // The test's threads block most signals, and a spawned process inherits that mask: a
        // server started in the background would then ignore SIGTERM and outlive the test. The
        // child starts with nothing blocked and default handlers instead.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var nothing = sigset_t()
        sigemptyset(&nothing)
        var everything = sigset_t()
        sigfillset(&everything)
        posix_spawnattr_setsigmask(&attributes, &nothing)
        posix_spawnattr_setsigdefault(&attributes, &everything)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw Failure(command: arguments, output: Output(status: -1, stdout: "", stderr: String(cString: strerror(spawned))))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7F == 0
        let output = Output(status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F),
                            stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                            stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
        if check && output.status != 0 { throw Failure(command: arguments, output: output) }
        return output
    }

    static func exists(_ tool: String) -> Bool {
        (try? run(["sh", "-c", "command -v \(tool)"], check: false).status) == 0
    }

    static var isRoot: Bool { getuid() == 0 }
}
