import YAMLReader

/// Reads the exporter-toolkit web config format (the one node_exporter's `--web.config.file` takes):
///
/// ```yaml
/// tls_server_config:
///   cert_file: server.crt          # relative paths are relative to this file's folder
///   key_file: server.key
///   client_auth_type: RequireAndVerifyClientCert
///   client_ca_file: clients-ca.crt
///   min_version: TLS12
/// http_server_config:
///   headers:
///     Strict-Transport-Security: max-age=31536000
/// basic_auth_users:
///   prometheus: $2y$10$…            # htpasswd -nBC 10 prometheus
/// ```
///
/// Unknown keys are errors (a typo must not silently turn off authentication), like the toolkit's
/// strict YAML decoding.
public enum WebConfigParser {
    static let topLevelKeys: Set = ["tls_server_config", "http_server_config", "basic_auth_users"]
    static let tlsKeys: Set = ["cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version",
                               "prefer_server_cipher_suites"]
    /// Keys of the toolkit this exporter does not implement: refused by name rather than ignored.
    static let unsupportedTLSKeys: Set = ["cert", "key", "client_ca", "cipher_suites", "curve_preferences", "client_allowed_sans"]
    static let httpKeys: Set = ["http2", "headers"]
    /// The response headers the toolkit lets a config set.
    static let allowedHeaders = ["Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "X-XSS-Protection",
                                 "Content-Security-Policy"]

