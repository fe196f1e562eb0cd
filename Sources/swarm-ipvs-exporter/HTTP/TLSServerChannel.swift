import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import WebSecurity

/// Wraps a child channel (HTTP/1.1) in TLS, with the TLS context that `--web.config.file` holds
/// when the connection arrives: a renewed certificate or a changed client-certificate policy
/// applies to the next connection without a restart.
struct TLSServerChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let store: WebConfigStore

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            guard let tls = store.current.tls else { throw TLSUnavailable() }
            try channel.pipeline.syncOperations.addHandler(tls.makeHandler())
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }

    /// The store serves TLS for its whole life once started with it (see `WebConfigStore.servesTLS`),
    /// so this is not expected; the connection is closed if it happens.
    struct TLSUnavailable: Error {}
}
