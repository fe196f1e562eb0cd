import Foundation

/// Certificates made with the openssl command line for the TLS tests: a CA, a server certificate
/// for 127.0.0.1 and localhost, a client certificate the CA signed, and two it did not sign (one
/// from another CA, one self-signed).
struct TestPKI {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pki-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try authority("ca")
        try authority("other-ca")
        try signed("server", by: "ca", subject: "/CN=localhost", extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1")
        try signed("client", by: "ca", subject: "/CN=prometheus", extensions: "extendedKeyUsage=clientAuth")
        try signed("stranger", by: "other-ca", subject: "/CN=stranger", extensions: "extendedKeyUsage=clientAuth")
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=self-signed",
                     "-keyout", path("self-signed.key"), "-out", path("self-signed.crt")])
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// A second server certificate from the same CA, to check that a renewed certificate is served.
    func renewServerCertificate() throws {
        try signed("server", by: "ca", subject: "/CN=localhost-renewed", extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1")
    }

    /// curl arguments that present `name`'s certificate and trust the CA.
    func curl(client name: String?) -> [String] {
        ["--cacert", path("ca.crt")] + (name.map { ["--cert", path("\($0).crt"), "--key", path("\($0).key")] } ?? [])
    }

    /// The subject of the certificate the server at `port` presents.
    func servedSubject(port: Int) throws -> String {
        let output = try Shell.run(["sh", "-c", "openssl s_client -connect 127.0.0.1:\(port) -cert \(path("client.crt")) -key \(path("client.key")) "
            + "</dev/null 2>/dev/null | openssl x509 -noout -subject"], check: false)
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    private func authority(_ name: String) throws {
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=\(name)",
                     "-keyout", path("\(name).key"), "-out", path("\(name).crt")])
    }

    private func signed(_ name: String, by authority: String, subject: String, extensions: String) throws {
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", path("\(name).key"), "-out", path("\(name).csr")])
        try extensions.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(authority).crt"), "-CAkey", path("\(authority).key"),
                     "-set_serial", String(Int.random(in: 1...Int(Int32.max))), "-days", "2", "-extfile", path("\(name).ext"),
                     "-out", path("\(name).crt")])
    }

    private func openssl(_ arguments: [String]) throws {
        try Shell.run(["openssl"] + arguments)
    }
}