    public static func parse(contentsOf path: String) throws(WebConfigError) -> WebConfiguration {
        let text: String
        do {
            text = try ConfigurationFile.read(path)
        } catch {
            throw WebConfigError("\(path): cannot read it: \(error)")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(WebConfigError) -> WebConfiguration {
        let document: YAMLNode?
        do {
            document = try YAMLDocument.parse(text)
        } catch {
            throw WebConfigError("\(path): not valid YAML: \(error)")
        }
        guard let document else { return WebConfiguration() }
        let root = try mapping(document, at: "the top level", path: path)
        try refuseUnknownKeys(in: root, allowed: topLevelKeys, at: "", path: path)
        let folder = ConfigurationFile.folder(of: path)

        var configuration = WebConfiguration()
        if let tls = root["tls_server_config"] {
            configuration.tls = try tlsSettings(mapping(tls, at: "tls_server_config", path: path), folder: folder, path: path)
        }
        if let http = root["http_server_config"] {
            let settings = try mapping(http, at: "http_server_config", path: path)
            try refuseUnknownKeys(in: settings, allowed: httpKeys, at: "http_server_config.", path: path)
            if let http2 = settings["http2"], !isBool(http2) {
                throw WebConfigError("\(path): http_server_config.http2 must be true or false")
            }
            if let headers = settings["headers"] {
                for header in try mapping(headers, at: "http_server_config.headers", path: path).entries.sorted(by: { $0.key < $1.key }) {
                    let name = header.key
                    guard let canonical = allowedHeaders.first(where: { $0.lowercased() == name.lowercased() }) else {
                        throw WebConfigError("\(path): http_server_config.headers: \"\(name)\" is not one of \(allowedHeaders.joined(separator: ", "))")
                    }
                    let text = try string(header.value, at: "http_server_config.headers.\(name)", path: path)
                    guard !text.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                        throw WebConfigError("\(path): http_server_config.headers.\(name) must be one line")
                    }
                    configuration.headers.append((canonical, text))
                }
            }
        }
        if let users = root["basic_auth_users"] {
            for entry in try mapping(users, at: "basic_auth_users", path: path).entries {
                let user = entry.key
                guard !user.isEmpty, !user.contains(":") else {
                    throw WebConfigError("\(path): basic_auth_users: \"\(user)\" is not a user name (empty, or contains ':')")
                }
                let text = try string(entry.value, at: "basic_auth_users.\(user)", path: path)
                do {
                    configuration.users[user] = try BcryptHash(text)
                } catch {
                    throw WebConfigError("\(path): basic_auth_users.\(user): \(error)")
                }
            }
        }
        return configuration
    }

    static func tlsSettings(_ settings: YAMLMapping, folder: String, path: String) throws(WebConfigError) -> TLSServerSettings? {
        for key in settings.keys.sorted() where unsupportedTLSKeys.contains(key) {
            throw WebConfigError("\(path): tls_server_config.\(key) is not supported by swarm-ipvs-exporter (use cert_file, key_file, client_ca_file)")
        }
        try refuseUnknownKeys(in: settings, allowed: tlsKeys, at: "tls_server_config.", path: path)
        func file(_ key: String) throws(WebConfigError) -> String? {
            guard let value = settings[key] else { return nil }
            let text = try string(value, at: "tls_server_config.\(key)", path: path)
            guard !text.isEmpty else { return nil }
            if text.hasPrefix("/") || folder.isEmpty { return text }
            return folder.hasSuffix("/") ? folder + text : folder + "/" + text
        }
        func version(_ key: String, default fallback: TLSProtocolVersion) throws(WebConfigError) -> TLSProtocolVersion {
            guard let value = settings[key] else { return fallback }
            let text = try string(value, at: "tls_server_config.\(key)", path: path)
            guard let version = TLSProtocolVersion(rawValue: text) else {
                throw WebConfigError("\(path): tls_server_config.\(key) must be one of \(TLSProtocolVersion.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(text)\"")
            }
            return version
        }
        if let prefer = settings["prefer_server_cipher_suites"], !isBool(prefer) {
            throw WebConfigError("\(path): tls_server_config.prefer_server_cipher_suites must be true or false")
        }

        let certificate = try file("cert_file")
        let key = try file("key_file")
        let clientCA = try file("client_ca_file")
        var clientAuth = ClientAuthPolicy.noClientCert
        if let value = settings["client_auth_type"] {
            let text = try string(value, at: "tls_server_config.client_auth_type", path: path)
            guard let policy = ClientAuthPolicy(rawValue: text) else {
                throw WebConfigError("\(path): tls_server_config.client_auth_type must be one of \(ClientAuthPolicy.allCases.map(\.rawValue).joined(separator: ", ")), not \"\(text)\"")
            }
            clientAuth = policy
        }
        let minimum = try version("min_version", default: .tls12)
        let maximum = try version("max_version", default: .tls13)

        guard let certificate, let key else {
            if certificate == nil, key == nil, clientCA == nil, clientAuth == .noClientCert { return nil }  // TLS off, as in the toolkit
            throw WebConfigError("\(path): tls_server_config needs both cert_file and key_file (\(certificate == nil ? "cert_file" : "key_file") is missing)")
        }
        if clientCA != nil, clientAuth == .noClientCert {
            throw WebConfigError("\(path): tls_server_config.client_ca_file is set but client_auth_type is NoClientCert: set client_auth_type (e.g. RequireAndVerifyClientCert)")
        }
        if clientAuth.verifiesCertificate, clientCA == nil {
            throw WebConfigError("\(path): tls_server_config.client_auth_type \(clientAuth.rawValue) needs client_ca_file (the CA that signs client certificates)")
        }
        guard minimum <= maximum else {
            throw WebConfigError("\(path): tls_server_config.min_version \(minimum.rawValue) is above max_version \(maximum.rawValue)")
        }
        return TLSServerSettings(certificateFile: certificate, keyFile: key, clientAuth: clientAuth, clientCAFile: clientCA,
                                 minimumVersion: minimum, maximumVersion: maximum)
    }

    /// A mapping; an empty value counts as an empty mapping (as in the toolkit's Go decoding).
    static func mapping(_ value: YAMLNode, at place: String, path: String) throws(WebConfigError) -> YAMLMapping {
        if case .mapping(let mapping) = value { return mapping }
        if value.isNull { return YAMLMapping() }
        throw WebConfigError("\(path): \(place) must be a mapping, found \(value.kind)")
    }

    /// A single value's text, as written; an empty value is "" (as in the toolkit's Go decoding).
    static func string(_ value: YAMLNode, at place: String, path: String) throws(WebConfigError) -> String {
        guard case .scalar(let scalar) = value else { throw WebConfigError("\(path): \(place) must be a string, found \(value.kind)") }
        return scalar.isNull ? "" : scalar.text
    }

    static func isBool(_ value: YAMLNode) -> Bool {
        if case .scalar(let scalar) = value { return scalar.bool != nil }
        return false
    }

    static func refuseUnknownKeys(in mapping: YAMLMapping, allowed: Set<String>, at prefix: String, path: String) throws(WebConfigError) {
        for key in mapping.keys.sorted() where !allowed.contains(key) {
            throw WebConfigError("\(path): unknown key \(prefix)\(key) (known: \(allowed.sorted().map { prefix + $0 }.joined(separator: ", ")))")
        }
    }
}
