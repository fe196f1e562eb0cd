/// What a web config file asks for: TLS (or plain HTTP), basic-auth users, extra response headers.
public struct WebConfiguration: Sendable {
    public var tls: TLSServerSettings?
    public var users: [String: BcryptHash]
    /// `http_server_config.headers`, set on every response.
    public var headers: [(name: String, value: String)]

    public init(tls: TLSServerSettings? = nil, users: [String: BcryptHash] = [:], headers: [(name: String, value: String)] = []) {
        self.tls = tls
        self.users = users
        self.headers = headers
    }

    /// The files this configuration reads besides the config file itself.
    public var referencedFiles: [String] { tls?.files ?? [] }
}
