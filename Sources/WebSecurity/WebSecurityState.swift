/// One loaded web config, ready to serve with: the parsed file, its TLS context (when TLS is on)
/// and its authenticator (when users are configured).
public struct WebSecurityState: Sendable {
    public let configuration: WebConfiguration
    public let tls: ServerTLSContext?
    public let authenticator: BasicAuthenticator?

    /// Loads what the parsed file names; any problem is an error naming the file and the key.
    public init(configuration: WebConfiguration, path: String) throws(WebConfigError) {
        self.configuration = configuration
        do {
            tls = try configuration.tls.map { settings throws(WebConfigError) in try ServerTLSContext(settings: settings) }
        } catch {
            throw WebConfigError("\(path): \(error)")
        }
        authenticator = configuration.users.isEmpty ? nil : BasicAuthenticator(users: configuration.users)
    }
}
