import Logging
import NIOCore
import NIOHTTPTypes

/// The two deadlines of one request-answer exchange on a connection; when either passes, the
/// connection is closed.
///
/// - Reading: a request must be read whole within `readTimeout` of its head. Hummingbird's idle
///   timer restarts at every request part it reads, so a client that sends a request body a byte
///   at a time would keep the connection open for ever. No route here takes a body.
/// - Writing: an answer must be handed to the kernel whole within `writeTimeout` of its head. A
///   client that asks for /metrics and never reads (or reads a few bytes a minute) would otherwise
///   keep the answer's samples in memory and its `--web.max-requests` slot taken for as long as it
///   stays connected, and hold up a graceful shutdown for ever. Closing the channel makes the body
///   writer's pending write fail, which ends the body: its samples are freed and its slot released.
final class ExchangeDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let readTimeout: TimeAmount
    private let writeTimeout: TimeAmount
    private let logger: Logger
    private var readTimer: Scheduled<Void>?
    private var writeTimer: Scheduled<Void>?

    init(readTimeout: TimeAmount, writeTimeout: TimeAmount, logger: Logger) {
        self.readTimeout = readTimeout
        self.writeTimeout = writeTimeout
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            readTimer?.cancel()
            let channel = context.channel
            readTimer = context.eventLoop.scheduleTask(in: readTimeout) { channel.close(promise: nil) }
        case .end:
            readTimer?.cancel()
            readTimer = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head:
            writeTimer?.cancel()
            let channel = context.channel
            let logger = self.logger
            let seconds = Double(writeTimeout.nanoseconds) / 1e9
            writeTimer = context.eventLoop.scheduleTask(in: writeTimeout) {
                logger.warning("answer not taken by the client within the write timeout; connection closed", metadata: [
                    "remote": "\(channel.remoteAddress.map { "\($0)" } ?? "?")", "write_timeout_seconds": "\(seconds)",
                ])
                channel.close(promise: nil)
            }
            context.write(data, promise: promise)
        case .end:
            // Done once the end is written to the socket (the kernel holds the rest); until then
            // the timer still runs.
            let scheduled = writeTimer
            writeTimer = nil
            let written = promise ?? context.eventLoop.makePromise()
            written.futureResult.whenComplete { _ in scheduled?.cancel() }
            context.write(data, promise: written)
        case .body:
            context.write(data, promise: promise)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        context.fireChannelInactive()
    }

    private func cancelTimers() {
        readTimer?.cancel()
        readTimer = nil
        writeTimer?.cancel()
        writeTimer = nil
    }
}
