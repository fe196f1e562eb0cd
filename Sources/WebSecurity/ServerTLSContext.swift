public import NIOSSL
import NIOCore

/// A ready TLS server context built from `tls_server_config`: certificate chain and key loaded,
/// client-certificate policy applied. Every new connection gets a handler from the context that is
/// current when it arrives, so replacing the context (a reloaded file, a renewed certificate)
/// affects new connections only.
public struct ServerTLSContext: Sendable {
    public let settings: TLSServerSettings
    let context: NIOSSLContext
    /// RequestClientCert and RequireAnyClientCert ask for a certificate but must not verify it.
    let acceptsAnyCertificate: Bool

    public init(settings: TLSServerSettings) throws(WebConfigError) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(settings.certificateFile)
        } catch {
            throw WebConfigError("tls_server_config.cert_file \(settings.certificateFile): \(error)")
        }
        guard !chain.isEmpty else { throw WebConfigError("tls_server_config.cert_file \(settings.certificateFile): no PEM certificate in it") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: settings.keyFile, format: .pem)
        } catch {
            throw WebConfigError("tls_server_config.key_file \(settings.keyFile): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = settings.minimumVersion.niossl
        configuration.maximumTLSVersion = settings.maximumVersion.niossl
        switch settings.clientAuth {
        case .noClientCert:
            configuration.certificateVerification = .none
        case .requestClientCert:
            configuration.certificateVerification = .optionalVerification
            configuration.trustRoots = .certificates([])
        case .requireAnyClientCert:
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates([])
        case .verifyClientCertIfGiven, .requireAndVerifyClientCert:
            configuration.certificateVerification = settings.clientAuth.requiresCertificate ? .noHostnameVerification : .optionalVerification
            guard let caFile = settings.clientCAFile else { throw WebConfigError("tls_server_config.client_ca_file is required") }
            do {
                let authorities = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !authorities.isEmpty else { throw WebConfigError("tls_server_config.client_ca_file \(caFile): no PEM certificate in it") }
                configuration.trustRoots = .certificates(authorities)
            } catch let error as WebConfigError {
                throw error
            } catch {
                throw WebConfigError("tls_server_config.client_ca_file \(caFile): \(error)")
            }
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw WebConfigError("tls_server_config: the certificate and key do not make a TLS context (\(error)); does key_file belong to cert_file?")
        }
        self.settings = settings
        acceptsAnyCertificate = settings.clientAuth == .requestClientCert || settings.clientAuth == .requireAnyClientCert
    }

    /// The TLS handler for one new connection.
    public func makeHandler() -> NIOSSLServerHandler {
        if acceptsAnyCertificate {
            return NIOSSLServerHandler(context: context, customVerificationCallback: { _, promise in promise.succeed(.certificateVerified) },
                                       configuration: .init())
        }
        return NIOSSLServerHandler(context: context, configuration: .init())
    }
}
