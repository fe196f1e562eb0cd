import Foundation
import Testing
@testable import ExporterCore
import LinuxSystem

@Suite struct NamespaceFileCheckTests {
    static func refusal(_ path: String) -> String? {
        if case .failure(let refusal) = NamespaceFileCheck.check(path: path) { return refusal.description }
        return nil
    }

    @Test func networkNamespacesPassAndEverythingElseIsNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nscheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("file").path
        _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let fifo = directory.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)

        #expect(Self.refusal("/proc/self/ns/net") == nil)
        #expect(Self.refusal(file)?.contains("an ordinary file") == true)
        #expect(Self.refusal(directory.path)?.contains("a directory") == true)
        #expect(Self.refusal(fifo)?.contains("a FIFO") == true, "refused without opening it (that would block)")
        #expect(Self.refusal("/dev/null")?.contains("a character device") == true)
        #expect(Self.refusal("/proc/self/ns/uts")?.contains("of a UTS namespace") == true)
        #expect(Self.refusal(directory.appendingPathComponent("missing").path)?.contains("(ENOENT)") == true)
    }

    @Test func errnoTextsCarryTheirNames() {
        #expect(SystemError(call: "open", errno: EMFILE).description == "open: Too many open files (EMFILE)")
    }
}
