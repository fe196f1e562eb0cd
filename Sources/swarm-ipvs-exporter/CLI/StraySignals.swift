import Logging
import ServiceLifecycle
import UnixSignals
import WebSecurity
#if canImport(Glibc)
import Glibc
#endif

/// Signals other than SIGTERM and SIGINT. Left at their default disposition, SIGHUP, SIGUSR1,
/// SIGUSR2 and SIGALRM end the process silently (a `kill -HUP` meant as "reload" would take the
/// node's exporter down). Here SIGHUP re-reads `--web.config.file`, and every one of them is
/// logged and otherwise ignored.
struct StraySignals: Service {
    static let handled: [UnixSignal] = [.sighup, .sigusr1, .sigusr2, .sigalrm]

    let webConfig: WebConfigStore?
    let configFile: String?
    let logger: Logger

    /// Ignores the signals from the very start, before the service runs: startup (the first
    /// look at Docker, opening hundreds of namespaces) takes a moment, and a signal then must not
    /// end the process either.
    static func ignoreUntilHandled() {
        for signalNumber in [SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE] {
            signal(signalNumber, SIG_IGN)
        }
    }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: Self.handled)
        await cancelWhenGracefulShutdown {
            for await received in signals {
                handle(received)
            }
        }
    }

    private func handle(_ received: UnixSignal) {
        guard received == .sighup else {
            logger.info("signal ignored (SIGTERM or SIGINT stop the exporter)", metadata: ["signal": "\(received)"])
            return
        }
        if let webConfig {
            logger.info("SIGHUP: re-reading the web config file", metadata: ["file": "\(webConfig.path)"])
            webConfig.reloadNow()
        } else {
            logger.info("SIGHUP: no --web.config.file to re-read")
        }
        if let configFile {
            logger.warning("SIGHUP: --config.file is read at start only; restart the exporter to apply changes to it",
                           metadata: ["file": "\(configFile)"])
        }
    }
}
