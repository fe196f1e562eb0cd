/// Why a web config file cannot be used, as one line that names the file and the key.
public struct WebConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
