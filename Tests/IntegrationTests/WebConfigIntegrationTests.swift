import Foundation
import Testing

/// `--web.config.file` with real clients: curl and openssl against the real binary, certificates
/// made by openssl, password hashes made by `htpasswd -B` ($2y$).
@Suite(.serialized, .enabled(if: Shell.exists("curl") && Shell.exists("openssl") && Shell.exists("htpasswd"),
                             "needs curl, openssl and htpasswd (Debian apache2-utils)"))
struct WebConfigIntegrationTests {
    static let ownNamespace = "/proc/self/ns/net"
    static let arguments = ["--no-docker", "--collectors", "operstate", "--namespace-path", ownNamespace]

    static func hash(_ password: String, cost: Int = 5) throws -> String {
        let line = try Shell.run(["htpasswd", "-nbB", "-C", String(cost), "user", password]).stdout
        return String(line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":", maxSplits: 1)[1])
    }

    static func write(_ text: String, to path: String) throws {
        // Replaced, not rewritten in place: what a config manager or `kubectl cp` does, and a
        // reader never sees half a file.
        try text.write(toFile: path + ".new", atomically: false, encoding: .utf8)
        guard rename(path + ".new", path) == 0 else { throw Shell.Failure(command: ["rename", path], output: .init(status: errno, stdout: "", stderr: "")) }
    }

    static func tlsConfig(clientAuth: String? = nil, clientCA: Bool = false, extra: String = "", users: [String: String] = [:]) -> String {
        var text = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
        if let clientAuth { text += "  client_auth_type: \(clientAuth)\n" }
        if clientCA { text += "  client_ca_file: ca.crt\n" }
        text += extra
        if !users.isEmpty {
            text += "basic_auth_users:\n" + users.sorted { $0.key < $1.key }.map { "  \($0.key): '\($0.value)'\n" }.joined()
        }
        return text
    }

    @Test func clientCertificatesAndBasicAuthTogether() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let config = pki.path("web.yml")
        try Self.write(Self.tlsConfig(clientAuth: "RequireAndVerifyClientCert", clientCA: true,
                                      extra: "http_server_config:\n  headers:\n    X-Frame-Options: deny\n",
                                      users: ["prometheus": try Self.hash("s3cret")]), to: config)
        let ready = pki.curl(client: "client") + ["-u", "prometheus:s3cret"]
        let exporter = try ExporterProcess(Self.arguments + ["--web.config.file", config], scheme: "https", readinessCurlArguments: ready)

        let right = try exporter.get("/metrics", ready)
        #expect(right.status == 200)
        #expect(String(decoding: right.body, as: UTF8.self).contains("swarm_ipvs_exporter_build_info{"))
        #expect(right.headers.lowercased().contains("x-frame-options: deny"))

        // No client certificate, or one from another CA: the handshake is refused (no HTTP status).
        #expect(try exporter.get("/metrics", pki.curl(client: nil) + ["-u", "prometheus:s3cret"]).status == 0)
        #expect(try exporter.get("/metrics", pki.curl(client: "stranger") + ["-u", "prometheus:s3cret"]).status == 0)
        #expect(try exporter.get("/metrics", pki.curl(client: "self-signed") + ["-u", "prometheus:s3cret"]).status == 0)
        // The right certificate but no, wrong or unknown credentials: 401 with a Basic challenge.
        let anonymous = try exporter.get("/metrics", pki.curl(client: "client"))
        #expect(anonymous.status == 401)
        #expect(anonymous.headers.lowercased().contains("www-authenticate: basic"))
        #expect(try exporter.get("/metrics", pki.curl(client: "client") + ["-u", "prometheus:wrong"]).status == 401)
        #expect(try exporter.get("/metrics", pki.curl(client: "client") + ["-u", "nobody:s3cret"]).status == 401)
        #expect(try exporter.get("/", pki.curl(client: "client")).status == 401, "the landing page is protected too")
        // Plain HTTP on the TLS port gets nothing useful.
        let plain = try Shell.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(exporter.port)/metrics"], check: false)
        #expect(plain.stdout != "200")
        // Still serving after all that.
        #expect(try exporter.get("/metrics", ready).status == 200)
    }

    /// The image's HEALTHCHECK (`swarm-ipvs-exporter healthcheck`) under TLS and basic auth: the
    /// health path answers without credentials, the subcommand speaks TLS when the web config says
    /// so, and it fails once nothing serves (or when it is told the wrong protocol).
    @Test func healthCheckUnderTLSAndBasicAuth() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let config = pki.path("web.yml")
        try Self.write(Self.tlsConfig(users: ["prometheus": try Self.hash("s3cret")]), to: config)
        let ready = pki.curl(client: nil) + ["-u", "prometheus:s3cret"]
        let exporter = try ExporterProcess(Self.arguments + ["--web.config.file", config], scheme: "https", readinessCurlArguments: ready)
        #expect(try exporter.get("/metrics", pki.curl(client: nil)).status == 401)
        let health = try exporter.get("/-/healthy", pki.curl(client: nil))
        #expect(health.status == 200, "the health path needs no credentials")
        #expect(String(decoding: health.body, as: UTF8.self) == "OK\n")
        let address = "127.0.0.1:\(exporter.port)"
        let healthy = try Shell.run([ExporterProcess.binary, "healthcheck", "--web.listen-address", address, "--web.config.file", config], check: false)
        #expect(healthy.status == 0, "\(healthy.stderr)")
        let plain = try Shell.run([ExporterProcess.binary, "healthcheck", "--web.listen-address", address], check: false)
        #expect(plain.status == 1, "plain HTTP against the TLS port is not healthy")
        exporter.stop()
        let stopped = try Shell.run([ExporterProcess.binary, "healthcheck", "--web.listen-address", address, "--web.config.file", config], check: false)
        #expect(stopped.status == 1, "nothing serves: unhealthy")
    }

    @Test func basicAuthOverPlainHTTP() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let config = pki.path("web.yml")
        try Self.write("basic_auth_users:\n  alice: '\(try Self.hash("wonderland"))'\n  bob: '\(try Self.hash("builder", cost: 10))'\n", to: config)
        let exporter = try ExporterProcess(Self.arguments + ["--web.config.file", config], readinessCurlArguments: ["-u", "alice:wonderland"])
        #expect(try exporter.get("/metrics").status == 401)
        #expect(try exporter.get("/metrics", ["-u", "alice:wonderland"]).status == 200)
        #expect(try exporter.get("/metrics", ["-u", "bob:builder"]).status == 200)
        #expect(try exporter.get("/metrics", ["-u", "alice:builder"]).status == 401)
        #expect(try exporter.get("/metrics", ["-H", "Authorization: Basic !!!notbase64"]).status == 401)
        #expect(try exporter.get("/metrics", ["-H", "Authorization: Bearer abc"]).status == 401)
        #expect(try exporter.get("/nope", ["-u", "alice:wonderland"]).status == 404)
        #expect(try exporter.get("/-/healthy").status == 200, "the health path is exempt from basic auth")
        let healthy = try Shell.run([ExporterProcess.binary, "healthcheck", "--web.listen-address", "127.0.0.1:\(exporter.port)"], check: false)
        #expect(healthy.status == 0, "\(healthy.stderr)")
    }

    @Test(arguments: [
        // policy, client presented, expected to be served
        ("NoClientCert", nil, true), ("NoClientCert", "stranger", true),
        ("RequestClientCert", nil, true), ("RequestClientCert", "self-signed", true),
        ("RequireAnyClientCert", nil, false), ("RequireAnyClientCert", "self-signed", true),
        ("VerifyClientCertIfGiven", nil, true), ("VerifyClientCertIfGiven", "client", true), ("VerifyClientCertIfGiven", "stranger", false),
        ("RequireAndVerifyClientCert", nil, false), ("RequireAndVerifyClientCert", "client", true),
    ] as [(String, String?, Bool)])
    func clientAuthPolicies(policy: String, client: String?, served: Bool) throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let config = pki.path("web.yml")
        let verifies = policy.contains("Verify")
        try Self.write(Self.tlsConfig(clientAuth: policy, clientCA: verifies), to: config)
        let exporter = try ExporterProcess(Self.arguments + ["--web.config.file", config], scheme: "https",
                                           readinessCurlArguments: pki.curl(client: verifies || policy == "RequireAnyClientCert" ? "client" : nil))
        let status = try exporter.get("/metrics", pki.curl(client: client)).status
        #expect(served ? status == 200 : status == 0, "\(policy) with \(client ?? "no certificate"): \(status)")
    }

    /// A client that opens the connection and never finishes the TLS handshake (or sends half a
    /// record) is closed by `--web.idle-timeout`, and does not hold up anyone else.
    @Test(.enabled(if: Shell.exists("python3"), "needs python3")) func stalledHandshakesAreClosed() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let config = pki.path("web.yml")
        try Self.write(Self.tlsConfig(), to: config)
        let exporter = try ExporterProcess(Self.arguments + ["--web.config.file", config, "--web.idle-timeout", "2s"], scheme: "https",
                                           readinessCurlArguments: pki.curl(client: nil))
        let script = """
        import socket, sys, time
        held = []
        for first in [b"", b"\\x16\\x03\\x01\\x00\\x05"] * 10:
            s = socket.create_connection(("127.0.0.1", \(exporter.port)))
            s.sendall(first)
            s.settimeout(20)
            held.append((s, time.time()))
        for s, start in held:
            data = s.recv(16)
            print("%.1f %d" % (time.time() - start, len(data)))
        """
        let output = try Shell.run(["python3", "-c", script]).stdout.split(separator: "\n")
        #expect(output.count == 20)
        for line in output {
            let fields = line.split(separator: " ")
            let seconds = Double(fields[0]) ?? -1
            #expect(seconds >= 1.5 && seconds < 15, "closed after \(seconds) s (idle timeout 2 s)")
            #expect(fields[1] == "0", "closed without an answer")
        }
        #expect(try exporter.get("/metrics", pki.curl(client: nil)).status == 200)
    }

    @Test func minimumVersionIsEnforced() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let config = pki.path("web.yml")
        try Self.write(Self.tlsConfig(extra: "  min_version: TLS13\n"), to: config)
        let exporter = try ExporterProcess(Self.arguments + ["--web.config.file", config], scheme: "https", readinessCurlArguments: pki.curl(client: nil))
        #expect(try exporter.get("/metrics", pki.curl(client: nil) + ["--tlsv1.3"]).status == 200)
        #expect(try exporter.get("/metrics", pki.curl(client: nil) + ["--tlsv1.2", "--tls-max", "1.2"]).status == 0)
    }

    @Test func changesApplyAndABrokenFileKeepsTheLastGoodOne() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let config = pki.path("web.yml")
        try Self.write(Self.tlsConfig(users: ["prometheus": try Self.hash("first")]), to: config)
        let first = pki.curl(client: nil) + ["-u", "prometheus:first"]
        let exporter = try ExporterProcess(Self.arguments + ["--web.config.file", config], scheme: "https", readinessCurlArguments: first)
        #expect(try pki.servedSubject(port: exporter.port).contains("CN = localhost"))

        // A new password applies to the next request.
        try Self.write(Self.tlsConfig(users: ["prometheus": try Self.hash("second")]), to: config)
        let second = pki.curl(client: nil) + ["-u", "prometheus:second"]
        #expect(try exporter.get("/metrics", second).status == 200)
        #expect(try exporter.get("/metrics", first).status == 401)
        #expect(exporter.log.contains("web config reloaded"))

        // A broken file: logged, the last good configuration stays.
        try Self.write(Self.tlsConfig(users: ["prometheus": "not-a-hash"]), to: config)
        #expect(try exporter.get("/metrics", second).status == 200)
        #expect(try exporter.get("/metrics", second).status == 200)
        #expect(exporter.log.contains("web config reload failed; keeping the last good one"))
        #expect(exporter.log.contains("basic_auth_users.prometheus: not a bcrypt hash"))
        #expect(exporter.log.components(separatedBy: "reload failed").count - 1 == 1, "logged once per broken state, not per request")

        // Removing TLS cannot switch a running HTTPS listener to HTTP: refused the same way.
        try Self.write("basic_auth_users:\n  prometheus: '\(try Self.hash("third"))'\n", to: config)
        #expect(try exporter.get("/metrics", second).status == 200)
        #expect(exporter.log.contains("switching from HTTPS to HTTP needs a restart"))

        // A renewed certificate (the config file unchanged) is served to new connections.
        try Self.write(Self.tlsConfig(users: ["prometheus": try Self.hash("second")]), to: config)
        try pki.renewServerCertificate()
        #expect(try exporter.get("/metrics", second).status == 200)
        #expect(try pki.servedSubject(port: exporter.port).contains("CN = localhost-renewed"))
        #expect(exporter.stop() == 0)
    }

    @Test(arguments: [
        ("tls_server_config:\n  cert_file: server.crt\n", "needs both cert_file and key_file"),
        ("tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n", "does key_file belong to cert_file?"),
        ("tls_server_config:\n  cert_file: missing.crt\n  key_file: server.key\n", "tls_server_config.cert_file"),
        ("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n", "needs client_ca_file"),
        ("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS14\n", "min_version must be one of"),
        ("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n", "cipher_suites is not supported"),
        ("basic_auth_users:\n  alice: secret\n", "basic_auth_users.alice: not a bcrypt hash"),
        ("basic_auth_user:\n  alice: x\n", "unknown key basic_auth_user"),
        ("tls_server_config: [\n", "not valid YAML"),
    ])
    func aBrokenFileAtStartIsAUsageError(text: String, message: String) throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let config = pki.path("web.yml")
        try Self.write(text, to: config)
        let run = try Shell.run(["timeout", "20", ExporterProcess.binary, "--web.listen-address", "127.0.0.1:0", "--web.config.file", config] + Self.arguments,
                                check: false)
        #expect(run.status == 2, "exit status \(run.status): \(run.stderr)")
        #expect(run.stderr.contains("--web.config.file \(config): ") && run.stderr.contains(message), "\(run.stderr)")
    }

    @Test func aMissingFileAtStartIsAUsageError() throws {
        let run = try Shell.run(["timeout", "20", ExporterProcess.binary, "--web.config.file", "/nonexistent/web.yml"] + Self.arguments, check: false)
        #expect(run.status == 2)
        #expect(run.stderr.contains("--web.config.file /nonexistent/web.yml: cannot read it"))
    }
}
