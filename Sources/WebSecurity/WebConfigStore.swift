public import Logging
import NIOConcurrencyHelpers

/// `--web.config.file`, kept current: every connection and request asks for `current`, which
/// re-reads the file (and rebuilds the TLS context) when the file or a certificate, key or CA file
/// it names has changed on disk — the cost of an unchanged file is a few `stat` calls. A file that
/// became broken is logged once and the last good configuration stays in force, as exporter-toolkit
/// does; the file read at start must be good (`init` throws).
public final class WebConfigStore: Sendable {
    public let path: String
    /// Whether the server was started with TLS. Switching between HTTP and HTTPS needs a restart
    /// (the listener is already serving one or the other), so a reloaded file that would switch is
    /// refused like a broken one.
    public let servesTLS: Bool
    private let logger: Logger
    private let state: NIOLockedValueBox<Loaded>

    struct Loaded: Sendable {
        var active: WebSecurityState
        /// The files as they were when `active` was loaded, or when a reload last failed.
        var fingerprint: FileSetFingerprint
    }

    public init(path: String, logger: Logger) throws(WebConfigError) {
        let loaded = try Self.load(path)
        self.path = path
        self.logger = logger
        servesTLS = loaded.active.tls != nil
        state = NIOLockedValueBox(loaded)
    }

    /// Reads the file and what it names. Each file is fingerprinted before it is read, so a change
    /// made while loading is noticed at the next call rather than lost.
    static func load(_ path: String) throws(WebConfigError) -> Loaded {
        let file = FileFingerprint(path: path)
        let configuration = try WebConfigParser.parse(contentsOf: path)
        let referenced = configuration.referencedFiles
        let fingerprint = FileSetFingerprint(files: [path] + referenced, fingerprints: [file] + referenced.map(FileFingerprint.init(path:)))
        return Loaded(active: try WebSecurityState(configuration: configuration, path: path), fingerprint: fingerprint)
    }

    /// The configuration to use now.
    public var current: WebSecurityState {
        state.withLockedValue { loaded in
            let now = FileSetFingerprint(files: loaded.fingerprint.files)
            if now != loaded.fingerprint { reload(&loaded, seen: now) }
            return loaded.active
        }
    }

    /// Reads the file again now, changed or not (SIGHUP), with the same rules as an automatic
    /// reload: a broken file is logged and the last good configuration stays in force.
    public func reloadNow() {
        state.withLockedValue { loaded in
            reload(&loaded, seen: FileSetFingerprint(files: loaded.fingerprint.files))
        }
    }

    private func reload(_ loaded: inout Loaded, seen now: FileSetFingerprint) {
        do {
            let reloaded = try Self.load(path)
            let candidate = reloaded.active
            guard (candidate.tls != nil) == servesTLS else {
                throw WebConfigError(servesTLS
                    ? "\(path): tls_server_config was removed; switching from HTTPS to HTTP needs a restart"
                    : "\(path): tls_server_config was added; switching from HTTP to HTTPS needs a restart")
            }
            loaded = reloaded
            logger.info("web config reloaded", metadata: [
                "file": "\(path)", "tls": "\(candidate.tls != nil)", "basic_auth_users": "\(candidate.configuration.users.count)",
            ])
        } catch {
            // Remember this state of the files so the failure is logged once, not per request.
            loaded.fingerprint = now
            logger.error("web config reload failed; keeping the last good one", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }
}
