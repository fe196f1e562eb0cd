#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import YAMLReader

@Suite struct ConfigurationFileTests {
    /// A fresh directory under /tmp (the test removes what it put there).
    static func scratchDirectory() throws -> String {
        var template = Array("/tmp/yaml-reader-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        try #require(made != nil)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func store(_ bytes: [UInt8], to path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(descriptor >= 0)
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    static func failure(_ path: String) -> String? {
        do {
            _ = try ConfigurationFile.read(path)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func readsAFileAndSaysWhyItCannot() throws {
        let folder = try Self.scratchDirectory()
        defer {
            for name in ["ok.yml", "big.yml", "latin1.yml", "fifo"] { unlink(folder + "/" + name) }
            rmdir(folder)
        }
        Self.store(Array("a: 1\n".utf8), to: folder + "/ok.yml")
        #expect(try ConfigurationFile.read(folder + "/ok.yml") == "a: 1\n")
        #expect(try ConfigurationFile.read("/dev/null") == "")
        #expect(Self.failure(folder + "/missing.yml") == "No such file or directory")
        #expect(Self.failure(folder) == "it is a directory")
        #expect(mkfifo(folder + "/fifo", 0o600) == 0)
        #expect(Self.failure(folder + "/fifo") == "it is a pipe or socket, not a file")
        Self.store([UInt8](repeating: 0x61, count: ConfigurationFile.maximumSize + 1), to: folder + "/big.yml")
        #expect(Self.failure(folder + "/big.yml")?.contains("larger than 4 MiB") == true)
        Self.store([0x61, 0x3A, 0x20, 0xE9, 0x0A], to: folder + "/latin1.yml")
        #expect(Self.failure(folder + "/latin1.yml") == "not UTF-8 text")
    }

    @Test func folderOfAPath() {
        #expect(ConfigurationFile.folder(of: "web.yml") == "")
        #expect(ConfigurationFile.folder(of: "conf/web.yml") == "conf")
        #expect(ConfigurationFile.folder(of: "/etc/exporter/web.yml") == "/etc/exporter")
        #expect(ConfigurationFile.folder(of: "/web.yml") == "/")
    }
}
