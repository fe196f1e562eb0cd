/// `tls_server_config.client_auth_type`: the names are Go's `crypto/tls` ones, as in exporter-toolkit.
public enum ClientAuthPolicy: String, CaseIterable, Sendable {
    /// No client certificate is asked for (the default).
    case noClientCert = "NoClientCert"
    /// A certificate is asked for; the client may send none; what it sends is not verified.
    case requestClientCert = "RequestClientCert"
    /// The client must send a certificate; it is not verified.
    case requireAnyClientCert = "RequireAnyClientCert"
    /// If the client sends a certificate, it must be signed by `client_ca_file`.
    case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
    /// The client must send a certificate signed by `client_ca_file`.
    case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

    /// Whether a connection without a client certificate is refused.
    public var requiresCertificate: Bool {
        self == .requireAnyClientCert || self == .requireAndVerifyClientCert
    }

    /// Whether a presented certificate is checked against `client_ca_file`.
    public var verifiesCertificate: Bool {
        self == .verifyClientCertIfGiven || self == .requireAndVerifyClientCert
    }
}
