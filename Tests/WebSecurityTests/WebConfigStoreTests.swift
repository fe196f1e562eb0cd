import Foundation
import Logging
import Testing
@testable import WebSecurity

/// Reloading on change, keeping the last good file (basic auth only: the TLS side is exercised with
/// real certificates and curl in the integration tests).
@Suite struct WebConfigStoreTests {
    static let first = "$2y$04$tLso7Ae9emO3i25NbBHFledHaLy1paO2pF7D/pxvIzTDvc1l2KQGO"  // "correct horse"
    static let second = "$2b$05$Pb5f6pbyqYdTq65RH1VZ1udWFf22looSwCbpm2iDkD/WyV9t1v/Ki"

    static func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString).yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func reloadsWhenTheFileChangesAndKeepsTheLastGoodOne() throws {
        let path = try Self.temporaryFile("basic_auth_users:\n  alice: \(Self.first)\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try WebConfigStore(path: path, logger: Logger(label: "test"))
        #expect(!store.servesTLS)
        #expect(store.current.configuration.users["alice"]?.text == Self.first)

        try "basic_auth_users:\n  alice: \(Self.second)\n  bob: \(Self.first)\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(store.current.configuration.users["alice"]?.text == Self.second)
        #expect(store.current.configuration.users.count == 2)

        try "basic_auth_users:\n  alice: oops\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(store.current.configuration.users["alice"]?.text == Self.second, "a broken file keeps the last good one")
        try FileManager.default.removeItem(atPath: path)
        #expect(store.current.configuration.users.count == 2, "so does a deleted file")

        try "basic_auth_users:\n  carol: \(Self.first)\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(store.current.configuration.users.keys.sorted() == ["carol"], "a fixed file applies again")
    }

    @Test func aBrokenFileAtStartThrows() throws {
        let path = try Self.temporaryFile("basic_auth_users:\n  alice: oops\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: WebConfigError.self) { try WebConfigStore(path: path, logger: Logger(label: "test")) }
        #expect(throws: WebConfigError.self) { try WebConfigStore(path: path + ".missing", logger: Logger(label: "test")) }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs openssl"))
    func addingTLSToAPlainHTTPServerNeedsARestart() throws {
        let path = try Self.temporaryFile("basic_auth_users:\n  alice: \(Self.first)\n")
        let directory = (path as NSString).deletingLastPathComponent
        let certificate = directory + "/\(UUID().uuidString).crt", key = directory + "/\(UUID().uuidString).key"
        defer { for file in [path, certificate, key] { try? FileManager.default.removeItem(atPath: file) } }
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                             "-subj", "/CN=localhost", "-keyout", key, "-out", certificate]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)
        let store = try WebConfigStore(path: path, logger: Logger(label: "test"))
        #expect(store.servesTLS == false)

        // A TLS section whose files load: refused only because the server serves plain HTTP.
        let tls = "tls_server_config:\n  cert_file: \(certificate)\n  key_file: \(key)\n"
        try tls.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(store.current.tls == nil, "the running HTTP server does not switch to HTTPS")
        #expect(store.current.configuration.users.keys.sorted() == ["alice"], "the old configuration stays")
        #expect(try WebConfigStore(path: path, logger: Logger(label: "test")).servesTLS, "the same file is good for a server started with it")
    }
}
