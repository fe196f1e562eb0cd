import Logging
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose answer has not been handed to the kernel whole within `timeout` of
/// its head.
///
/// A client that asks for /metrics and never reads (or reads a few bytes a minute) would otherwise
/// keep the answer's samples in memory and its `--web.max-requests` slot taken for as long as it
/// stays connected, and hold up a graceful shutdown for ever. Closing the channel makes the body
/// writer's pending write fail, which ends the body: its samples are freed and its slot released.
final class ResponseWriteTimeout: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head:
            timer?.cancel()
            let channel = context.channel
            let logger = self.logger
            let seconds = Double(timeout.nanoseconds) / 1e9
            timer = context.eventLoop.scheduleTask(in: timeout) {
                logger.warning("answer not taken by the client within the write timeout; connection closed", metadata: [
                    "remote": "\(channel.remoteAddress.map { "\($0)" } ?? "?")", "write_timeout_seconds": "\(seconds)",
                ])
                channel.close(promise: nil)
            }
            context.write(data, promise: promise)
        case .end:
            // Done once the end is written to the socket (the kernel holds the rest); until then
            // the timer still runs.
            let scheduled = timer
            timer = nil
            let written = promise ?? context.eventLoop.makePromise()
            written.futureResult.whenComplete { _ in scheduled?.cancel() }
            context.write(data, promise: written)
        case .body:
            context.write(data, promise: promise)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }
}
