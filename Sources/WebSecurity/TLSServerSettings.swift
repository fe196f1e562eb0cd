/// `tls_server_config`: the server's certificate and key, and what it asks of clients.
/// Paths are absolute (relative ones were resolved against the config file's folder).
public struct TLSServerSettings: Sendable, Equatable {
    public var certificateFile: String
    public var keyFile: String
    public var clientAuth: ClientAuthPolicy
    public var clientCAFile: String?
    public var minimumVersion: TLSProtocolVersion
    public var maximumVersion: TLSProtocolVersion

    public init(certificateFile: String, keyFile: String, clientAuth: ClientAuthPolicy = .noClientCert, clientCAFile: String? = nil,
                minimumVersion: TLSProtocolVersion = .tls12, maximumVersion: TLSProtocolVersion = .tls13) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientAuth = clientAuth
        self.clientCAFile = clientCAFile
        self.minimumVersion = minimumVersion
        self.maximumVersion = maximumVersion
    }

    /// The files whose change means the TLS context must be rebuilt.
    public var files: [String] {
        [certificateFile, keyFile] + (clientCAFile.map { [$0] } ?? [])
    }
}
