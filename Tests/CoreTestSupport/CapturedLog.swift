public import Logging
import NIOConcurrencyHelpers

/// Every line logged through `logger`, at every level, for tests of what is logged and how often.
public final class CapturedLog: Sendable {
    public struct Line: Sendable {
        public let level: Logger.Level
        public let message: String
        public let metadata: [String: String]
    }

    private let lines = NIOLockedValueBox<[Line]>([])

    public init() {}

    public var logger: Logger {
        var logger = Logger(label: "test") { _ in Handler(log: self) }
        logger.logLevel = .trace
        return logger
    }

    public var all: [Line] { lines.withLockedValue { $0 } }

    /// The lines with `message`, at any level.
    public func lines(_ message: String) -> [Line] {
        all.filter { $0.message == message }
    }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let line = Line(level: event.level, message: "\(event.message)", metadata: (event.metadata ?? [:]).mapValues { "\($0)" })
            log.lines.withLockedValue { $0.append(line) }
        }
    }
}
