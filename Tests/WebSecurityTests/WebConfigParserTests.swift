import Foundation
import Testing
@testable import WebSecurity

@Suite struct WebConfigParserTests {
    static let hash = "$2y$04$tLso7Ae9emO3i25NbBHFledHaLy1paO2pF7D/pxvIzTDvc1l2KQGO"

    @Test func readsTheToolkitFormat() throws {
        let text = """
        tls_server_config:
          cert_file: server.crt
          key_file: /etc/exporter/server.key
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca/clients.crt
          min_version: TLS13
          prefer_server_cipher_suites: true
        http_server_config:
          http2: false
          headers:
            strict-transport-security: max-age=31536000
        basic_auth_users:
          prometheus: \(Self.hash)
        """
        let configuration = try WebConfigParser.parse(text, path: "/etc/exporter/web.yml")
        #expect(configuration.tls == TLSServerSettings(
            certificateFile: "/etc/exporter/server.crt", keyFile: "/etc/exporter/server.key", clientAuth: .requireAndVerifyClientCert,
            clientCAFile: "/etc/exporter/ca/clients.crt", minimumVersion: .tls13, maximumVersion: .tls13))
        #expect(configuration.users == ["prometheus": try BcryptHash(Self.hash)])
        #expect(configuration.headers.map { "\($0.name): \($0.value)" } == ["Strict-Transport-Security: max-age=31536000"])
        #expect(configuration.referencedFiles == ["/etc/exporter/server.crt", "/etc/exporter/server.key", "/etc/exporter/ca/clients.crt"])
    }

    @Test(arguments: ["", "# nothing\n", "tls_server_config:\n  cert_file: \"\"\n  key_file: \"\"\n", "tls_server_config: {}\n"])
    func anEmptyFileOrEmptyTLSMeansPlainHTTPWithoutAuth(text: String) throws {
        let configuration = try WebConfigParser.parse(text, path: "web.yml")
        #expect(configuration.tls == nil)
        #expect(configuration.users.isEmpty)
    }

    @Test func defaultsAreTheToolkitsDefaults() throws {
        let settings = try #require(try WebConfigParser.parse("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n", path: "web.yml").tls)
        #expect(settings.clientAuth == .noClientCert)
        #expect(settings.minimumVersion == .tls12)
        #expect(settings.maximumVersion == .tls13)
        #expect(settings.certificateFile == "a.crt", "relative to the working directory when the file's path has no folder")
    }

    @Test(arguments: [
        ("tls_server_config:\n  cert_file: a.crt\n", "tls_server_config needs both cert_file and key_file (key_file is missing)"),
        ("tls_server_config:\n  key_file: a.key\n", "tls_server_config needs both cert_file and key_file (cert_file is missing)"),
        ("tls_server_config:\n  client_ca_file: ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n", "needs both cert_file and key_file"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: ca.crt\n", "client_ca_file is set but client_auth_type is NoClientCert"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: VerifyClientCertIfGiven\n", "VerifyClientCertIfGiven needs client_ca_file"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireClientCert\n", "client_auth_type must be one of NoClientCert, "),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS13\n  max_version: TLS12\n", "min_version TLS13 is above max_version TLS12"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  max_version: 1.3\n", "tls_server_config.max_version must be one of TLS10, TLS11, TLS12, TLS13, not \"1.3\""),
        ("tls_server_config:\n  cert_file: [a]\n  key_file: b\n", "tls_server_config.cert_file must be a string, found a list"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  cert_fle: c\n", "unknown key tls_server_config.cert_fle"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  curve_preferences: [X25519]\n", "curve_preferences is not supported"),
        ("tls_server_config: yes\n", "tls_server_config must be a mapping"),
        ("- a\n- b\n", "the top level must be a mapping"),
        ("basic_auth_users:\n  alice: plain\n", "basic_auth_users.alice: not a bcrypt hash"),
        ("basic_auth_users:\n  'a:b': \(hash)\n", "\"a:b\" is not a user name"),
        ("basic_auth_users: [alice]\n", "basic_auth_users must be a mapping"),
        ("http_server_config:\n  headers:\n    Set-Cookie: x\n", "\"Set-Cookie\" is not one of"),
        ("http_server_config:\n  http2: maybe\n", "http2 must be true or false"),
        ("http_server_config:\n  keepalive: true\n", "unknown key http_server_config.keepalive"),
        ("basic_auth_user:\n  alice: x\n", "unknown key basic_auth_user"),
        ("a: [\n", "not valid YAML"),
    ])
    func refusesWithAMessageNamingTheKey(text: String, message: String) {
        do {
            _ = try WebConfigParser.parse(text, path: "/etc/web.yml")
            Issue.record("parsed: \(text)")
        } catch {
            #expect(error.description.hasPrefix("/etc/web.yml: "), "\(error)")
            #expect(error.description.contains(message), "\(error)")
        }
    }
}
