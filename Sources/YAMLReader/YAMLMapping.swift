/// A mapping's entries in the order they were written. Keys are unique (the parser refuses a
/// duplicate key: a second `basic_auth_users` must not silently replace the first).
public struct YAMLMapping: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let key: String
        public let value: YAMLNode
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public var keys: [String] { entries.map(\.key) }

    public subscript(key: String) -> YAMLNode? {
        entries.first { $0.key == key }?.value
    }

    mutating func append(key: String, value: YAMLNode) {
        entries.append(Entry(key: key, value: value))
    }
}
