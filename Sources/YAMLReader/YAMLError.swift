/// Why a document could not be read, and where: 1-based line and column of the offending place.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String

    public var description: String { "line \(line), column \(column): \(message)" }
}

extension YAMLError {
    /// An error at `mark`, numbered from 1 as editors number lines and columns.
    init(_ message: String, at mark: YAMLMark) {
        self.init(line: mark.line + 1, column: mark.column + 1, message: message)
    }
}
